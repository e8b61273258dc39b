"""Shipping methods: availability and cost rules, the API, the cart and checkout."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from django_shopkit.loading import get_address_model, get_order_model
from django_shopkit.orders.pricing import line_price
from django_shopkit.orders.services import OrderLine
from django_shopkit.orders.shipping import (
    FlatRateShipping,
    FreeShippingAbove,
    ShippingRequest,
    WeightBasedShipping,
    get_shipping_methods,
)
from tests.factories import make_product
from tests.orders.helpers import fill_cart, order_count, reload

pytestmark = pytest.mark.django_db

METHODS = [
    {
        "class": "django_shopkit.orders.shipping.FlatRateShipping",
        "code": "standard",
        "rate": "4.90",
    },
    {
        "class": "django_shopkit.orders.shipping.FlatRateShipping",
        "code": "express",
        "name": "Express",
        "rate": "12.00",
        "countries": ["DE", "AT"],
    },
    {
        "class": "django_shopkit.orders.shipping.FreeShippingAbove",
        "code": "free",
        "threshold": "50.00",
    },
    {
        "class": "django_shopkit.orders.shipping.WeightBasedShipping",
        "code": "parcel",
        "rates": [["2", "5.00"], ["10", "9.50"]],
    },
]
shop_methods = override_settings(SHOPKIT_SHIPPING_METHODS=METHODS)


def request_for(*lines, country="DE"):
    order_lines = [OrderLine(product, quantity) for product, quantity in lines]
    prices = [line_price(line.product, line.quantity) for line in order_lines]
    return ShippingRequest(order_lines, prices, {"country": country} if country else None)


# -- Rules --------------------------------------------------------------------------------------


def test_flat_rate_everywhere_or_in_its_countries():
    product = make_product(price="10.00")
    standard = FlatRateShipping(code="standard", rate="4.90")
    assert standard.quote(request_for((product, 1), country=None)).cost == Decimal("4.90")
    express = FlatRateShipping(code="express", rate=Decimal("12"), countries=("DE",))
    assert express.quote(request_for((product, 1))).cost == Decimal("12.00")
    assert express.quote(request_for((product, 1), country="FR")) is None
    assert express.quote(request_for((product, 1), country=None)) is None  # no address yet


def test_free_above_a_goods_total_discounts_applied():
    free = FreeShippingAbove(code="free", threshold="50.00")
    cheap, dear = make_product(price="24.99"), make_product(price="25.00")
    assert free.quote(request_for((cheap, 2))) is None  # 49.98
    assert free.quote(request_for((dear, 2))).cost == Decimal("0.00")  # exactly 50.00
    from tests.factories import make_discount

    make_discount(dear, percent="10")
    dear = type(dear)._default_manager.select_related("discount").get(pk=dear.pk)
    assert free.quote(request_for((dear, 2))) is None  # 45.00 after the discount


def test_weight_brackets():
    parcel = WeightBasedShipping(code="parcel", rates=[("10", "9.50"), ("2", "5.00")])
    light = make_product(weight=Decimal("0.500"))
    heavy = make_product(weight=Decimal("4.000"))
    weightless = make_product()  # no weight: counts as nothing
    assert parcel.quote(request_for((light, 4), (weightless, 3))).cost == Decimal("5.00")  # 2.0
    assert parcel.quote(request_for((light, 5))).cost == Decimal("9.50")  # 2.5
    assert parcel.quote(request_for((heavy, 2), (light, 4))).cost == Decimal("9.50")  # 10.0
    assert parcel.quote(request_for((heavy, 3))) is None  # 12: heavier than any bracket


@pytest.mark.parametrize(
    "entry",
    [
        "django_shopkit.orders.shipping.NoSuchMethod",
        "django_shopkit.orders.pricing.LinePrice",
        {"class": "django_shopkit.orders.shipping.FlatRateShipping", "code": "x", "price": "1"},
        {"class": "django_shopkit.orders.shipping.FlatRateShipping"},
        42,
    ],
)
def test_misconfigured_methods_are_named(entry):
    with override_settings(SHOPKIT_SHIPPING_METHODS=[entry]), pytest.raises(ImproperlyConfigured):
        get_shipping_methods()


# -- API ----------------------------------------------------------------------------------------


def codes(response):
    assert response.status_code == 200, response.json()
    return {m["code"]: m["cost"] for m in response.json()}


@shop_methods
def test_shipping_methods_for_the_visitors_cart_and_address():
    client = APIClient()  # anonymous: the session cart
    url = reverse("shopkit-shipping-methods")
    assert codes(client.get(url, {"country": "DE"})) == {}  # nothing to ship yet
    client.post(
        reverse("shopkit-cart-item-list"),
        {"product": make_product(price="30.00", weight=Decimal("1.5")).pk},
        format="json",
    )
    assert codes(client.get(url, {"country": "de"})) == {
        "standard": "4.90",
        "express": "12.00",
        "parcel": "5.00",
    }
    assert codes(client.get(url, {"country": "FR"})) == {"standard": "4.90", "parcel": "5.00"}
    assert codes(client.get(url)) == {"standard": "4.90", "parcel": "5.00"}  # no address
    assert client.get(url, {"country": "XX"}).status_code == 400


@shop_methods
def test_shipping_methods_for_an_own_address_only(api, user, other_user):
    fill_cart(user, (make_product(price="60.00"), 1))
    manager = get_address_model()._default_manager
    mine = manager.create(user=user, name="A", line1="1", city="Wien", country="AT")
    theirs = manager.create(user=other_user, name="B", line1="2", city="Lyon", country="FR")
    url = reverse("shopkit-shipping-methods")
    assert set(codes(api.get(url, {"address_id": mine.pk}))) == {
        "standard",
        "express",
        "free",
        "parcel",
    }
    assert api.get(url, {"address_id": theirs.pk}).status_code == 404
    assert api.get(url, {"address_id": mine.pk, "country": "DE"}).status_code == 400


@shop_methods
def test_cart_totals_include_the_chosen_shipping(api, user):
    fill_cart(user, (make_product(price="20.00"), 2))
    body = api.get(reverse("shopkit-cart"), {"shipping_method": "express", "country": "AT"}).json()
    assert body["shipping_method"] == {"code": "express", "name": "Express", "cost": "12.00"}
    assert (body["subtotal"], body["shipping_total"], body["total"]) == ("40.00", "12.00", "52.00")
    unavailable = api.get(reverse("shopkit-cart"), {"shipping_method": "free"})
    assert unavailable.status_code == 409
    assert "not available" in unavailable.json()["detail"]
    unknown = api.get(reverse("shopkit-cart"), {"shipping_method": "teleport"})
    assert unknown.status_code == 400
    assert list(unknown.json()) == ["shipping_method"]


@shop_methods
def test_cart_with_shipping_queries_do_not_grow_with_lines(api, user):
    def count():
        with CaptureQueriesContext(connection) as queries:
            response = api.get(
                reverse("shopkit-cart"), {"shipping_method": "parcel", "country": "DE"}
            )
        assert response.status_code == 200, response.json()
        return len(queries)

    fill_cart(user, (make_product(weight=Decimal("0.1")), 1))
    one = count()
    fill_cart(user, *[(make_product(weight=Decimal("0.1")), 1) for _ in range(4)])
    assert count() == one


# -- Checkout -----------------------------------------------------------------------------------


ADDRESS = {"name": "Ada", "line1": "Hauptstr. 1", "city": "Berlin", "country": "DE"}


@shop_methods
def test_checkout_stores_the_method_and_its_cost(api, user):
    fill_cart(user, (make_product(price="20.00"), 1))
    response = api.post(
        reverse("shopkit-checkout"),
        {"shipping_address": ADDRESS, "shipping_method": "express"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["shipping_method"], body["shipping_method_name"]) == ("express", "Express")
    assert (body["shipping_total"], body["total"]) == ("12.00", "32.00")
    order = get_order_model()._default_manager.get()
    assert (order.shipping_total, order.total) == (Decimal("12.00"), Decimal("32.00"))


@shop_methods
def test_checkout_needs_a_known_method(api, user):
    fill_cart(user, (make_product(), 1))
    missing = api.post(reverse("shopkit-checkout"), {"shipping_address": ADDRESS}, format="json")
    assert missing.status_code == 400
    assert missing.json() == {"shipping_method": ["Choose a shipping method."]}
    unknown = api.post(reverse("shopkit-checkout"), {"shipping_method": "teleport"}, format="json")
    assert unknown.status_code == 400
    assert list(unknown.json()) == ["shipping_method"]
    assert order_count() == 0


@shop_methods
def test_a_method_that_became_unavailable_is_409(api, user):
    product = make_product(price="30.00", stock=5)
    fill_cart(user, (product, 2))
    url = reverse("shopkit-shipping-methods")
    assert "free" in codes(api.get(url, {"country": "DE"}))  # 60.00: free shipping offered
    # The buyer lowers the quantity before paying: the goods fall below the threshold.
    line = api.get(reverse("shopkit-cart")).json()["items"][0]["id"]
    api.patch(reverse("shopkit-cart-item-detail", args=[line]), {"quantity": 1}, format="json")
    response = api.post(
        reverse("shopkit-checkout"),
        {"shipping_address": ADDRESS, "shipping_method": "free"},
        format="json",
    )
    assert response.status_code == 409
    assert "“free” is not available" in response.json()["detail"]
    assert order_count() == 0
    assert reload(product).stock == 5
    # Another method still works, and the cart was kept.
    ok = api.post(
        reverse("shopkit-checkout"),
        {"shipping_address": ADDRESS, "shipping_method": "standard"},
        format="json",
    )
    assert ok.status_code == 201
    assert ok.json()["total"] == "34.90"


def test_without_methods_orders_carry_no_shipping(api, user):
    fill_cart(user, (make_product(price="5.00"), 1))
    body = api.post(reverse("shopkit-checkout")).json()
    assert (body["shipping_method"], body["shipping_total"], body["total"]) == ("", "0.00", "5.00")


def test_docs_settings_example_configures_working_methods(user):
    from pathlib import Path

    from tests.docs_blocks import code_blocks

    page = Path(__file__).resolve().parents[2] / "docs" / "addresses.rst"
    (block,) = [b for b in code_blocks(page) if "SHOPKIT_SHIPPING_METHODS =" in b.text]
    namespace: dict = {}
    exec(compile(block.text, str(page), "exec"), namespace)
    heavy = make_product(price="30.00", weight=Decimal("3"))
    with override_settings(SHOPKIT_SHIPPING_METHODS=namespace["SHOPKIT_SHIPPING_METHODS"]):
        quotes = {
            m.code: m.quote(request_for((heavy, 2), country="AT")) for m in get_shipping_methods()
        }
    assert {code: q.cost for code, q in quotes.items() if q} == {
        "standard": Decimal("4.90"),
        "free": Decimal("0.00"),
        "parcel": Decimal("9.50"),
    }
    assert quotes["standard"].name == "Standard (3-5 days)"
