"""Filters of the product list: ``?min_price=&max_price=&category=&tags=&in_stock=&featured=``."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

import django_filters
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.views import APIView

from django_shopkit.loading import get_product_model

__all__ = ["ProductFilter", "ProductFilterBackend", "ProductOrderingFilter"]

_MAX_ID = 2**63 - 1  # the largest value of a bigint primary key
#: Most distinct tag slugs one ``?tags=`` may name; more would approach the database's limit
#: on query parameters, and no storefront needs them.
MAX_TAG_SLUGS = 50
#: Bound of the price filters: past any price column, and a 400 instead of a database error.
PRICE_FILTER_BOUND = Decimal("1e15")


class ProductFilter(django_filters.FilterSet):  # type: ignore[misc]
    """Filter products by price range, category, tags, stock and flags.

    ``category`` takes a category id or slug; ``tags`` takes tag slugs, comma-separated or
    repeated, and keeps products carrying any of them. Subclass it to add filters and name the
    subclass in your ViewSet's ``filterset_class``.
    """

    # Bounded, and rounded to the price column's places in the direction that keeps the
    # same products: 1e-999999 is 0.00 (or 0.01 as a minimum), not a numeric overflow.
    min_price = django_filters.NumberFilter(
        method="filter_min_price",
        label=_("Minimum price"),
        min_value=-PRICE_FILTER_BOUND,
        max_value=PRICE_FILTER_BOUND,
    )
    max_price = django_filters.NumberFilter(
        method="filter_max_price",
        label=_("Maximum price"),
        min_value=-PRICE_FILTER_BOUND,
        max_value=PRICE_FILTER_BOUND,
    )
    category = django_filters.CharFilter(method="filter_category", label=_("Category id or slug"))
    tags = django_filters.CharFilter(method="filter_tags", label=_("Tag slugs"))
    in_stock = django_filters.BooleanFilter(method="filter_in_stock", label=_("In stock"))
    featured = django_filters.BooleanFilter(field_name="is_featured", label=_("Featured"))
    active = django_filters.BooleanFilter(field_name="is_active", label=_("Active"))

    class Meta:
        model: Any = None  # the host's Product, set in __init__
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        queryset = kwargs.get("queryset")
        if queryset is None and len(args) < 2:
            kwargs["queryset"] = get_product_model()._default_manager.all()
        super().__init__(*args, **kwargs)

    def _price_places(self, queryset: models.QuerySet[Any]) -> Decimal:
        places = queryset.model._meta.get_field("price").decimal_places
        return Decimal(1).scaleb(-(places or 0))

    def filter_min_price(
        self, queryset: models.QuerySet[Any], name: str, value: Decimal
    ) -> models.QuerySet[Any]:
        """Keep products priced at ``value`` or more."""
        bound = value.quantize(self._price_places(queryset), rounding=ROUND_CEILING)
        return queryset.filter(price__gte=bound)

    def filter_max_price(
        self, queryset: models.QuerySet[Any], name: str, value: Decimal
    ) -> models.QuerySet[Any]:
        """Keep products priced at ``value`` or less."""
        bound = value.quantize(self._price_places(queryset), rounding=ROUND_FLOOR)
        return queryset.filter(price__lte=bound)

    def filter_category(
        self, queryset: models.QuerySet[Any], name: str, value: str
    ) -> models.QuerySet[Any]:
        """Keep products of the category with this id or slug."""
        value = value.strip()
        if value.isdigit():
            try:
                category_id = int(value)
            except ValueError:  # other Unicode digits, e.g. "²"
                return queryset.none()
            # No row has an id past the widest integer column; the database would refuse it.
            if category_id > _MAX_ID:
                return queryset.none()
            return queryset.filter(category_id=category_id)
        return queryset.filter(category__slug=value)

    def filter_tags(
        self, queryset: models.QuerySet[Any], name: str, value: str
    ) -> models.QuerySet[Any]:
        """Keep products carrying any of the comma-separated tag slugs."""
        values = self.data.getlist(name) if hasattr(self.data, "getlist") else [value]
        # dict.fromkeys: drop repeats, keep the order.
        slugs = list(
            dict.fromkeys(s.strip() for item in values for s in item.split(",") if s.strip())
        )
        if not slugs:
            return queryset
        if len(slugs) > MAX_TAG_SLUGS:
            raise ValidationError(
                {name: [_("Filter by at most %(max)d tags.") % {"max": MAX_TAG_SLUGS}]}
            )
        # A subquery rather than a join: a join returns a product once per matching tag.
        tagged = queryset.model._default_manager.filter(tags__slug__in=slugs).values("pk")
        return queryset.filter(pk__in=tagged)

    def filter_in_stock(
        self, queryset: models.QuerySet[Any], name: str, value: bool
    ) -> models.QuerySet[Any]:
        """Keep products in stock (``true``) or sold out (``false``)."""
        # django-filter calls a method filter only with a value (None means no filter).
        return queryset.filter(stock__gt=0) if value else queryset.filter(stock=0)


class ProductFilterBackend(DjangoFilterBackend):  # type: ignore[misc]
    """django-filter's backend, skipped when the request names none of the filters.

    Building a FilterSet and its form costs about as much as a page's queries; with no filter
    parameter it could only return the queryset unchanged.
    """

    def filter_queryset(
        self, request: Request, queryset: models.QuerySet[Any], view: APIView
    ) -> models.QuerySet[Any]:
        """Filter the queryset, or return it as is when no filter parameter is present."""
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not any(
            name in request.query_params for name in filterset_class.base_filters
        ):
            return queryset
        result: models.QuerySet[Any] = super().filter_queryset(request, queryset, view)
        return result


class ProductOrderingFilter(OrderingFilter):
    """Ordering with a stable tie-breaker and products without a rating always last."""

    def get_ordering(
        self, request: Request, queryset: models.QuerySet[Any], view: APIView
    ) -> list[Any]:
        """Return the requested ordering, completed so equal values keep a stable order."""
        ordering = list(super().get_ordering(request, queryset, view) or [])
        result: list[Any] = []
        for term in ordering:
            if isinstance(term, str) and term.lstrip("-") == "average_rating":
                field = models.F("average_rating")
                descending = term.startswith("-")
                result.append(
                    field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)
                )
            else:
                result.append(term)
        names = {term.lstrip("-") for term in ordering if isinstance(term, str)}
        if not names & {"id", "pk"}:
            result.append("-pk")
        return result
