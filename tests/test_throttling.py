"""Throttle scopes of the write endpoints: limits per user and scope, reads never limited."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import make_product, make_user
from tests.orders.helpers import fill_cart

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_cart_writes_are_throttled_per_user_and_reads_are_not(settings):
    settings.SHOPKIT_THROTTLE_RATES = {"shopkit_cart": "3/minute"}
    product = make_product(stock=50)
    user, other = make_user(), make_user()
    url = reverse("shopkit-cart-item-list")
    api = client_for(user)
    statuses = [api.post(url, {"product": product.pk}).status_code for _ in range(4)]
    assert statuses == [201, 200, 200, 429]
    assert "throttled" in api.post(url, {"product": product.pk}).json()["detail"].lower()
    assert api.get(reverse("shopkit-cart")).status_code == 200  # reads are not counted
    assert client_for(other).post(url, {"product": product.pk}).status_code == 201


@pytest.mark.parametrize(
    ("scope", "request_args"),
    [
        ("shopkit_checkout", ("post", "shopkit-checkout", None)),
        ("shopkit_product_write", ("post", "shopkit-product-list", None)),
        ("shopkit_review", ("post", "shopkit-product-reviews", "product")),
        ("shopkit_checkout", ("post", "shopkit-product-purchase", "product")),
    ],
)
def test_each_write_endpoint_has_its_scope(settings, scope, request_args):
    settings.SHOPKIT_THROTTLE_RATES = {scope: "1/minute"}
    method, name, arg = request_args
    product = make_product(stock=50)
    api = client_for(make_user())
    url = reverse(name, args=[product.pk]) if arg else reverse(name)
    first = getattr(api, method)(url, {}, format="json")
    assert first.status_code != 429
    assert getattr(api, method)(url, {}, format="json").status_code == 429


def test_pay_has_the_payment_scope(settings):
    settings.SHOPKIT_THROTTLE_RATES = {"shopkit_payment": "1/minute"}
    user = make_user()
    fill_cart(user, (make_product(price="20.00", stock=5), 1))
    api = client_for(user)
    order = api.post(reverse("shopkit-checkout")).json()
    url = reverse("shopkit-order-pay", args=[order["id"]])
    assert api.post(url, {"token": "tok_1"}, format="json").status_code != 429
    assert api.post(url, {"token": "tok_1"}, format="json").status_code == 429


def test_drf_rate_wins_and_none_turns_a_scope_off(settings):
    product = make_product(stock=50)
    url = reverse("shopkit-cart-item-list")
    settings.SHOPKIT_THROTTLE_RATES = {"shopkit_cart": "1/minute"}
    settings.REST_FRAMEWORK = {"DEFAULT_THROTTLE_RATES": {"shopkit_cart": None}}
    api = client_for(make_user())
    assert {api.post(url, {"product": product.pk}).status_code for _ in range(3)} <= {200, 201}


def test_a_dead_cache_lets_writes_through(settings):
    settings.SHOPKIT_THROTTLE_RATES = {"shopkit_cart": "1/minute"}
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    from django.core.cache import caches
    from rest_framework.throttling import SimpleRateThrottle

    # DRF's throttles hold the default cache object from import time; point it at the dead one.
    original = SimpleRateThrottle.cache
    SimpleRateThrottle.cache = caches["default"]
    try:
        product = make_product(stock=50)
        api = client_for(make_user())
        url = reverse("shopkit-cart-item-list")
        assert [api.post(url, {"product": product.pk}).status_code for _ in range(2)] == [201, 200]
    finally:
        SimpleRateThrottle.cache = original
