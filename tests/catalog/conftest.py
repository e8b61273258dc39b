import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from tests.factories import make_user


@pytest.fixture(autouse=True)
def _clear_caches():
    # Cached catalog data and pages must not leak from one test into the next.
    for cache in caches.all(initialized_only=True):
        cache.clear()
    yield
    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def user(db):
    return make_user()


@pytest.fixture
def other_user(db):
    return make_user()


@pytest.fixture
def staff(db):
    return make_user(is_staff=True)
