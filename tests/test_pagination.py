"""``django_shopkit.pagination``: page bounds, counts cached per version, cursor by setting."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.catalog.helpers import listing_queries
from tests.factories import make_product, make_user

pytestmark = pytest.mark.django_db

LIST = "shopkit-product-list"


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.parametrize(
    "page", ["10000000000000000000", "9" * 5000, "0", "-1", "1.5", "abc", "\x00", "3"]
)
def test_a_page_out_of_range_or_not_a_number_is_a_404(api, page):
    make_product()
    response = api.get(reverse(LIST), {"page": page})
    assert response.status_code == 404
    assert "Invalid page" in response.json()["detail"]


def test_an_order_list_page_out_of_range_is_a_404_too(api):
    api.force_authenticate(make_user())
    response = api.get(reverse("shopkit-order-list"), {"page": "10000000000000000000"})
    assert response.status_code == 404


def test_the_count_is_cached_per_catalog_version(
    api, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    settings.SHOPKIT_PAGE_SIZE = 2
    for _ in range(5):
        make_product()
    api.force_authenticate(make_user())  # no response cache: only the count is cached
    with django_assert_num_queries(1 + listing_queries()):  # the count, the page
        assert api.get(reverse(LIST), {"page": 2}).json()["count"] == 5
    with django_assert_num_queries(listing_queries()):  # the page
        assert api.get(reverse(LIST), {"page": 3}).json()["count"] == 5
    # Another filter is another count (and no rows to read after a count of 0).
    with django_assert_num_queries(1):
        assert api.get(reverse(LIST), {"search": "nothing-like-it"}).json()["count"] == 0
    make_product()
    # Until the change is committed, the old count stands; the commit starts a new version.
    assert api.get(reverse(LIST), {"page": 3}).json()["count"] == 5
    with django_capture_on_commit_callbacks(execute=True):
        make_product()
    assert api.get(reverse(LIST), {"page": 3}).json()["count"] == 7


def test_the_count_is_per_user(api, settings):
    owner = make_user()
    make_product(is_active=False, created_by=owner)
    make_product()
    api.force_authenticate(owner)
    assert api.get(reverse(LIST)).json()["count"] == 2
    api.force_authenticate(make_user())
    assert api.get(reverse(LIST)).json()["count"] == 1


def test_counting_every_time_when_the_count_cache_is_off(api, settings, django_assert_num_queries):
    settings.SHOPKIT_COUNT_CACHE_TIMEOUT = 0
    make_product()
    api.force_authenticate(make_user())
    api.get(reverse(LIST))
    with django_assert_num_queries(1 + listing_queries()):  # the count, the page
        assert api.get(reverse(LIST)).json()["count"] == 1


CURSOR = "django_shopkit.pagination.ShopkitCursorPagination"


def test_cursor_pagination_by_setting_walks_every_product_once(api, settings):
    settings.SHOPKIT_PRODUCT_PAGINATION_CLASS = CURSOR
    settings.SHOPKIT_PAGE_SIZE = 3
    created = [make_product(name=f"P{i}").pk for i in range(8)]
    seen, url, params = [], reverse(LIST), {}
    while url:
        body = api.get(url, params).json()
        assert "count" not in body
        seen += [row["id"] for row in body["results"]]
        url, params = body["next"], {}
    assert seen == created[::-1]  # newest first, each once


def test_cursor_pagination_without_a_count_query(api, settings, django_assert_num_queries):
    settings.SHOPKIT_PRODUCT_PAGINATION_CLASS = CURSOR
    for _ in range(3):
        make_product()
    api.force_authenticate(make_user())
    with django_assert_num_queries(listing_queries()):  # the page, no count
        assert len(api.get(reverse(LIST)).json()["results"]) == 3


def test_a_bad_cursor_is_a_404(api, settings):
    settings.SHOPKIT_PRODUCT_PAGINATION_CLASS = CURSOR
    make_product()
    assert api.get(reverse(LIST), {"cursor": "not-a-cursor"}).status_code == 404


def test_cursor_pagination_follows_the_requested_ordering(api, settings):
    settings.SHOPKIT_PRODUCT_PAGINATION_CLASS = CURSOR
    settings.SHOPKIT_PAGE_SIZE = 2
    for price in ("3.00", "1.00", "2.00", "4.00"):
        make_product(price=price)
    body = api.get(reverse(LIST), {"ordering": "price"}).json()
    prices = [row["price"] for row in body["results"]]
    prices += [row["price"] for row in api.get(body["next"]).json()["results"]]
    assert prices == ["1.00", "2.00", "3.00", "4.00"]
