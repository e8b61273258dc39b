"""A Redis cache backend whose failures are logged misses, for shops that must outlive Redis.

Shopkit's own cache calls already survive a dead cache. Django's other cache users do not:
the ``{% cache %}`` template tag (the storefront's category sidebar), ``cache_page``, a cache
session backend, DRF's throttles all raise the client's ``ConnectionError``. Name
:class:`FailSafeRedisCache` as the ``BACKEND`` instead of Django's ``RedisCache`` and every one
of them sees a miss (reads) or a no-op (writes), with a warning logged, while Redis is down::

    CACHES = {
        "default": {
            "BACKEND": "django_shopkit.cache_backends.FailSafeRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/1",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

__all__ = ["FailSafeRedisCache"]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")


class FailSafeRedisCache(RedisCache):
    """Django's ``RedisCache``; an error of Redis is a logged miss, never an exception.

    ``incr`` and ``decr`` raise ``ValueError`` (as for a missing key) so callers fall back as
    they do for an evicted counter.
    """

    def _fail_safe(self, operation: str, call: Callable[[], _T], default: _T) -> _T:
        try:
            return call()
        except ValueError:
            raise  # a missing key for incr/decr: not a failure of Redis
        except Exception as exc:  # the redis client's errors have no common base
            logger.warning("Redis cache %s failed (%s: %s).", operation, type(exc).__name__, exc)
            return default

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        """Add ``key`` if absent; False when Redis fails."""
        return self._fail_safe(
            "add", lambda: super(FailSafeRedisCache, self).add(key, value, timeout, version), False
        )

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        """Return the cached value, or ``default`` (also when Redis fails)."""
        return self._fail_safe(
            "get", lambda: super(FailSafeRedisCache, self).get(key, default, version), default
        )

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        """Store a value; nothing when Redis fails."""
        self._fail_safe(
            "set", lambda: super(FailSafeRedisCache, self).set(key, value, timeout, version), None
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        """Renew a key's timeout; False when Redis fails."""
        return self._fail_safe(
            "touch", lambda: super(FailSafeRedisCache, self).touch(key, timeout, version), False
        )

    def delete(self, key: Any, version: int | None = None) -> bool:
        """Delete a key; False when Redis fails."""
        return self._fail_safe(
            "delete", lambda: super(FailSafeRedisCache, self).delete(key, version), False
        )

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        """Return the values found; none when Redis fails."""
        keys = list(keys)
        return self._fail_safe(
            "get_many", lambda: super(FailSafeRedisCache, self).get_many(keys, version), {}
        )

    def has_key(self, key: Any, version: int | None = None) -> bool:
        """Return whether ``key`` is cached; False when Redis fails."""
        return self._fail_safe(
            "has_key", lambda: super(FailSafeRedisCache, self).has_key(key, version), False
        )

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        """Increment a counter; ValueError when it is missing or Redis fails."""
        missing = object()
        result: Any = self._fail_safe(
            "incr", lambda: super(FailSafeRedisCache, self).incr(key, delta, version), missing
        )
        if result is missing:
            raise ValueError(f"Key {key!r} could not be incremented (cache unavailable).")
        return int(result)

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        """Store several values; return the keys not stored (all when Redis fails)."""
        return self._fail_safe(
            "set_many",
            lambda: super(FailSafeRedisCache, self).set_many(data, timeout, version),
            list(data),
        )

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        """Delete several keys; nothing when Redis fails."""
        keys = list(keys)
        self._fail_safe(
            "delete_many", lambda: super(FailSafeRedisCache, self).delete_many(keys, version), None
        )

    def clear(self) -> None:
        """Empty the cache database; nothing when Redis fails."""
        self._fail_safe("clear", lambda: super(FailSafeRedisCache, self).clear(), None)
