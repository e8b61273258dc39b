"""Chainable product queries: ``Product.objects.active().for_listing()``; category counts.

Every method returns a new queryset, so hosts combine them freely and may subclass
:class:`ProductQuerySet` (or mix its methods into their own queryset) to add more.
:func:`with_product_count` annotates any category queryset with its active products.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models import Avg, Count, Q

from django_shopkit.loading import get_category_model

if TYPE_CHECKING:
    from django_shopkit.catalog.abstract_models import AbstractProduct

__all__ = ["ProductQuerySet", "categories_with_product_count", "with_product_count"]

_M = TypeVar("_M", bound="AbstractProduct")


def with_product_count(queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """Annotate each category with ``product_count``, its number of active products."""
    annotated: models.QuerySet[Any] = queryset.annotate(
        product_count=Count("products", filter=Q(products__is_active=True))
    )
    return annotated


def categories_with_product_count() -> models.QuerySet[Any]:
    """Return all categories with ``product_count``, by position, name and id."""
    categories = get_category_model()._default_manager.all()
    # Django drops Meta.ordering from aggregate queries; pagination needs an order.
    return with_product_count(categories).order_by("position", "name", "pk")


class ProductQuerySet(models.QuerySet[_M]):
    """Domain queries on products; each one chains."""

    def active(self) -> ProductQuerySet[_M]:
        """Return only products that are on sale."""
        return self.filter(is_active=True)

    def in_stock(self) -> ProductQuerySet[_M]:
        """Return only products with at least one unit in stock."""
        return self.filter(stock__gt=0)

    def featured(self) -> ProductQuerySet[_M]:
        """Return only products flagged as featured."""
        return self.filter(is_featured=True)

    def with_category(self) -> ProductQuerySet[_M]:
        """Join the category, so ``product.category`` costs no query."""
        return self.select_related("category")

    def with_tags(self) -> ProductQuerySet[_M]:
        """Prefetch the tags in one query for the whole result; chaining it twice costs one.

        Lists show the stored ``tag_names`` and need none; add this where your code reads
        ``product.tags.all()`` for many products (a serializer showing tag slugs or ids).
        """
        return self.prefetch_related("tags")

    def with_discount(self) -> ProductQuerySet[_M]:
        """Join the discount (a one-to-one), so ``discount_price`` costs no query."""
        return self.select_related("discount")

    def search(self, query: str) -> ProductQuerySet[_M]:
        """Return products whose name or description contains every word of ``query``.

        Case-insensitive; an empty query returns the queryset unchanged. Override this to use
        PostgreSQL full-text search or an external engine.
        """
        result = self
        for word in query.split():
            result = result.filter(Q(name__icontains=word) | Q(description__icontains=word))
        return result

    def with_rating(self) -> ProductQuerySet[_M]:
        """Annotate live review figures as ``rating_avg`` and ``rating_total``.

        The stored ``average_rating`` and ``review_count`` fields are what list pages should
        read; this aggregates over the review table and is meant for reports and checks.
        Django drops ``Meta.ordering`` from aggregate queries, so the default order is
        restated here when no explicit one was set.
        """
        annotated: Any = self.annotate(
            rating_avg=Avg("reviews__rating"), rating_total=Count("reviews")
        )
        if not annotated.ordered:
            annotated = annotated.order_by(*(self.model._meta.ordering or ["pk"]))
        result: ProductQuerySet[_M] = annotated
        return result

    def for_listing(self) -> ProductQuerySet[_M]:
        """Load everything a product list or detail shows, in one query whatever the size.

        It joins the category and the discount (a real instance of your Discount model, its
        ``product`` already set, so its ``is_current()`` or ``price_for()`` may read either);
        the tags shown are the stored ``tag_names``. Chain :meth:`with_tags` when your
        serializer reads ``product.tags``.
        """
        return self.select_related("category", "discount")
