"""ModelAdmin classes for the host's concrete catalog models.

Register them all in the host's ``admin.py`` with two lines::

    from django_shopkit.catalog.admin import register_catalog_admin

    register_catalog_admin()

or register one class yourself, e.g. ``admin.site.register(Product, ProductAdmin)``, or
subclass it first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin

from django_shopkit.checks import ModelSettingsAdminMixin
from django_shopkit.loading import (
    get_category_model,
    get_discount_model,
    get_product_model,
    get_review_model,
    get_tag_model,
)

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:  # ModelAdmin is generic for type checkers only

    class _ModelAdmin(ModelSettingsAdminMixin, admin.ModelAdmin):
        """A ModelAdmin whose checks wait for valid shopkit model settings."""


__all__ = [
    "CategoryAdmin",
    "DiscountAdmin",
    "ProductAdmin",
    "ReviewAdmin",
    "TagAdmin",
    "register_catalog_admin",
]


class CategoryAdmin(_ModelAdmin):
    """Admin of categories."""

    list_display = ["name", "slug", "parent", "position"]
    list_select_related = ["parent"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


class TagAdmin(_ModelAdmin):
    """Admin of tags."""

    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class ProductAdmin(_ModelAdmin):
    """Admin of products: the changelist joins the category, so it runs a fixed few queries."""

    list_display = [
        "name",
        "category",
        "price",
        "stock",
        "is_active",
        "is_featured",
        "average_rating",
        "review_count",
        "created_at",
    ]
    list_select_related = ["category"]
    list_filter = ["is_active", "is_featured", "category"]
    list_editable = ["is_active", "is_featured"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["category", "tags"]
    # Not autocomplete: that needs a user admin with search_fields on the same site.
    raw_id_fields = ["created_by"]
    readonly_fields = ["average_rating", "review_count", "created_at", "updated_at"]
    date_hierarchy = "created_at"


class ReviewAdmin(_ModelAdmin):
    """Admin of reviews."""

    list_display = ["product", "user", "rating", "created_at"]
    list_select_related = ["product", "user"]
    list_filter = ["rating"]
    search_fields = ["product__name", "comment"]
    raw_id_fields = ["product", "user"]


class DiscountAdmin(_ModelAdmin):
    """Admin of discounts."""

    list_display = ["product", "percent", "starts_at", "ends_at"]
    list_select_related = ["product"]
    search_fields = ["product__name"]
    raw_id_fields = ["product"]


def register_catalog_admin(site: admin.AdminSite | None = None) -> None:
    """Register the host's catalog models with the shopkit ModelAdmins (default: admin.site).

    Models already registered (e.g. with the host's own subclass) are left alone.
    """
    site = site or admin.site
    pairs: list[tuple[Any, type[_ModelAdmin]]] = [
        (get_category_model(), CategoryAdmin),
        (get_tag_model(), TagAdmin),
        (get_product_model(), ProductAdmin),
        (get_review_model(), ReviewAdmin),
        (get_discount_model(), DiscountAdmin),
    ]
    for model, model_admin in pairs:
        if not site.is_registered(model):
            site.register(model, model_admin)
