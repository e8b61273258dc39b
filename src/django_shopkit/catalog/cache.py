"""Cached catalog data: featured products and popular categories, as plain serialized data.

Keys carry a version number that is itself stored in the cache (``SHOPKIT_CACHE_ALIAS``).
Invalidating bumps the version, so every process sharing the cache (Redis, Memcached) stops
reading the old entries at once; they simply expire. Two versions exist: ``products`` (what a
product's serialized data shows) and ``categories`` (category names and product counts).
"""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.core.cache import BaseCache, caches
from django.db import transaction
from django.utils import timezone

from django_shopkit.catalog.querysets import with_product_count
from django_shopkit.conf import settings
from django_shopkit.loading import get_category_model, get_product_model

__all__ = [
    "CATEGORIES",
    "PRODUCTS",
    "bump_version",
    "get_cache",
    "get_featured_products",
    "get_popular_categories",
    "get_version",
    "invalidate_categories",
    "invalidate_products",
    "make_key",
]

PRODUCTS = "products"
CATEGORIES = "categories"


def get_cache() -> BaseCache:
    """Return the cache shopkit writes to (``SHOPKIT_CACHE_ALIAS``)."""
    return caches[settings.SHOPKIT_CACHE_ALIAS]


def make_key(*parts: object) -> str:
    """Return a cache key under ``SHOPKIT_CACHE_KEY_PREFIX``, e.g. ``shopkit:catalog:x``."""
    return ":".join([settings.SHOPKIT_CACHE_KEY_PREFIX, "catalog", *map(str, parts)])


def get_version(name: str) -> int:
    """Return the current version number of a cached data set (``products``, ``categories``)."""
    cache = get_cache()
    key = make_key("version", name)
    version = cache.get(key)
    if version is None:
        # Start from the clock, not 1: if the version key was evicted while old entries
        # survived, a restart at 1 could serve them again.
        cache.add(key, time.time_ns() // 1000, timeout=None)
        version = cache.get(key, 0)
    return int(version)


def bump_version(name: str) -> None:
    """Move a data set to a new version, so every process stops reading the old entries."""
    cache = get_cache()
    key = make_key("version", name)
    try:
        cache.incr(key)
    except ValueError:  # the key is missing: a fresh clock-based version is new anyway
        cache.set(key, time.time_ns() // 1000 + 1, timeout=None)


def _bump_now_and_on_commit(*names: str) -> None:
    for name in names:
        bump_version(name)
    # A reader in another process could cache the old rows between the bump above and the
    # commit; bumping again once the transaction commits closes that window.
    if not transaction.get_autocommit():

        def bump_again() -> None:
            for name in names:
                bump_version(name)

        transaction.on_commit(bump_again)


def invalidate_products() -> None:
    """Drop every cached product representation (featured products, storefront sidebar)."""
    _bump_now_and_on_commit(PRODUCTS)


def invalidate_categories() -> None:
    """Drop cached category data (popular categories, sidebar) and the products showing it."""
    _bump_now_and_on_commit(PRODUCTS, CATEGORIES)


def _seconds_until_next_discount_change(
    products: list[Any], now: datetime.datetime, default: int
) -> int:
    # A discount starting or ending changes discount_price without any save, so cached data
    # must not outlive the next such moment.
    timeout = default
    for product in products:
        discount = getattr(product, "discount", None)
        for moment in (getattr(discount, "starts_at", None), getattr(discount, "ends_at", None)):
            if moment is not None and moment > now:
                timeout = min(timeout, max(1, int((moment - now).total_seconds()) + 1))
    return timeout


def get_featured_products(serializer_class: type[Any] | None = None) -> list[dict[str, Any]]:
    """Return the serialized featured products (``SHOPKIT_FEATURED_LIMIT``), cached.

    A cache hit runs no query. The result is plain data (a list of dicts), as the API
    returns it; ``serializer_class`` (default ``ProductSerializer``) shapes it and is part
    of the cache key, so a host's extended serializer gets its own entry.
    """
    if serializer_class is None:
        from django_shopkit.catalog.serializers import ProductSerializer

        serializer_class = ProductSerializer
    cache = get_cache()
    limit = settings.SHOPKIT_FEATURED_LIMIT
    name = f"{serializer_class.__module__}.{serializer_class.__qualname__}"
    key = make_key("featured", get_version(PRODUCTS), limit, name)
    data: list[dict[str, Any]] | None = cache.get(key)
    if data is None:
        products = list(get_product_model().objects.active().featured().for_listing()[:limit])
        data = [dict(row) for row in serializer_class(products, many=True).data]
        timeout = _seconds_until_next_discount_change(
            products, timezone.now(), settings.SHOPKIT_FEATURED_CACHE_TIMEOUT
        )
        cache.set(key, data, timeout)
    return data


def get_popular_categories() -> list[dict[str, Any]]:
    """Return the categories with the most active products, serialized and cached.

    Each entry is ``{"id", "name", "slug", "product_count"}``; categories without active
    products are left out; at most ``SHOPKIT_POPULAR_CATEGORIES_LIMIT`` entries.
    """
    cache = get_cache()
    limit = settings.SHOPKIT_POPULAR_CATEGORIES_LIMIT
    key = make_key("popular-categories", get_version(CATEGORIES), limit)
    data: list[dict[str, Any]] | None = cache.get(key)
    if data is None:
        rows = (
            with_product_count(get_category_model()._default_manager.all())
            .filter(product_count__gt=0)
            .order_by("-product_count", "name", "pk")
            .values("id", "name", "slug", "product_count")[:limit]
        )
        data = [dict(row) for row in rows]
        cache.set(key, data, settings.SHOPKIT_CATEGORY_CACHE_TIMEOUT)
    return data
