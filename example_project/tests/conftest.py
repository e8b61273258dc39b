"""Fixtures of the example project's tests."""

import io
import os

import pytest
from django.core.management import call_command


def require_service(reason):
    """Skip the test on a developer's machine, fail it in CI (``CI`` set)."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must provide it)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _clear_cache():
    # Throttle counters and cached pages must not leak from one test into the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo_data(db):
    """Seed the demo shop (a smaller catalog than the default, for speed).

    ``db`` is transactional for tests marked ``django_db(transaction=True)`` or using
    ``live_server``, so the browser tests use this fixture too.
    """
    call_command("seed_demo", products=60, stdout=io.StringIO())


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the test item, so fixtures can tell whether the test failed
    # (the browser fixture saves a screenshot then).
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
