"""With the cache pointed at a Redis port nothing listens on, the shop still sells.

Browsing (lists, detail, featured, popular categories), adding to the cart, checking out and
paying all succeed: every cache error is logged and handled as a miss, throttles let requests
through, and no write waits for the cache.
"""

import logging
import socket

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import make_category, make_product, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def dead_redis(settings):
    # A port that was free a moment ago: nothing listens there.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    return port


def test_browse_add_checkout_and_pay_with_the_cache_down(dead_redis, caplog):
    category = make_category("Mugs")
    product = make_product(price="20.00", stock=5, is_featured=True, category=category)
    api = APIClient()
    api.force_authenticate(make_user())
    caplog.set_level(logging.WARNING)

    assert api.get(reverse("shopkit-product-list")).status_code == 200
    assert api.get(reverse("shopkit-product-detail", args=[product.pk])).status_code == 200
    featured = api.get(reverse("shopkit-product-featured"))
    assert featured.status_code == 200
    assert [row["id"] for row in featured.json()] == [product.pk]
    popular = api.get(reverse("shopkit-category-popular"))
    assert popular.status_code == 200
    assert popular.json()[0]["name"] == "Mugs"

    response = api.post(reverse("shopkit-cart-item-list"), {"product": product.pk, "quantity": 2})
    assert response.status_code == 201
    response = api.post(reverse("shopkit-checkout"), HTTP_IDEMPOTENCY_KEY="dead-cache-1")
    assert response.status_code == 201, response.json()
    order = response.json()
    response = api.post(reverse("shopkit-order-pay", args=[order["id"]]), {"token": "tok_ok"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "paid"

    product.refresh_from_db()
    assert product.stock == 3
    # The failures were noticed, not hidden.
    assert any("carrying on without it" in r.getMessage() for r in caplog.records)


def test_after_commit_invalidation_error_never_fails_a_committed_order(
    dead_redis, django_capture_on_commit_callbacks
):
    product = make_product(price="20.00", stock=5)
    user = make_user()
    api = APIClient()
    api.force_authenticate(user)
    api.post(reverse("shopkit-cart-item-list"), {"product": product.pk})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api.post(reverse("shopkit-checkout"))
    assert response.status_code == 201
    assert callbacks  # the cache bump ran after commit, and its failure was swallowed


def test_storefront_pages_render_with_the_cache_down(dead_redis, client):
    # A plain RedisCache (not the fail-safe backend): the page cache and the category sidebar
    # must both fall back to rendering, anonymous and signed in alike.
    category = make_category("Mugs")
    product = make_product(price="20.00", stock=5, category=category)
    list_url = reverse("shopkit_catalog:product-list")
    detail_url = reverse("shopkit_catalog:product-detail", args=[product.slug])
    for _ in range(2):  # signed out, then signed in
        response = client.get(list_url)
        assert response.status_code == 200
        assert "Mugs" in response.content.decode()  # the sidebar rendered without its cache
        assert client.get(detail_url).status_code == 200
        client.force_login(make_user())
    assert client.get(reverse("shopkit_orders:cart")).status_code == 200
