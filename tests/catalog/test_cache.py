from decimal import Decimal

import pytest
from django.core.cache import caches
from django.urls import reverse

from django_shopkit.catalog import cache as catalog_cache
from django_shopkit.loading import get_product_model
from tests.catalog.helpers import listing_queries
from tests.factories import make_category, make_discount, make_product, make_review, make_tag

pytestmark = pytest.mark.django_db


def featured_prices(api):
    return {
        row["name"]: row["price"] for row in api.get(reverse("shopkit-product-featured")).json()
    }


def check_featured_cache_invalidation(api, django_assert_num_queries, on_commit):
    product = make_product(name="Star", price="10.00", is_featured=True)
    assert featured_prices(api) == {"Star": "10.00"}
    # Only the ids are cached: a hit reads the products (their tag names stored on them).
    with django_assert_num_queries(0):
        assert catalog_cache.get_featured_product_ids() == [product.pk]
    with django_assert_num_queries(listing_queries()):
        assert featured_prices(api) == {"Star": "10.00"}
    product.price = Decimal("12.00")
    with on_commit(execute=True):  # the version is bumped once the change is committed
        product.save()
        newer = make_product(name="Newer", price="5.00", is_featured=True)
    with django_assert_num_queries(1):
        assert catalog_cache.get_featured_product_ids() == [newer.pk, product.pk]
    assert featured_prices(api) == {"Star": "12.00", "Newer": "5.00"}


def test_featured_cache_locmem(api, django_assert_num_queries, django_capture_on_commit_callbacks):
    check_featured_cache_invalidation(
        api, django_assert_num_queries, django_capture_on_commit_callbacks
    )


@pytest.mark.redis
def test_featured_cache_redis(
    api, redis_url, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "shopkit-catalog-tests",
        }
    }
    caches["default"].clear()
    try:
        assert type(catalog_cache.get_cache()).__name__ == "RedisCache"
        check_featured_cache_invalidation(
            api, django_assert_num_queries, django_capture_on_commit_callbacks
        )
        # A bump seen by another process: the version lives in Redis, not in this process.
        version = catalog_cache.get_version(catalog_cache.PRODUCTS)
        other_process_cache = caches.create_connection("default")
        other_process_cache.incr(catalog_cache.make_key("version", catalog_cache.PRODUCTS))
        assert catalog_cache.get_version(catalog_cache.PRODUCTS) == version + 1
    finally:
        caches["default"].clear()


def test_featured_cache_holds_plain_ids_only(api):
    product = make_product(is_featured=True, tags=["t"])
    catalog_cache.get_featured_product_ids()
    version = catalog_cache.get_version(catalog_cache.PRODUCTS)
    key = catalog_cache.make_key("featured-ids", version, 10)
    assert catalog_cache.get_cache().get(key) == [product.pk]


@pytest.mark.parametrize(
    "change",
    [
        "category_rename",
        "tag_rename",
        "tag_added",
        "discount_added",
        "discount_deleted",
        "review_added",
        "product_deleted",
        "stock_bulk_update",
    ],
)
def test_featured_cache_is_invalidated_by(change, api, django_capture_on_commit_callbacks):
    category = make_category("Cat")
    tag = make_tag("tag")
    product = make_product(name="Star", is_featured=True, category=category, tags=[tag])
    other = make_product(name="Other", is_featured=True)
    discount = make_discount(other, percent="50")
    before = api.get(reverse("shopkit-product-featured")).json()
    with django_capture_on_commit_callbacks(execute=True):
        if change == "category_rename":
            category.name = "Renamed"
            category.save()
        elif change == "tag_rename":
            tag.name = "renamed"
            tag.save()
        elif change == "tag_added":
            product.tags.add(make_tag("extra"))
        elif change == "discount_added":
            make_discount(product, percent="10")
        elif change == "discount_deleted":
            discount.delete()
        elif change == "review_added":
            make_review(product, rating=5)
        elif change == "product_deleted":
            other.delete()
        elif change == "stock_bulk_update":
            get_product_model()._default_manager.bulk_update_stock([product.pk], 77)
    after = api.get(reverse("shopkit-product-featured")).json()
    assert after != before


def test_popular_categories_invalidated_by_product_and_category_changes(
    api, django_capture_on_commit_callbacks
):
    category = make_category("Cat")
    make_product(category=category)
    assert catalog_cache.get_popular_categories()[0]["product_count"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        make_product(category=category)
    assert catalog_cache.get_popular_categories()[0]["product_count"] == 2
    category.name = "Renamed"
    with django_capture_on_commit_callbacks(execute=True):
        category.save()
    assert catalog_cache.get_popular_categories()[0]["name"] == "Renamed"


def test_cache_alias_and_prefix_settings(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "shop": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "s"},
    }
    settings.SHOPKIT_CACHE_ALIAS = "shop"
    settings.SHOPKIT_CACHE_KEY_PREFIX = "myshop"
    make_product(is_featured=True)
    catalog_cache.get_featured_product_ids()
    version_key = "myshop:catalog:version:products"
    assert caches["shop"].get(version_key) is not None
    assert caches["default"].get(version_key) is None
    caches["shop"].clear()


def test_featured_prices_follow_a_discount_that_starts_without_any_save(api):
    from datetime import timedelta

    from django.utils import timezone

    from django_shopkit.loading import get_discount_model

    product = make_product(name="Star", price="10.00", is_featured=True)
    make_discount(product, percent="10", starts_at=timezone.now() + timedelta(hours=1))
    url = reverse("shopkit-product-featured")
    assert api.get(url).json()[0]["discount_price"] is None
    # update() sends no signal: only the ids are cached, so the price is read fresh anyway.
    get_discount_model()._default_manager.update(starts_at=timezone.now() - timedelta(hours=1))
    assert api.get(url).json()[0]["discount_price"] == "9.00"


@pytest.mark.parametrize(("operation", "expected"), [("reserve_stock", 3), ("release_stock", 7)])
def test_stock_operations_show_in_featured_and_bump_the_version(
    operation, expected, api, django_capture_on_commit_callbacks
):
    from django_shopkit.catalog.services import get_catalog_service

    product = make_product(is_featured=True, stock=5)
    url = reverse("shopkit-product-featured")
    assert api.get(url).json()[0]["stock"] == 5
    version = catalog_cache.get_version(catalog_cache.PRODUCTS)
    with django_capture_on_commit_callbacks(execute=True):
        getattr(get_catalog_service(), operation)(product.pk, 2)
    assert catalog_cache.get_version(catalog_cache.PRODUCTS) != version
    assert api.get(url).json()[0]["stock"] == expected
