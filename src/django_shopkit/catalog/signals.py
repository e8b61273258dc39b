"""Signal handlers of the catalog: keep stored ratings current and invalidate cached data.

:func:`connect_handlers` runs in the catalog app's ``ready()`` and connects the receivers to
the host's concrete models, found through the loading helpers.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from django_shopkit.catalog.cache import invalidate_categories, invalidate_products
from django_shopkit.loading import (
    get_category_model,
    get_discount_model,
    get_product_model,
    get_review_model,
    get_tag_model,
)

__all__ = ["connect_handlers"]


def category_data_changed(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    """Invalidate cached categories and products after a product or category changes.

    A product counts in its category's ``product_count``; a category's name shows in its
    products' data.
    """
    invalidate_categories()


def product_data_changed(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    """Invalidate cached products after a tag or discount is saved or deleted."""
    invalidate_products()


def product_tags_changed(sender: type[Model], action: str, **kwargs: Any) -> None:
    """Invalidate cached products after tags are added to or removed from a product."""
    if action in ("post_add", "post_remove", "post_clear"):
        invalidate_products()


def review_changed(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    """Recompute the product's stored rating after a review is saved or deleted."""
    from django_shopkit.catalog.services import get_catalog_service

    get_catalog_service().refresh_rating(instance.product_id)  # type: ignore[attr-defined]


def connect_handlers() -> None:
    """Connect the catalog's receivers to the host's concrete models."""
    try:
        product = get_product_model()
        category = get_category_model()
        tag = get_tag_model()
        discount = get_discount_model()
        review = get_review_model()
    except ImproperlyConfigured:
        # The shopkit system checks report the misconfiguration with a precise message.
        return
    receivers = [
        (product, category_data_changed),
        (category, category_data_changed),
        (tag, product_data_changed),
        (discount, product_data_changed),
        (review, review_changed),
    ]
    for model, receiver in receivers:
        for signal in (post_save, post_delete):
            signal.connect(
                receiver,
                sender=model,
                dispatch_uid=f"shopkit-catalog-{model._meta.label_lower}-{receiver.__name__}",
            )
    m2m_changed.connect(
        product_tags_changed,
        sender=product.tags.through,
        dispatch_uid=f"shopkit-catalog-{product._meta.label_lower}-tags",
    )
