"""Cached catalog data: featured product ids, popular categories, list counts and responses.

Keys carry a version number that is itself stored in the cache (``SHOPKIT_CACHE_ALIAS``).
Invalidating bumps the version, so every process sharing the cache (Redis, Memcached) stops
reading the old entries at once; they simply expire. Two versions exist: ``products`` (what a
product's serialized data shows) and ``categories`` (category names and product counts).

The cache is an accelerator, never a dependency: an error of the cache backend (Redis down) is
logged as a warning and handled as a miss, and no write waits for the cache. Inside a
transaction the version is bumped once it commits (``on_commit(robust=True)``), never while
the transaction holds row locks.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

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
    "current_version",
    "get_cache",
    "get_featured_product_ids",
    "get_popular_categories",
    "get_version",
    "invalidate_categories",
    "invalidate_products",
    "make_key",
    "safe_cache_call",
]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

PRODUCTS = "products"
CATEGORIES = "categories"


def get_cache() -> BaseCache:
    """Return the cache shopkit writes to (``SHOPKIT_CACHE_ALIAS``)."""
    return caches[settings.SHOPKIT_CACHE_ALIAS]


def make_key(*parts: object) -> str:
    """Return a cache key under ``SHOPKIT_CACHE_KEY_PREFIX``, e.g. ``shopkit:catalog:x``."""
    return ":".join([settings.SHOPKIT_CACHE_KEY_PREFIX, "catalog", *map(str, parts)])


def safe_cache_call(operation: str, call: Callable[[], _T], default: _T) -> _T:
    """Return ``call()``, or ``default`` after logging a warning if the cache backend fails.

    Cache backends raise their client's errors (``redis.ConnectionError``, ``OSError``...),
    which have no common base class; any exception from the cache is a miss, never a 500.
    """
    try:
        return call()
    except Exception as exc:  # see the docstring: any backend error
        logger.warning(
            "Cache %r failed during %s (%s: %s); carrying on without it.",
            settings.SHOPKIT_CACHE_ALIAS,
            operation,
            type(exc).__name__,
            exc,
        )
        return default


def _read_version(name: str) -> int | None:
    cache = get_cache()
    key = make_key("version", name)
    version = cache.get(key)
    if version is None:
        # Start from the clock, not 1: if the version key was evicted while old entries
        # survived, a restart at 1 could serve them again.
        cache.add(key, time.time_ns() // 1000, timeout=None)
        version = cache.get(key)
    return None if version is None else int(version)


def current_version(name: str) -> int | None:
    """Return a data set's version number, or ``None`` when the cache cannot be read.

    ``None`` means "do not read or write cached entries of this set now".
    """
    return safe_cache_call(f"reading the {name} version", lambda: _read_version(name), None)


def get_version(name: str) -> int:
    """Return the current version number of a cached data set (``products``, ``categories``).

    With the cache down this is 0, a version nothing is ever stored under by shopkit.
    """
    return current_version(name) or 0


def _bump(name: str) -> None:
    cache = get_cache()
    key = make_key("version", name)
    try:
        cache.incr(key)
    except ValueError:  # the key is missing: a fresh clock-based version is new anyway
        cache.set(key, time.time_ns() // 1000 + 1, timeout=None)


def bump_version(name: str) -> None:
    """Move a data set to a new version, so every process stops reading the old entries.

    A cache error is logged, not raised: entries of the old version expire by their timeout.
    """
    safe_cache_call(f"bumping the {name} version", lambda: _bump(name), None)


def _bump_after_commit(*names: str) -> None:
    def bump() -> None:
        for name in names:
            bump_version(name)

    if transaction.get_autocommit():
        bump()
        return
    # Once the writes are visible: a reader that cached the old rows before the commit has
    # stored them under the old version. Never inside the transaction, where a slow or dead
    # cache would hold the row locks (or fail the order); robust: an error after commit is
    # logged, never turned into a failed response for a committed write.
    transaction.on_commit(bump, robust=True)


def invalidate_products() -> None:
    """Drop every cached product representation (featured products, storefront sidebar)."""
    _bump_after_commit(PRODUCTS)


def invalidate_categories() -> None:
    """Drop cached category data (popular categories, sidebar) and the products showing it."""
    _bump_after_commit(PRODUCTS, CATEGORIES)


def get_featured_product_ids() -> list[Any]:
    """Return the ids of the featured products (``SHOPKIT_FEATURED_LIMIT``), newest first, cached.

    Only ids are cached, never a representation: the view reads the products through its
    ``get_queryset()`` and serializes them for the request at hand. A cache hit runs no query.
    """
    cache = get_cache()
    limit = settings.SHOPKIT_FEATURED_LIMIT
    version = current_version(PRODUCTS)
    key = make_key("featured-ids", version, limit)
    ids: list[Any] | None = None
    if version is not None:
        ids = safe_cache_call("reading featured ids", lambda: cache.get(key), None)
    if ids is None:
        manager: Any = get_product_model()._default_manager
        ids = list(
            manager.active()
            .featured()
            .order_by("-created_at", "-pk")
            .values_list("pk", flat=True)[:limit]
        )
        if version is not None:
            timeout = settings.SHOPKIT_FEATURED_CACHE_TIMEOUT
            safe_cache_call("storing featured ids", lambda: cache.set(key, ids, timeout), None)
    return ids


def cached_count(key: str, count: Callable[[], int], timeout: int) -> int:
    """Return the row count cached under ``key`` for the current products version, or count it.

    ``key`` must identify the query (the caller hashes what it depends on). A count never
    decides a write: it only numbers pages, and a product change starts a new version.
    """
    cache = get_cache()
    version = current_version(PRODUCTS)
    if version is None:
        return count()
    full_key = make_key("count", version, key)
    value: int | None = safe_cache_call("reading a count", lambda: cache.get(full_key), None)
    if value is None:
        value = count()
        safe_cache_call("storing a count", lambda: cache.set(full_key, value, timeout), None)
    return value


def cached_response_data(key: str, build: Callable[[], tuple[int, Any]]) -> tuple[int, Any]:
    """Return ``(status, data)`` cached under ``key`` for the current products version, or build it.

    ``key`` must identify everything the response depends on besides the catalog data (the
    caller decides, see ``ProductViewSet.response_cache_key_parts``). Only 200 responses are
    kept, for ``SHOPKIT_API_CACHE_TIMEOUT`` seconds. The caller's serializer builds the data;
    this module never imports one.
    """
    cache = get_cache()
    version = current_version(PRODUCTS)
    if version is None:
        return build()
    full_key = make_key("api", version, key)
    cached: tuple[int, Any] | None = safe_cache_call(
        "reading a cached response", lambda: cache.get(full_key), None
    )
    if cached is not None:
        return cached
    status_code, data = build()
    if status_code == 200:
        # A discount starting or ending changes prices without a save: stay short-lived.
        timeout = settings.SHOPKIT_API_CACHE_TIMEOUT
        safe_cache_call(
            "storing a response",
            lambda: cache.set(full_key, (status_code, data), timeout),
            None,
        )
    return status_code, data


def get_popular_categories() -> list[dict[str, Any]]:
    """Return the categories with the most active products, serialized and cached.

    Each entry is ``{"id", "name", "slug", "product_count"}``; categories without active
    products are left out; at most ``SHOPKIT_POPULAR_CATEGORIES_LIMIT`` entries.
    """
    cache = get_cache()
    limit = settings.SHOPKIT_POPULAR_CATEGORIES_LIMIT
    version = current_version(CATEGORIES)
    key = make_key("popular-categories", version, limit)
    data: list[dict[str, Any]] | None = None
    if version is not None:
        data = safe_cache_call("reading popular categories", lambda: cache.get(key), None)
    if data is None:
        rows = (
            with_product_count(get_category_model()._default_manager.all())
            .filter(product_count__gt=0)
            .order_by("-product_count", "name", "pk")
            .values("id", "name", "slug", "product_count")[:limit]
        )
        data = [dict(row) for row in rows]
        if version is not None:
            timeout = settings.SHOPKIT_CATEGORY_CACHE_TIMEOUT
            safe_cache_call(
                "storing popular categories", lambda: cache.set(key, data, timeout), None
            )
    return data
