"""Bad input and forbidden access on the cart, checkout and orders: a 4xx, never a 500."""

from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from django_shopkit.loading import get_cart_item_model, get_order_model
from django_shopkit.orders.abstract_models import OrderStatus
from django_shopkit.orders.exceptions import InvalidIdempotencyKey
from django_shopkit.orders.gateways.dummy import DummyGateway
from django_shopkit.orders.services import get_order_service
from tests.factories import make_product
from tests.orders.helpers import fill_cart, order_count, place_order, reload

pytestmark = pytest.mark.django_db

BAD_KEYS = ["a\x00b", "\x00", "line\nbreak", "k" * 256]


@pytest.fixture
def client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("key", BAD_KEYS)
def test_service_refuses_a_malformed_key_before_writing(user, key):
    product = make_product(stock=5)
    cart = fill_cart(user, (product, 1))
    with pytest.raises(InvalidIdempotencyKey):
        get_order_service().place_order(user, cart, idempotency_key=key)
    with pytest.raises(InvalidIdempotencyKey):
        get_order_service().purchase(product, user, 1, idempotency_key=key)
    assert order_count() == 0
    assert reload(product).stock == 5


def test_service_strips_the_key_and_treats_blank_as_none(user):
    product = make_product(stock=5)
    first = get_order_service().purchase(product, user, 1, idempotency_key="  k1 ")
    assert first.idempotency_key == "k1"
    assert get_order_service().purchase(product, user, 1, idempotency_key="k1") == first
    blank = get_order_service().purchase(product, user, 1, idempotency_key="   ")
    assert blank.idempotency_key is None


@pytest.mark.parametrize("key", BAD_KEYS)
def test_storefront_checkout_with_a_malformed_key_places_nothing(client, user, key):
    product = make_product(stock=5)
    fill_cart(user, (product, 2))
    response = client.post(reverse("shopkit_orders:checkout"), {"idempotency_key": key})
    assert response.status_code == 302
    assert response["Location"] == reverse("shopkit_orders:cart")
    assert any("idempotency key" in str(m) for m in get_messages(response.wsgi_request))
    assert order_count() == 0
    assert get_cart_item_model()._default_manager.filter(cart__user=user).count() == 1
    assert reload(product).stock == 5


def test_storefront_checkout_keys_sharing_a_prefix_are_not_one_order(client, user):
    # Keys used to be cut to 255 characters: two long keys then named one order.
    product = make_product(stock=5)
    fill_cart(user, (product, 1))
    client.post(reverse("shopkit_orders:checkout"), {"idempotency_key": "k" * 255})
    fill_cart(user, (product, 1))
    response = client.post(reverse("shopkit_orders:checkout"), {"idempotency_key": "k" * 255 + "2"})
    assert response["Location"] == reverse("shopkit_orders:cart")  # not the first order's page
    assert order_count() == 1
    assert get_cart_item_model()._default_manager.filter(cart__user=user).count() == 1


@pytest.mark.parametrize("key", ["", " ", "k" * 256, "a\tb"])
def test_purchase_rejects_a_malformed_key(api, key):
    product = make_product(stock=5)
    url = reverse("shopkit-product-purchase", args=[product.pk])
    response = api.post(url, {"quantity": 1}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert order_count() == 0


@pytest.mark.parametrize("name", ["order-detail", "order-pay", "order-cancel"])
@pytest.mark.parametrize("number", ["a\x00b", "\x00", "SK 1", "SK-1.2", "é", "SK-UNKNOWN"])
def test_storefront_bad_or_unknown_order_number_is_404(client, user, name, number):
    place_order(user, (make_product(), 1))
    method = client.get if name == "order-detail" else client.post
    # Built by hand: reverse() refuses what the slug converter does not match.
    url = reverse(f"shopkit_orders:{name}", args=["NUMBER"]).replace("NUMBER", quote(number))
    with CaptureQueriesContext(connection) as ctx:
        assert method(url).status_code == 404
    order_table = get_order_model()._meta.db_table
    queried = any(order_table in q["sql"] for q in ctx.captured_queries)
    # Only a well-formed number gets as far as looking the order up.
    assert queried is (number == "SK-UNKNOWN")


# -- forbidden access not covered elsewhere ---------------------------------------------------


def test_anonymous_cannot_touch_lines_orders_or_buy(user):
    product = make_product(stock=5)
    fill_cart(user, (product, 1))
    item = get_cart_item_model()._default_manager.get(cart__user=user)
    order = place_order(user, (product, 1))
    anonymous = APIClient()
    item_url = reverse("shopkit-cart-item-detail", args=[item.pk])
    # Anonymous visitors have cart endpoints (a session cart), where a user's line is not theirs.
    assert anonymous.patch(item_url, {"quantity": 3}, format="json").status_code == 404
    assert anonymous.delete(item_url).status_code == 404
    for name in ("shopkit-order-detail", "shopkit-order-pay", "shopkit-order-cancel"):
        method = anonymous.get if name.endswith("detail") else anonymous.post
        assert method(reverse(name, args=[order.pk])).status_code in (401, 403), name
    purchase = reverse("shopkit-product-purchase", args=[product.pk])
    assert anonymous.post(purchase, {"quantity": 1}, format="json").status_code in (401, 403)
    assert get_order_model()._default_manager.count() == 1
    assert reload(order).status == OrderStatus.PENDING
    assert DummyGateway.charges == {}


def test_another_users_lines_and_orders_through_the_storefront_are_404(user, other_user):
    product = make_product(stock=5)
    order = place_order(user, (product, 1))
    fill_cart(user, (product, 1))
    item = get_cart_item_model()._default_manager.get(cart__user=user)
    other = Client()
    other.force_login(other_user)
    update = reverse("shopkit_orders:cart-item-update", args=[item.pk])
    assert other.post(update, {"quantity": 3}).status_code == 404
    remove = reverse("shopkit_orders:cart-item-remove", args=[item.pk])
    assert other.post(remove).status_code == 404
    assert reload(item).quantity == 1
    detail = reverse("shopkit_orders:order-detail", args=[order.number])
    assert other.get(detail).status_code == 404
    pay = reverse("shopkit_orders:order-pay", args=[order.number])
    assert other.post(pay, {"token": "tok_ok"}).status_code == 404
    assert reload(order).status == OrderStatus.PENDING
    assert DummyGateway.charges == {}
