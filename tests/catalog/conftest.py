import pytest
from rest_framework.test import APIClient

from tests.factories import make_user


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def staff(db):
    return make_user(is_staff=True)
