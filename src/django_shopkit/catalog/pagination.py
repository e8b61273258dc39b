"""Pagination of the catalog API, sized by ``SHOPKIT_PAGE_SIZE`` / ``SHOPKIT_MAX_PAGE_SIZE``."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination

from django_shopkit.conf import settings

__all__ = ["ShopkitPagination"]


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
