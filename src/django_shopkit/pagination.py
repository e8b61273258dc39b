"""Pagination of shopkit's API lists (catalog and orders), sized by shopkit's settings.

:class:`ShopkitPagination` numbers pages (``?page=``); :class:`ShopkitCursorPagination` pages
by keyset on ``(created_at, id)`` (``?cursor=``), so a deep page costs what the first one
does. The product list uses the class named by ``SHOPKIT_PRODUCT_PAGINATION_CLASS``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property, partial
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.module_loading import import_string
from rest_framework.pagination import BasePagination, CursorPagination, PageNumberPagination
from rest_framework.request import Request
from rest_framework.views import APIView

from django_shopkit.conf import settings

__all__ = [
    "CountingPaginator",
    "PaginationFromSetting",
    "ShopkitCursorPagination",
    "ShopkitPagination",
]


class CountingPaginator(Paginator):  # type: ignore[type-arg]
    """Django's paginator, counting the rows with a function given by the view."""

    def __init__(
        self, object_list: Sequence[Any], per_page: int, *, counter: Callable[[Any], int]
    ) -> None:
        super().__init__(object_list, per_page)
        self.counter = counter

    @cached_property
    def count(self) -> int:
        """Return the number of rows, as the view's counter says (it may cache it)."""
        return self.counter(self.object_list)


class ShopkitPagination(PageNumberPagination):
    """Page-number pagination; clients pick ``?page_size=`` up to the configured maximum.

    A page number past the last page, or not a number, is a 404 with DRF's message. A view
    with a ``count_rows(queryset)`` method counts through it (the product list caches its
    count per catalog version there); any other view counts with ``queryset.count()``.
    """

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

    def paginate_queryset(
        self,
        queryset: QuerySet[Any] | Sequence[Any],
        request: Request,
        view: APIView | None = None,
    ) -> list[Any] | None:
        """Return the requested page's rows; the count comes from the view if it offers one."""
        counter = getattr(view, "count_rows", None)
        # An instance attribute: DRF builds its paginator from django_paginator_class.
        self.django_paginator_class = (
            Paginator if counter is None else partial(CountingPaginator, counter=counter)  # type: ignore[assignment]
        )
        return super().paginate_queryset(queryset, request, view)


class ShopkitCursorPagination(CursorPagination):
    """Keyset pagination, newest first on ``(created_at, id)``; ``?page_size=`` as above.

    DRF's cursor pagination: the cursor holds the last ``created_at`` shown (plus an offset
    among rows sharing it), so every page is one indexed range read and no ``COUNT(*)``. The
    response has ``next`` and ``previous`` links and no ``count``. With ``?ordering=`` the
    cursor follows the requested ordering.
    """

    ordering = ("-created_at", "-id")
    page_size_query_param = "page_size"

    def __init__(self) -> None:
        # DRF assigns page_size per request, so these are read here, not as properties.
        self.page_size = settings.SHOPKIT_PAGE_SIZE
        self.max_page_size = settings.SHOPKIT_MAX_PAGE_SIZE


class PaginationFromSetting:
    """A ``pagination_class`` read from a setting (a dotted path) whenever it is looked up.

    A subclass that sets ``pagination_class`` itself, or an action's ``pagination_class=``,
    overrides it as usual.
    """

    def __init__(self, setting: str) -> None:
        self.setting = setting

    def __get__(self, instance: object, owner: type | None = None) -> type[BasePagination]:
        pagination_class: type[BasePagination] = import_string(getattr(settings, self.setting))
        return pagination_class
