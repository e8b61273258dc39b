"""ModelAdmin classes for the host's concrete catalog models.

Saving a product in the admin writes only the fields the form changed; a change to ``stock``
is applied as a difference against the figure the page showed (units sold since the page
loaded still count), through the catalog service's conditional update.

Register them all in the host's ``admin.py`` with two lines::

    from django_shopkit.catalog.admin import register_catalog_admin

    register_catalog_admin()

or register one class yourself, e.g. ``admin.site.register(Product, ProductAdmin)``, or
subclass it first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from django_shopkit.catalog.services import OutOfStock, get_catalog_service
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

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        """Send the stock the page showed along with the form, to apply a change as a delta."""
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name == "stock":
            field.show_hidden_initial = True
        return field

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Save a new product whole; of an existing one only the fields the form changed.

        Override :meth:`stock_delta` to change how a stock edit is read.
        """
        if not change:
            super().save_model(request, obj, form, change)
            return
        concrete = {f.name for f in obj._meta.concrete_fields}
        fields = [name for name in form.changed_data if name in concrete and name != "stock"]
        with transaction.atomic():
            if fields:
                # Never the stock or rating read when the page loaded: checkouts and reviews
                # committed since then would be undone.
                obj.save(update_fields=[*fields, "updated_at"])
            delta = self.stock_delta(form) if "stock" in form.changed_data else 0
            if delta:
                try:
                    obj.stock = get_catalog_service().adjust_stock(obj.pk, delta)
                except OutOfStock as exc:
                    self.message_user(
                        request,
                        _("Stock not changed: only %(available)d left, %(requested)d removed.")
                        % {"available": exc.available, "requested": exc.requested},
                        messages.ERROR,
                    )

    def stock_delta(self, form: Any) -> int:
        """Return the change the user made to ``stock``: the new figure minus the shown one."""
        field = form.fields["stock"]
        shown = field.to_python(form.data.get(form.add_initial_prefix("stock")))
        if shown is None:  # no hidden initial sent (a scripted post): the stored figure
            shown = form.initial.get("stock") or 0
        return int(form.cleaned_data["stock"]) - int(shown)


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
