"""Admin of the shop: shopkit's ModelAdmins (the product one with the brand), and carts."""

from django.contrib import admin

from django_shopkit.catalog.admin import ProductAdmin, register_catalog_admin
from django_shopkit.orders.admin import register_orders_admin

from .models import Cart, CartItem, Product


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


# Orders and payments with shopkit's ModelAdmins: read-only lines and payments, status changes
# through the order service (admin actions).
register_orders_admin()
