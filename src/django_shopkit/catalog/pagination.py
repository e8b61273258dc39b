"""Pagination of the catalog API, sized by ``SHOPKIT_PAGE_SIZE`` / ``SHOPKIT_MAX_PAGE_SIZE``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from rest_framework.pagination import PageNumberPagination

from django_shopkit.conf import settings

__all__ = ["PagedRows", "ShopkitPagination"]


class ShopkitPagination(PageNumberPagination):
    """Page-number pagination; clients pick ``?page_size=`` up to the configured maximum."""

    page_size_query_param = "page_size"

    # Properties, so override_settings and late host settings take effect.
    @property
    def page_size(self) -> int:  # type: ignore[override]
        """Return the default page size (``SHOPKIT_PAGE_SIZE``)."""
        return settings.SHOPKIT_PAGE_SIZE

    @property
    def max_page_size(self) -> int:  # type: ignore[override]
        """Return the largest page size a client may ask for (``SHOPKIT_MAX_PAGE_SIZE``)."""
        return settings.SHOPKIT_MAX_PAGE_SIZE


class PagedRows:
    """A sliceable stand-in for a queryset that pages ``values()`` rows cheaply.

    Slicing selects the page's primary keys first (the ordering's index alone), then reads the
    page's rows with their joins in one query, ``pk IN (subquery)``: the database never joins
    the rows an OFFSET skips. The outer query reads the table itself (the filters are in the
    subquery) through a ``values()`` queryset built once per model and field list, unless the
    queryset's ordering may need its own annotations. Django's paginator counts with
    :meth:`count`.
    """

    ordered = True

    def __init__(self, queryset: QuerySet[Any], fields: Sequence[str]) -> None:
        self.queryset = queryset
        self.fields = fields

    def count(self) -> int:
        """Return the number of rows of the whole queryset."""
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        queryset, query = self.queryset, self.queryset.query
        ids: Any = queryset.values("pk")[index]
        if not connections[queryset.db].features.allow_sliced_subqueries_with_in:
            ids = [row["pk"] for row in ids]
        if query.annotations or query.extra or query.extra_order_by or not query.order_by:
            # The ordering may need what only this queryset defines.
            return list(queryset.filter(pk__in=ids).values(*self.fields))
        # The page's ids already carry the filters: read their rows from the plain table,
        # through a values() queryset set up once (cloned by filter()).
        rows = _rows_template(queryset.model, tuple(self.fields)).using(queryset.db)
        return list(rows.filter(pk__in=ids).order_by(*query.order_by))


_ROW_TEMPLATES: dict[tuple[type[Model], tuple[str, ...]], QuerySet[Any]] = {}


def _rows_template(model: type[Model], fields: tuple[str, ...]) -> QuerySet[Any]:
    """Return ``model``'s unevaluated ``values(*fields)`` queryset; only ever cloned."""
    template = _ROW_TEMPLATES.get((model, fields))
    if template is None:
        template = _ROW_TEMPLATES[(model, fields)] = model._base_manager.values(*fields)
    return template
