"""The custom user, its profile signal and the registration endpoint."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.db import IntegrityError
from django.urls import reverse

from apps.users.models import Profile

pytestmark = pytest.mark.django_db

STRONG = "correct-horse-battery-staple-42"


def register(client, **overrides):
    data = {
        "email": "new@example.com",
        "password": STRONG,
        "password_confirm": STRONG,
        "first_name": "Nora",
    }
    data.update(overrides)
    return client.post(reverse("users:register"), data, content_type="application/json")


def test_register_creates_user_and_profile(client):
    response = register(client)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "new@example.com"
    assert "password" not in body
    assert "password_confirm" not in body
    user = get_user_model().objects.get(email="new@example.com")
    assert user.check_password(STRONG)
    assert not user.is_staff
    assert Profile.objects.filter(user=user).count() == 1


def test_register_password_mismatch_is_400(client):
    response = register(client, password_confirm=STRONG + "x")
    assert response.status_code == 400
    assert "password_confirm" in response.json()
    assert not get_user_model().objects.exists()


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short1", "too short"),
        ("password123", "too common"),
        ("48291736450192", "entirely numeric"),
        ("new@example.com", "too similar"),
    ],
)
def test_register_weak_password_is_400(client, password, fragment):
    response = register(client, password=password, password_confirm=password)
    assert response.status_code == 400
    messages = " ".join(response.json()["password"])
    assert fragment in messages
    assert not get_user_model().objects.exists()


def test_register_duplicate_email_any_case_is_400(client):
    assert register(client).status_code == 201
    response = register(client, email="NEW@example.com")
    assert response.status_code == 400
    assert "email" in response.json()
    assert get_user_model().objects.count() == 1


@pytest.mark.parametrize("missing", ["email", "password", "password_confirm"])
def test_register_missing_field_is_400(client, missing):
    data = {"email": "a@example.com", "password": STRONG, "password_confirm": STRONG}
    del data[missing]
    response = client.post(reverse("users:register"), data, content_type="application/json")
    assert response.status_code == 400
    assert missing in response.json()


def test_register_rejects_get(client):
    assert client.get(reverse("users:register")).status_code == 405


def test_register_cannot_grant_staff(client):
    response = register(client, is_staff=True, is_superuser=True)
    assert response.status_code == 201
    user = get_user_model().objects.get(email="new@example.com")
    assert not user.is_staff
    assert not user.is_superuser


def test_register_is_throttled(client, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    # The throttle copied the rates from the settings when its class was defined, so a settings
    # override would not reach it; monkeypatch puts the original dict back after the test.
    rates = {**ScopedRateThrottle.THROTTLE_RATES, "register": "2/hour"}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
    assert register(client, email="a@example.com").status_code == 201
    assert register(client, email="b@example.com").status_code == 201
    assert register(client, email="c@example.com").status_code == 429


def test_profile_created_once_not_on_every_save():
    user = get_user_model().objects.create_user("p@example.com", STRONG)
    profile = Profile.objects.get(user=user)
    profile.bio = "kept"
    profile.save()
    user.first_name = "Changed"
    user.save()
    user.save(update_fields=["last_active"])
    assert Profile.objects.filter(user=user).count() == 1
    assert Profile.objects.get(user=user).bio == "kept"


def test_email_login_ignores_case():
    get_user_model().objects.create_user("Case@Example.com", STRONG)
    assert authenticate(username="case@example.com", password=STRONG) is not None
    assert authenticate(username="case@example.com", password="wrong") is None


def test_emails_differing_only_in_case_cannot_coexist():
    User = get_user_model()
    User.objects.create_user("dup@example.com", STRONG)
    with pytest.raises(IntegrityError):
        User.objects.create_user("DUP@example.com", STRONG)


def test_manager_rules():
    User = get_user_model()
    with pytest.raises(ValueError, match="e-mail address is required"):
        User.objects.create_user("", STRONG)
    with pytest.raises(ValueError, match="is_staff=True"):
        User.objects.create_superuser("s@example.com", STRONG, is_staff=False)
    admin = User.objects.create_superuser("root@example.com", STRONG)
    assert admin.is_staff
    assert admin.is_superuser
    assert str(admin) == "root@example.com"
    assert User.USERNAME_FIELD == "email"


def test_admin_can_add_a_user(admin_client):
    response = admin_client.post(
        reverse("admin:users_user_add"),
        {
            "email": "added@example.com",
            "usable_password": "true",
            "password1": STRONG,
            "password2": STRONG,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = get_user_model().objects.get(email="added@example.com")
    assert user.check_password(STRONG)
    assert Profile.objects.filter(user=user).exists()


def test_api_token_for_scripts(client):
    """A script exchanges the e-mail address and password for a token, then sends it."""
    get_user_model().objects.create_user(email="script@example.com", password=STRONG)
    response = client.post(
        reverse("users:token"), {"username": "script@example.com", "password": STRONG}
    )
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    orders = reverse("shopkit-order-list")
    assert client.get(orders).status_code == 403
    assert client.get(orders, HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    # Session authentication comes first, so a bad token is a 403 (no WWW-Authenticate).
    refused = client.get(orders, HTTP_AUTHORIZATION="Token not-a-token")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Invalid token."}


def test_api_token_refused_for_a_wrong_password(client):
    get_user_model().objects.create_user(email="script@example.com", password=STRONG)
    response = client.post(
        reverse("users:token"), {"username": "script@example.com", "password": "nope"}
    )
    assert response.status_code == 400
    assert "Unable to log in" in str(response.json())
