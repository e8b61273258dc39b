"""Cached catalog data: featured product ids, popular categories, list counts and responses.

Keys carry a version number that is itself stored in the cache (``SHOPKIT_CACHE_ALIAS``).
Invalidating bumps the version, so every process sharing the cache (Redis, Memcached) stops
reading the old entries at once; they simply expire. Two versions exist: ``products`` (what a
product's serialized data shows) and ``categories`` (category names and product counts).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.core.cache import BaseCache, caches
from django.db import transaction

from django_shopkit.catalog.querysets import with_product_count
from django_shopkit.conf import settings
from django_shopkit.loading import get_category_model, get_product_model

__all__ = [
    "CATEGORIES",
    "PRODUCTS",
    "bump_version",
    "cached_count",
    "cached_response_data",
    "get_cache",
    "get_featured_product_ids",
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


def get_featured_product_ids() -> list[Any]:
    """Return the ids of the featured products (``SHOPKIT_FEATURED_LIMIT``), newest first, cached.

    Only ids are cached, never a representation: the view reads the products through its
    ``get_queryset()`` and serializes them for the request at hand. A cache hit runs no query.
    """
    cache = get_cache()
    limit = settings.SHOPKIT_FEATURED_LIMIT
    key = make_key("featured-ids", get_version(PRODUCTS), limit)
    ids: list[Any] | None = cache.get(key)
    if ids is None:
        manager: Any = get_product_model()._default_manager
        ids = list(
            manager.active()
            .featured()
            .order_by("-created_at", "-pk")
            .values_list("pk", flat=True)[:limit]
        )
        cache.set(key, ids, settings.SHOPKIT_FEATURED_CACHE_TIMEOUT)
    return ids


def cached_count(key: str, count: Callable[[], int], timeout: int) -> int:
    """Return the row count cached under ``key`` for the current products version, or count it.

    ``key`` must identify the query (the caller hashes what it depends on). A count never
    decides a write: it only numbers pages, and a product change starts a new version.
    """
    cache = get_cache()
    full_key = make_key("count", get_version(PRODUCTS), key)
    value: int | None = cache.get(full_key)
    if value is None:
        value = count()
        cache.set(full_key, value, timeout)
    return value


def cached_response_data(key: str, build: Callable[[], tuple[int, Any]]) -> tuple[int, Any]:
    """Return ``(status, data)`` cached under ``key`` for the current products version, or build it.

    ``key`` must identify everything the response depends on besides the catalog data (the
    caller decides, see ``ProductViewSet.response_cache_key_parts``). Only 200 responses are
    kept, for ``SHOPKIT_API_CACHE_TIMEOUT`` seconds. The caller's serializer builds the data;
    this module never imports one.
    """
    cache = get_cache()
    full_key = make_key("api", get_version(PRODUCTS), key)
    cached: tuple[int, Any] | None = cache.get(full_key)
    if cached is not None:
        return cached
    status_code, data = build()
    if status_code == 200:
        # A discount starting or ending changes prices without a save: stay short-lived.
        cache.set(full_key, (status_code, data), settings.SHOPKIT_API_CACHE_TIMEOUT)
    return status_code, data


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
