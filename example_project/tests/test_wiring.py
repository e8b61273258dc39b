"""The project's middleware stack does what the settings say: request ids, last-active, CORS."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_response_carries_a_request_id(client):
    response = client.get(reverse("api-root"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.headers["X-Request-ID"]
    echoed = client.get(reverse("api-root"), HTTP_X_REQUEST_ID="trace-abc-123")
    assert echoed.headers["X-Request-ID"] == "trace-abc-123"


def test_signed_in_requests_record_last_active(client):
    user = get_user_model().objects.create_user("active@example.com", "x-long-password-1")
    assert user.last_active is None
    client.force_login(user)
    client.get(reverse("api-root"), HTTP_ACCEPT="application/json")
    user.refresh_from_db()
    assert user.last_active is not None


def test_cors_allows_configured_origins_on_the_api_only(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    preflight = {
        "HTTP_ORIGIN": "https://app.example.com",
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "GET",
    }
    response = client.options(reverse("shopkit-product-list"), **preflight)
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    other = client.options(
        reverse("shopkit-product-list"), **{**preflight, "HTTP_ORIGIN": "https://evil.example"}
    )
    assert "Access-Control-Allow-Origin" not in other.headers
    # Only the API: the HTML storefront is not for cross-origin scripts.
    page = client.options(reverse("shopkit_catalog:product-list"), **preflight)
    assert "Access-Control-Allow-Origin" not in page.headers
