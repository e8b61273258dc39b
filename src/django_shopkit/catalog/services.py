"""Catalog business logic; the stock operations the orders app builds on.

Hosts replace the service by subclassing :class:`CatalogService` and naming the subclass in
``SHOPKIT_CATALOG_SERVICE``; library code always goes through :func:`get_catalog_service`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.models import Avg, Count, DecimalField, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce, Round
from django.utils.translation import gettext as _

from django_shopkit.catalog.cache import invalidate_products
from django_shopkit.loading import get_class, get_product_model, get_review_model, get_tag_model

__all__ = ["CatalogService", "OutOfStock", "get_catalog_service"]

# Products locked, read and written per statement by refresh_tag_names(): well under
# SQLite's limit of query parameters, and a bounded CASE in bulk_update()'s UPDATE.
_TAG_NAMES_BATCH = 500


class OutOfStock(Exception):
    """Raised when a product has fewer units in stock than asked for."""

    def __init__(self, product_id: int, requested: int, available: int) -> None:
        self.product_id = product_id
        self.requested = requested
        self.available = available
        super().__init__(
            _("Only %(available)d of product %(product)s left in stock; %(requested)d requested.")
            % {"available": available, "product": product_id, "requested": requested}
        )


class CatalogService:
    """Stock operations that never oversell. Override a method to change one rule."""

    def reserve_stock(self, product_id: int, quantity: int) -> None:
        """Take ``quantity`` units of an active product out of stock, or raise OutOfStock.

        One conditional UPDATE (``stock >= quantity``) does check and write at once, so
        concurrent buyers cannot both pass a check and oversell; the row lock it takes is held
        until the surrounding transaction ends.
        """
        if quantity < 1:
            raise ValueError("quantity must be at least 1")
        product_model = get_product_model()
        updated = product_model._default_manager.filter(
            pk=product_id, is_active=True, stock__gte=quantity
        ).update(stock=F("stock") - quantity)
        if not updated:
            available = (
                product_model._default_manager.filter(pk=product_id, is_active=True)
                .values_list("stock", flat=True)
                .first()
            )
            raise OutOfStock(product_id, quantity, available or 0)
        # update() sends no signal; cached product data shows the stock.
        self._stock_changed()

    def _stock_changed(self) -> None:
        # Inside reserve_many/release_many the cache is invalidated once, after the loop: one
        # on-commit callback per batch, not one per line.
        if not getattr(self, "_batching", False):
            invalidate_products()

    @contextmanager
    def _batch(self) -> Iterator[None]:
        self._batching = True
        try:
            yield
        finally:
            self._batching = False
        invalidate_products()  # not reached when a line failed: the batch rolled back

    def reserve_many(self, quantities: Mapping[int, int], *, savepoint: bool = True) -> None:
        """Reserve stock for several products at once: all of them, or none.

        Rows are updated in primary-key order, so two carts holding the same products in
        opposite orders lock them in the same order and cannot deadlock. ``savepoint=False``
        is for callers whose transaction fails as a whole on OutOfStock (it saves two
        statements); the caller must not carry on in that transaction after the error.
        """
        with transaction.atomic(savepoint=savepoint), self._batch():
            for product_id in sorted(quantities):
                self.reserve_stock(product_id, quantities[product_id])

    def release_stock(self, product_id: int, quantity: int) -> None:
        """Put ``quantity`` units of a product back in stock."""
        if quantity < 1:
            raise ValueError("quantity must be at least 1")
        get_product_model()._default_manager.filter(pk=product_id).update(
            stock=F("stock") + quantity
        )
        self._stock_changed()

    def adjust_stock(self, product_id: int, delta: int) -> int:
        """Add ``delta`` units (negative: remove) to a product's stock; return the new stock.

        The owner's deliberate change: one conditional UPDATE (``stock + delta >= 0``) of the
        ``stock`` column alone, so units sold meanwhile still count. Raises OutOfStock when
        removing more units than are left, ``ValueError`` for a missing product.
        """
        product_model = get_product_model()
        manager = product_model._default_manager
        with transaction.atomic():
            updated = manager.filter(pk=product_id, stock__gte=max(0, -delta)).update(
                stock=F("stock") + delta
            )
            stock = manager.filter(pk=product_id).values_list("stock", flat=True).first()
        if stock is None:
            raise ValueError(f"product {product_id} does not exist")
        if not updated:
            raise OutOfStock(product_id, -delta, stock)
        if delta:
            self._stock_changed()
        return int(stock)

    def set_stock(self, product_id: int, stock: int) -> None:
        """Set a product's stock to a counted figure (a recount), writing that column alone.

        Sales committed before this UPDATE are overridden by the figure: prefer
        :meth:`adjust_stock` unless the figure comes from counting the shelf.
        """
        if stock < 0:
            raise ValueError("stock cannot be negative")
        get_product_model()._default_manager.filter(pk=product_id).update(stock=stock)
        self._stock_changed()

    def release_many(self, quantities: Mapping[int, int]) -> None:
        """Put stock back for several products, in primary-key order."""
        with transaction.atomic(), self._batch():
            for product_id in sorted(quantities):
                self.release_stock(product_id, quantities[product_id])

    def refresh_rating(self, product_id: int) -> None:
        """Store one product's current review average and count, in one UPDATE."""
        self.refresh_ratings([product_id])

    def refresh_ratings(self, product_ids: Iterable[int] | None = None) -> int:
        """Store the current review average and count of products (default: all), one UPDATE.

        Both figures come from subqueries evaluated by the database inside the UPDATE, which
        writes these two columns only, after taking the products' row locks, so two reviews
        saved at once cannot leave a stale figure behind. Returns the rows updated.
        """
        reviews = (
            get_review_model()
            ._default_manager.filter(product=OuterRef("pk"))
            .order_by()
            .values("product")
        )
        average = reviews.annotate(value=Round(Avg("rating"), 2)).values("value")
        count = reviews.annotate(value=Count("pk")).values("value")
        products = get_product_model()._default_manager.all()
        with transaction.atomic():
            if product_ids is not None:
                products = products.filter(pk__in=list(product_ids))
                # Lock first, then UPDATE in a new statement: under READ COMMITTED the
                # subqueries of an UPDATE that waited for the row read the snapshot taken
                # before the wait, and would miss a review committed meanwhile (two reviews
                # at once would leave review_count 1). After the lock, they see it.
                list(products.select_for_update().order_by("pk").values_list("pk", flat=True))
            updated = products.update(
                average_rating=Subquery(
                    average, output_field=DecimalField(max_digits=3, decimal_places=2)
                ),
                review_count=Coalesce(Subquery(count, output_field=IntegerField()), 0),
            )
        invalidate_products()
        return updated

    def refresh_tag_names(self, product_ids: Iterable[int] | None = None) -> int:
        """Store the names of products' tags (default: all products) in ``tag_names``.

        The catalog's signal handlers call this when tags are linked, unlinked, renamed or
        deleted; call it yourself after writes that send no signal (``bulk_create`` of
        ``Product.tags.through`` rows, ``QuerySet.update()`` of tag names, raw SQL). Names
        come in the tag model's ordering. Each batch of products is locked first, in
        primary-key order, then read and written (the ``tag_names`` column alone), so two
        tag changes committed at once both end up in the stored names. Returns the products
        updated.
        """
        # The base manager: a host's default manager may hide products (a soft delete) whose
        # names must stay right for when they are shown again.
        products = get_product_model()._base_manager.order_by("pk")
        if product_ids is None:
            ids = list(products.values_list("pk", flat=True))
        else:
            ids = sorted(set(product_ids))
        updated = 0
        with transaction.atomic():
            for start in range(0, len(ids), _TAG_NAMES_BATCH):
                updated += self._refresh_tag_names_batch(ids[start : start + _TAG_NAMES_BATCH])
        if updated:
            invalidate_products()
        return updated

    def _refresh_tag_names_batch(self, ids: list[int]) -> int:
        product_model = get_product_model()
        locked = (
            product_model._base_manager.filter(pk__in=ids)
            .select_for_update()
            .order_by("pk")
            .only("pk", "tag_names")
        )
        batch = list(locked)
        names: dict[int, list[str]] = {product.pk: [] for product in batch}
        # The tag model's default manager keeps its Meta.ordering: names come in tag order.
        tags: Any = get_tag_model()._default_manager
        links = tags.filter(products__in=list(names)).values_list("products", "name")
        for product_id, name in links:
            names[product_id].append(name)
        changed = []
        for product in batch:
            if product.tag_names != names[product.pk]:
                product.tag_names = names[product.pk]
                changed.append(product)
        if changed:
            product_model._base_manager.bulk_update(changed, ["tag_names"])
        return len(changed)


def get_catalog_service() -> CatalogService:
    """Return an instance of the class named by ``SHOPKIT_CATALOG_SERVICE``."""
    service: CatalogService = get_class("CATALOG_SERVICE")()
    return service
