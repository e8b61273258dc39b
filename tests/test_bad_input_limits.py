"""Hostile input is a 4xx everywhere: nesting, numbers past any column, control characters.

On PostgreSQL a NUL byte or an out-of-range number reaching the database would be a 500;
tests/test_postgres_writes.py repeats the NUL cases there.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from django_shopkit.loading import get_product_model, get_tag_model
from django_shopkit.parsers import nesting_exceeds
from tests.catalog.helpers import LIST, detail_url
from tests.factories import make_category, make_product, make_tag, make_user

pytestmark = [pytest.mark.django_db]

DEEP = "[" * 100_000


@pytest.fixture
def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def post_raw(api, url, body, method="post"):
    return getattr(api, method)(url, body, content_type="application/json")


@pytest.mark.parametrize("body", [DEEP, DEEP + "]" * 100_000, '{"a":' * 5000 + "1" + "}" * 5000])
def test_deeply_nested_json_to_cart_items_is_400(api, body):
    response = post_raw(api, reverse("shopkit-cart-item-list"), body)
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_deeply_nested_json_to_product_patch_is_400(api, user):
    product = make_product(created_by=user, name="Kept")
    response = post_raw(api, detail_url(product), DEEP, method="patch")
    assert response.status_code == 400
    product.refresh_from_db()
    assert product.name == "Kept"


def test_nesting_limit_is_a_setting(api, user, settings):
    product = make_product(created_by=user)
    nested_3 = '{"name": "Three", "description": "", "tags": [], "x": [[1]]}'
    settings.SHOPKIT_JSON_MAX_DEPTH = 2
    assert post_raw(api, detail_url(product), nested_3, method="patch").status_code == 400
    settings.SHOPKIT_JSON_MAX_DEPTH = 3
    response = post_raw(api, detail_url(product), nested_3, method="patch")
    assert response.status_code == 200, response.json()
    assert response.json()["name"] == "Three"


def test_nesting_exceeds_counts_levels():
    assert not nesting_exceeds({"a": [1, {"b": 2}]}, 3)
    assert nesting_exceeds({"a": [1, {"b": []}]}, 3)
    assert not nesting_exceeds("text", 0)


@pytest.mark.parametrize(
    "query",
    [
        {"max_price": "1e-999999"},
        {"min_price": "1e-999999"},
    ],
)
def test_tiny_decimal_price_filters_are_answered(client, query):
    make_product(name="Free", price="0.00")
    make_product(name="Cent", price="0.01")
    response = client.get(reverse(LIST), query)
    assert response.status_code == 200
    names = {row["name"] for row in response.json()["results"]}
    # max 1e-999999 keeps price <= 0.00; min 1e-999999 keeps price >= 0.01.
    assert names == ({"Free"} if "max_price" in query else {"Cent"})


@pytest.mark.parametrize(
    "query",
    [
        {"max_price": "1e999999"},
        {"min_price": "-1e999999"},
        {"max_price": "NaN"},
        {"min_price": "Infinity"},
    ],
)
def test_unbounded_price_filters_are_400(client, query):
    response = client.get(reverse(LIST), query)
    assert response.status_code == 400
    assert set(response.json()) == set(query)


def test_price_filters_round_towards_the_same_products(client):
    make_product(name="Ten", price="10.00")
    assert client.get(reverse(LIST), {"max_price": "9.999"}).json()["results"] == []
    assert len(client.get(reverse(LIST), {"min_price": "9.999"}).json()["results"]) == 1


@pytest.mark.parametrize("tag", ["bad\x00tag", "bad\x1btag", "\x7f"])
def test_control_character_in_a_tag_name_on_product_create_is_400(api, tag):
    make_tag("good")
    payload = {"name": "N", "price": "1.00", "category": make_category().pk, "tags": ["good", tag]}
    response = api.post(reverse(LIST), payload, format="json")
    assert response.status_code == 400
    assert "tags" in response.json()
    assert not get_product_model()._default_manager.exists()


@pytest.mark.parametrize("field", ["name", "description"])
@pytest.mark.parametrize(("char", "message"), [("\x00", "Null"), ("\x1b", "Control")])
def test_control_characters_in_product_text_are_400(api, field, char, message):
    payload = {"name": "N", "price": "1.00", "category": make_category().pk, field: f"a{char}b"}
    response = api.post(reverse(LIST), payload, format="json")
    assert response.status_code == 400
    assert message in response.json()[field][0]


def test_text_may_hold_tabs_and_newlines(api):
    payload = {
        "name": "N",
        "price": "1.00",
        "category": make_category().pk,
        "description": "Line one\n\tLine two\r\n",
    }
    assert api.post(reverse(LIST), payload, format="json").status_code == 201


def test_control_characters_in_review_category_and_tag_writes_are_400(api):
    product = make_product()
    url = reverse("shopkit-product-reviews", args=[product.pk])
    response = api.post(url, {"rating": 5, "comment": "hi\x00"}, format="json")
    assert response.status_code == 400
    staff = APIClient()
    staff.force_authenticate(make_user(is_staff=True))
    response = staff.post(reverse("shopkit-category-list"), {"name": "C\x00"}, format="json")
    assert response.status_code == 400
    response = staff.post(reverse("shopkit-tag-list"), {"name": "t\x08"}, format="json")
    assert response.status_code == 400
    assert not get_tag_model().objects.exists()
