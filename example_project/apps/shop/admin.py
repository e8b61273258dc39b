"""Admin of the shop: shopkit's ModelAdmins, the product one extended with the brand."""

from django.contrib import admin

from django_shopkit.catalog.admin import ProductAdmin, register_catalog_admin

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


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    raw_id_fields = ["product"]
    extra = 0
    can_delete = False


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    readonly_fields = [
        "gateway",
        "amount",
        "currency",
        "status",
        "reference",
        "idempotency_key",
        "message",
        "created_at",
    ]

    def has_add_permission(self, request, obj=None):
        # Payments are recorded by the payment gateway flow, never typed in.
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "user", "status", "total", "currency", "created_at"]
    list_select_related = ["user"]
    list_filter = ["status", "created_at"]
    search_fields = ["number", "email", "user__email"]
    raw_id_fields = ["user"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "number",
        "subtotal",
        "discount_total",
        "total",
        "currency",
        "idempotency_key",
        "paid_at",
        "fulfilled_at",
        "cancelled_at",
        "created_at",
        "updated_at",
    ]
    inlines = [OrderItemInline, PaymentInline]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["pk", "order", "gateway", "status", "amount", "currency", "created_at"]
    list_select_related = ["order"]
    list_filter = ["status", "gateway"]
    search_fields = ["order__number", "reference"]
    raw_id_fields = ["order"]
