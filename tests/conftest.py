"""Shared fixtures; services that are missing skip here but fail in CI (``CI`` set)."""

import os

import pytest
from django.core.cache import caches

from tests.factories import make_user


def require_service(reason: str) -> None:
    """Skip the test on a developer's machine, fail it in CI."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must provide it)")
    pytest.skip(reason)


@pytest.fixture
def redis_url():
    url = os.environ.get("SHOPKIT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception as exc:  # any failure means "no usable Redis here"
        require_service(f"Redis at {url} is not reachable: {exc}")
    return url


@pytest.fixture
def postgres():
    from django.db import connection

    if connection.vendor != "postgresql":
        require_service("needs PostgreSQL: set DATABASE_URL=postgres://... (pytest -m postgres)")


@pytest.fixture(autouse=True)
def _clear_caches():
    # Cached catalog data and pages are process-wide: no test may see another's. Only caches
    # already in use are cleared (none is opened, or connected to, just for this).
    for cache in caches.all(initialized_only=True):
        cache.clear()
    yield
    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture
def user(db):
    return make_user()


@pytest.fixture
def other_user(db):
    return make_user()


@pytest.fixture(scope="session")
def quick_start_site(tmp_path_factory):
    """A new project set up by the README's quick start up to the server start; copy it."""
    from tests.docs_site import QuickStart, setup_blocks

    site = QuickStart(tmp_path_factory.mktemp("quick-start"))
    for block in setup_blocks():
        site.apply(block)
    return site
