"""Pagination of the catalog API, sized by ``SHOPKIT_PAGE_SIZE`` / ``SHOPKIT_MAX_PAGE_SIZE``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from django_shopkit.catalog.sql import Ids, RowReader
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

    def requested_slice(self, request: Request) -> tuple[int, int] | None:
        """Return the rows ``[low:high]`` the request's page would be, if it names a number."""
        page_size = self.get_page_size(request)
        number = request.query_params.get(self.page_query_param) or 1
        try:
            page = int(number)
        except (TypeError, ValueError):
            return None  # "last", or the paginator's 404
        if not page_size or page < 1:
            return None
        return (page - 1) * page_size, page * page_size


class PagedRows:
    """A sliceable stand-in for a queryset that pages ``values()`` rows cheaply.

    Slicing selects the page's primary keys first (the ordering's index alone), then reads the
    page's rows with their joins in one query, ``pk IN (subquery)``: the database never joins
    the rows an OFFSET skips. The outer query reads the table itself (the filters are in the
    subquery) through a ``values()`` queryset built once per model and field list, unless the
    queryset's ordering may need its own annotations. Given a
    :class:`~django_shopkit.catalog.sql.RowReader`, the page is read with its tags in one
    hand-written query instead, when the reader can (then :attr:`tags_read` is true). Django's
    paginator counts with :meth:`count`. Pass a queryset without prefetches
    (``prefetch_related(None)``): its ``values()`` rows have no objects to prefetch into.
    """

    ordered = True

    def __init__(
        self, queryset: QuerySet[Any], fields: Sequence[str], reader: RowReader | None = None
    ) -> None:
        self.queryset = queryset
        self.fields = fields
        self.reader = reader
        #: Whether the rows of the last slice carry their ``tags``.
        self.tags_read = False
        self._window: tuple[int, int] | None = None
        self._read: tuple[int, list[dict[str, Any]]] | None = None
        self._compiled = False
        self._compiled_ids: Ids | None = None

    def expect(self, low: int, high: int) -> None:
        """Announce the slice the paginator will take, so the count can come with its rows."""
        self._window = (low, high)

    def count(self) -> int:
        """Return the number of rows of the whole queryset."""
        ids = self._ids()
        if ids is None or self.reader is None:
            return self.queryset.count()
        if self._window is not None:
            rows, total = self.reader.read_counted(ids, *self._window)
            if total is not None:
                self._read = (self._window[0], rows)
                return total
        return self.reader.count(ids)

    def _ids(self) -> Ids | None:
        # Compiled once for the count and the page.
        if self.reader is not None and not self._compiled:
            self._compiled = True
            self._compiled_ids = self.reader.compile(self.queryset)
        return self._compiled_ids

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        compiled = self._ids()
        if compiled is not None and self.reader is not None:
            self.tags_read = True
            start = index.start or 0
            if self._read is not None and self._read[0] == start and self._window is not None:
                # The paginator's slice ends at the window's end or at the count: the rows read.
                return self._read[1]
            return self.reader.read(compiled, start, index.stop)
        # The view's queryset has no prefetches left (values() rows have nothing to hold).
        queryset = self.queryset
        query = queryset.query
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
