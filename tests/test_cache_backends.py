"""``FailSafeRedisCache``: Redis down is a miss for every cache user, the storefront included."""

import logging
import socket

import pytest
from django.core.cache import caches
from django.urls import reverse

from tests.factories import make_category, make_product


def dead_location():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"redis://127.0.0.1:{sock.getsockname()[1]}/0"


@pytest.fixture
def fail_safe_dead(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_shopkit.cache_backends.FailSafeRedisCache",
            "LOCATION": dead_location(),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    return caches["default"]


def test_every_operation_is_a_miss_or_a_no_op(fail_safe_dead, caplog):
    cache = fail_safe_dead
    caplog.set_level(logging.WARNING)
    assert cache.get("k", "fallback") == "fallback"
    assert cache.set("k", 1) is None
    assert cache.add("k", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1}) == ["a"]
    assert cache.has_key("k") is False
    assert cache.get_or_set("k", 5) == 5
    with pytest.raises(ValueError, match="cache unavailable"):
        cache.incr("k")
    assert cache.delete("k") is False
    cache.delete_many(["a"])
    cache.clear()
    assert "Redis cache get failed" in caplog.text


@pytest.mark.redis
def test_it_is_redis_when_redis_answers(settings, redis_url):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_shopkit.cache_backends.FailSafeRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "shopkit-failsafe-tests",
        }
    }
    cache = caches["default"]
    try:
        cache.set("k", 41, 30)
        assert cache.incr("k") == 42
        assert cache.get("k") == 42
        with pytest.raises(ValueError, match="not found"):
            cache.incr("missing")
    finally:
        cache.clear()


@pytest.mark.django_db
def test_storefront_renders_with_redis_down(client, fail_safe_dead):
    category = make_category("Mugs")
    product = make_product(name="Blue Mug", category=category)
    for url in (
        reverse("shopkit_catalog:product-list"),
        reverse("shopkit_catalog:product-detail", kwargs={"slug": product.slug}),
    ):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Blue Mug" in html
        assert "Mugs" in html  # the sidebar, rendered without its fragment cache
