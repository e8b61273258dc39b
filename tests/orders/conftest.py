import pytest
from rest_framework.test import APIClient

from django_shopkit.orders.gateways.dummy import DummyGateway
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _reset_gateway():
    # The dummy gateway's ledger is process-wide; no test may see another's charges.
    DummyGateway.reset()
    yield
    DummyGateway.reset()


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
