import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from django_shopkit.orders.payments import DummyGateway
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _isolate():
    # Gateway ledger and caches are process-wide; no test may see another's.
    DummyGateway.reset()
    for cache in caches.all(initialized_only=True):
        cache.clear()
    yield
    DummyGateway.reset()


@pytest.fixture
def user(db):
    return make_user()


@pytest.fixture
def other_user(db):
    return make_user()


@pytest.fixture
def staff(db):
    return make_user(is_staff=True, is_superuser=True)


@pytest.fixture
def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def other_api(other_user):
    client = APIClient()
    client.force_authenticate(other_user)
    return client
