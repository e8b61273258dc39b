"""Pagination of the catalog API, sized by ``SHOPKIT_PAGE_SIZE`` / ``SHOPKIT_MAX_PAGE_SIZE``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections
from django.db.models import QuerySet
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
    the rows an OFFSET skips. Django's paginator counts with :meth:`count`.
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
        ids: Any = self.queryset.values("pk")[index]
        if not connections[self.queryset.db].features.allow_sliced_subqueries_with_in:
            ids = [row["pk"] for row in ids]
        return list(self.queryset.filter(pk__in=ids).values(*self.fields))
