"""Signal handlers of the catalog: keep stored ratings and tag names current, invalidate caches.

:func:`connect_handlers` runs in the catalog app's ``ready()`` and connects the receivers to
the host's concrete models, found through the loading helpers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import (
    ModelSignal,
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
)

from django_shopkit.catalog.cache import invalidate_categories, invalidate_products
from django_shopkit.catalog.services import get_catalog_service
from django_shopkit.loading import (
    get_category_model,
    get_discount_model,
    get_product_model,
    get_review_model,
    get_tag_model,
)

__all__ = ["connect_handlers"]

# Where a tag instance holds its products between the pre_ and the post_ signal of a clear or
# a delete: the post_ signal names none, and both carry the same instance.
_TAGGED_PRODUCTS = "_shopkit_tagged_products"


def category_data_changed(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    """Invalidate cached categories and products after a product or category changes.

    A product counts in its category's ``product_count``; a category's name shows in its
    products' data.
    """
    invalidate_categories()


def product_data_changed(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    """Invalidate cached products after a tag or discount is saved or deleted."""
    invalidate_products()


def product_tags_changed(
    sender: type[Model],
    instance: Model,
    action: str,
    reverse: bool,
    pk_set: set[Any] | None,
    **kwargs: Any,
) -> None:
    """Store the tag names of the products whose tags changed.

    ``product.tags.add()`` (and ``remove``, ``clear``, ``set``) refreshes that product's
    ``tag_names``, in the database and on ``instance``; ``tag.products.add()`` and the other
    reverse changes refresh each product named once the transaction commits (see
    :func:`_refresh_after_commit`). The refresh invalidates cached products when a name list
    changed (the tags a product has are what its names say).
    """
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            get_catalog_service().refresh_tag_names([instance.pk])
            instance.refresh_from_db(fields=["tag_names"])
        return
    if action == "pre_clear":
        # post_clear names no product: remember the tag's products while they are linked.
        setattr(instance, _TAGGED_PRODUCTS, _locked_product_ids_of(instance))
    elif action in ("post_add", "post_remove"):
        _refresh_after_commit(pk_set or ())
    elif action == "post_clear":
        _refresh_after_commit(_take_tagged_products(instance))


def tag_saved(sender: type[Model], instance: Model, created: bool, **kwargs: Any) -> None:
    """Store a renamed tag's name in its products' ``tag_names`` once the save commits."""
    fields = kwargs.get("update_fields")
    if created or kwargs.get("raw") or (fields is not None and "name" not in fields):
        return
    _refresh_after_commit(_product_ids_of(instance))


def tag_deleting(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    """Remember a tag's products before it is deleted (its links go with it)."""
    setattr(instance, _TAGGED_PRODUCTS, _locked_product_ids_of(instance))


def tag_deleted(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    """Drop a deleted tag's name from its products' ``tag_names`` once the delete commits."""
    _refresh_after_commit(_take_tagged_products(instance))


def _refresh_after_commit(product_ids: Iterable[int]) -> None:
    # A change made from the tag's side (a reverse add, remove or clear, a rename, deleting
    # tags) can touch many products, in several steps of one transaction: refreshing them in
    # it would lock their rows out of primary-key order, against checkouts that lock in order
    # (a deadlock). After the commit, each refresh is a transaction of its own, in order.
    ids = list(product_ids)
    if ids:
        refresh = get_catalog_service().refresh_tag_names
        transaction.on_commit(partial(refresh, ids), robust=True)


def _take_tagged_products(tag: Model) -> list[int]:
    ids: list[int] = tag.__dict__.pop(_TAGGED_PRODUCTS, [])
    return ids


def _product_ids_of(tag: Model) -> list[int]:
    # The base manager: a host's default manager may hide products that still carry the tag.
    products = get_product_model()._base_manager.filter(tags=tag.pk)
    return list(products.values_list("pk", flat=True))


def _locked_product_ids_of(tag: Model) -> list[int]:
    # Lock the tag first: a link added meanwhile would be cleared or deleted with the others
    # while missing from the ids (its product keeping the name); with the lock, it waits.
    list(type(tag)._base_manager.select_for_update().filter(pk=tag.pk).values_list("pk"))
    return _product_ids_of(tag)


def review_changed(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    """Recompute the product's stored rating after a review is saved or deleted."""
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
    tag_receivers: list[tuple[ModelSignal, Callable[..., None]]] = [
        (post_save, tag_saved),
        (pre_delete, tag_deleting),
        (post_delete, tag_deleted),
    ]
    for signal, receiver in tag_receivers:
        signal.connect(
            receiver,
            sender=tag,
            dispatch_uid=f"shopkit-catalog-{tag._meta.label_lower}-{receiver.__name__}",
        )
    m2m_changed.connect(
        product_tags_changed,
        sender=product.tags.through,
        dispatch_uid=f"shopkit-catalog-{product._meta.label_lower}-tags",
    )
