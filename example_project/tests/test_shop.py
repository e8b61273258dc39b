"""The shop app's extensions of shopkit: the product brand in the API and a minimum order."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from apps.shop.services import MinimumOrderNotMet, ShopOrderService
from django_shopkit.loading import get_category_model, get_order_model, get_product_model
from django_shopkit.orders.services import get_order_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    return get_category_model().objects.create(name="Tools")


def make_product(category, name, brand="", price="20.00", stock=10):
    return get_product_model()._default_manager.create(
        name=name, brand=brand, price=Decimal(price), stock=stock, category=category
    )


def test_product_api_shows_and_filters_by_brand(client, category, django_assert_max_num_queries):
    make_product(category, "Hammer", brand="Acme")
    make_product(category, "Saw", brand="Globex")
    url = reverse("shopkit-product-list")
    with django_assert_max_num_queries(4):
        response = client.get(url, {"brand": "acme"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(p["name"], p["brand"]) for p in results] == [("Hammer", "Acme")]


def test_product_detail_shows_brand(client, category):
    product = make_product(category, "Hammer", brand="Acme")
    response = client.get(reverse("shopkit-product-detail", args=[product.pk]))
    assert response.status_code == 200
    assert response.json()["brand"] == "Acme"


def test_search_covers_brand(client, category):
    make_product(category, "Hammer", brand="Acme")
    make_product(category, "Saw", brand="Globex")
    response = client.get(reverse("shopkit-product-list"), {"search": "globex"})
    assert [p["name"] for p in response.json()["results"]] == ["Saw"]


def test_signed_in_user_creates_product_with_brand(client, category):
    user = get_user_model().objects.create_user("maker@example.com", "x-very-long-password-1")
    client.force_login(user)
    response = client.post(
        reverse("shopkit-product-list"),
        {
            "name": "Drill",
            "brand": "Initech",
            "price": "49.90",
            "stock": 3,
            "category": category.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["brand"] == "Initech"
    assert get_product_model()._default_manager.get(name="Drill").brand == "Initech"


def test_configured_order_service_is_the_shops():
    assert isinstance(get_order_service(), ShopOrderService)


def test_minimum_order_refuses_small_orders_and_keeps_stock(category, settings):
    settings.SHOP_MINIMUM_ORDER_TOTAL = "10.00"
    user = get_user_model().objects.create_user("buyer@example.com", "x-very-long-password-1")
    cheap = make_product(category, "Pencil", price="4.00", stock=5)
    with pytest.raises(MinimumOrderNotMet, match=r"minimum order is 10\.00"):
        get_order_service().purchase(cheap, user, quantity=2)
    cheap.refresh_from_db()
    assert cheap.stock == 5
    assert not get_order_model().objects.exists()
    order = get_order_service().purchase(cheap, user, quantity=3)
    assert order.total == Decimal("12.00")


def test_the_shop_viewset_keeps_shopkits_actions(client, category):
    product = make_product(category, "Hammer", brand="Acme", price="25.00")
    url = reverse("shopkit-product-purchase", args=[product.pk])
    assert client.post(url, {"quantity": 1}, content_type="application/json").status_code in (
        401,
        403,
    )
    user = get_user_model().objects.create_user("buyer@example.com", "x-very-long-password-1")
    client.force_login(user)
    response = client.post(url, {"quantity": 1}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert get_order_model().objects.get(user=user).total == Decimal("25.00")


def test_checkout_below_the_minimum_is_a_400_with_the_reason(client, category, settings):
    settings.SHOP_MINIMUM_ORDER_TOTAL = "10.00"
    cheap = make_product(category, "Pencil", price="3.00", stock=5)
    user = get_user_model().objects.create_user("buyer@example.com", "x-very-long-password-1")
    client.force_login(user)
    added = client.post(
        reverse("shopkit-cart-item-list"),
        {"product": cheap.pk, "quantity": 2},
        content_type="application/json",
    )
    assert added.status_code == 201, added.content
    body = {
        "shipping_address": {"name": "B", "line1": "1 Road", "city": "Berlin", "country": "DE"},
        "shipping_method": "standard",
    }
    response = client.post(reverse("shopkit-checkout"), body, content_type="application/json")
    assert response.status_code == 400
    assert "minimum order is 10.00" in response.json()["detail"]
    cheap.refresh_from_db()
    assert cheap.stock == 5
