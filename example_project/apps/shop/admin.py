"""Admin of the shop: shopkit's ModelAdmins, the product one extended with the brand."""

from django.contrib import admin

from django_shopkit.catalog.admin import ProductAdmin, register_catalog_admin
from django_shopkit.orders.admin import register_orders_admin

from .models import Product


@admin.register(Product)
class ShopProductAdmin(ProductAdmin):
    """Shopkit's product admin plus the brand column, filter and search."""

    list_display = [*ProductAdmin.list_display[:1], "brand", *ProductAdmin.list_display[1:]]
    list_filter = [*ProductAdmin.list_filter, "brand"]
    search_fields = [*ProductAdmin.search_fields, "brand"]


# Category, Tag, Review and Discount with shopkit's ModelAdmins (Product is taken above).
register_catalog_admin()


# Carts, orders and payments with shopkit's ModelAdmins: read-only lines and payments, status
# changes through the order service (admin actions).
register_orders_admin()
