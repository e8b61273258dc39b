"""Admin of the shop: shopkit's ModelAdmins (the product one with the brand), and carts."""

from django.contrib import admin

from django_shopkit.catalog.admin import ProductAdmin, register_catalog_admin
from django_shopkit.orders.admin import OrderAdmin, OrderItemInline, PaymentAdmin, PaymentInline

from .models import Cart, CartItem, Order, OrderItem, Payment, Product


@admin.register(Product)
class ShopProductAdmin(ProductAdmin):
    """Shopkit's product admin plus the brand column, filter and search."""

    list_display = [*ProductAdmin.list_display[:1], "brand", *ProductAdmin.list_display[1:]]
    list_filter = [*ProductAdmin.list_filter, "brand"]
    search_fields = [*ProductAdmin.search_fields, "brand"]


# Category, Tag, Review and Discount with shopkit's ModelAdmins (Product is taken above).
register_catalog_admin()


class CartItemInline(admin.TabularInline):
    model = CartItem
    raw_id_fields = ["product"]
    extra = 0


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ["pk", "user", "session_key", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["user__email", "session_key"]
    raw_id_fields = ["user"]
    inlines = [CartItemInline]


class ShopOrderItemInline(OrderItemInline):
    model = OrderItem


class ShopPaymentInline(PaymentInline):
    model = Payment


@admin.register(Order)
class ShopOrderAdmin(OrderAdmin):
    """Shopkit's order admin: read-only lines and payments, fulfil and cancel actions.

    The inlines name the concrete models on the class, where Django's admin checks look.
    """

    inlines = [ShopOrderItemInline, ShopPaymentInline]


admin.site.register(Payment, PaymentAdmin)
