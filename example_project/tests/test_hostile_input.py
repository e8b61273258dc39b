"""The example's own endpoints and authentication answer hostile input with a 4xx."""

import base64

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple-42"


def basic(email, password):
    token = base64.b64encode(f"{email}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@pytest.fixture
def shopper():
    return get_user_model().objects.create_user(email="shopper@example.com", password=PASSWORD)


def test_deeply_nested_json_to_register_is_400(client):
    deep = "[" * 100_000
    response = client.post(reverse("users:register"), deep, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_nul_in_registration_fields_is_400(client):
    data = {
        "email": "new@example.com",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "first_name": "No\x1bra",
    }
    response = client.post(reverse("users:register"), data, content_type="application/json")
    assert response.status_code == 400
    assert "first_name" in response.json()


@pytest.mark.parametrize(
    "credentials",
    [("shopper@example.com\x00", PASSWORD), ("shopper@example.com", "pw\x00"), ("\x00", "\x00")],
)
def test_basic_auth_with_a_nul_byte_is_refused(shopper, credentials):
    response = APIClient().get(reverse("shopkit-cart"), **basic(*credentials))
    # 403, not 401: session authentication comes first and sends no WWW-Authenticate.
    assert response.status_code == 403
    assert "Invalid username/password" in response.json()["detail"]


def test_raw_nul_in_the_authorization_header_is_not_a_500(shopper):
    response = APIClient().get(reverse("shopkit-cart"), HTTP_AUTHORIZATION="Basic \x00\x00")
    assert response.status_code == 403


def test_failed_logins_are_throttled_per_client_before_hashing(shopper, settings, monkeypatch):
    settings.LOGIN_FAILURE_THROTTLE_RATE = "3/minute"
    from django.contrib.auth import hashers

    checks = []
    original = hashers.check_password
    monkeypatch.setattr(
        "django.contrib.auth.base_user.check_password",
        lambda *a, **k: checks.append(1) or original(*a, **k),
    )
    api = APIClient()
    wrong = basic("shopper@example.com", "wrong password")
    statuses = [api.get(reverse("shopkit-cart"), **wrong).status_code for _ in range(5)]
    assert statuses == [403, 403, 403, 429, 429]
    assert len(checks) == 3  # the throttled attempts cost no password hash
    # Even the right password waits for the window from this address...
    right = basic("shopper@example.com", PASSWORD)
    assert api.get(reverse("shopkit-cart"), **right).status_code == 429
    # ...while another client signs in.
    other = APIClient(REMOTE_ADDR="10.0.0.2")
    assert other.get(reverse("shopkit-cart"), **right).status_code == 200


def test_failed_token_requests_are_throttled_per_client_before_hashing(
    shopper, settings, monkeypatch
):
    settings.LOGIN_FAILURE_THROTTLE_RATE = "3/minute"
    from django.contrib.auth import hashers

    checks = []
    original = hashers.check_password
    monkeypatch.setattr(
        "django.contrib.auth.base_user.check_password",
        lambda *a, **k: checks.append(1) or original(*a, **k),
    )
    url = reverse("users:token")
    api = APIClient()
    wrong = {"username": "shopper@example.com", "password": "wrong password"}
    statuses = [api.post(url, wrong).status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 429, 429]
    assert len(checks) == 3  # the throttled attempts cost no password hash
    right = {"username": "shopper@example.com", "password": PASSWORD}
    assert api.post(url, right).status_code == 429
    other = APIClient(REMOTE_ADDR="10.0.0.2")
    response = other.post(url, right)
    assert response.status_code == 200
    assert response.json()["token"]
