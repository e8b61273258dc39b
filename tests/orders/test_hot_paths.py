"""Work the checkout and cart paths must not repeat per line."""

import pytest
from django.test import Client
from django.urls import reverse

from django_shopkit.catalog import services as catalog_services
from django_shopkit.conf import settings
from django_shopkit.orders import cart as cart_module
from django_shopkit.orders.services import get_cart_service, get_order_service
from tests.factories import make_discount, make_product
from tests.orders.helpers import fill_cart, reload

pytestmark = pytest.mark.django_db


@pytest.fixture
def invalidations(monkeypatch):
    calls = []
    real = catalog_services.invalidate_products
    monkeypatch.setattr(catalog_services, "invalidate_products", lambda: calls.append(real()))
    return calls


def test_checkout_invalidates_cached_products_once_not_per_line(user, invalidations):
    products = [make_product(stock=5) for _ in range(4)]
    cart = fill_cart(user, *[(p, 1) for p in products])
    order = get_order_service().create_order(user, cart)
    assert len(invalidations) == 1
    assert [reload(p).stock for p in products] == [4, 4, 4, 4]
    get_order_service().cancel(order)
    assert len(invalidations) == 2
    assert [reload(p).stock for p in products] == [5, 5, 5, 5]


def test_a_failed_batch_reserves_nothing(user, invalidations):
    plenty, scarce = make_product(stock=5), make_product(stock=1)
    with pytest.raises(catalog_services.OutOfStock):
        catalog_services.get_catalog_service().reserve_many({plenty.pk: 2, scarce.pk: 2})
    assert (reload(plenty).stock, reload(scarce).stock) == (5, 1)
    # The service can be used again and invalidates on a single reservation.
    catalog_services.get_catalog_service().reserve_stock(plenty.pk, 1)
    assert len(invalidations) == 1


@pytest.fixture
def pricings(monkeypatch):
    calls = []
    real = cart_module.line_price
    monkeypatch.setattr(cart_module, "line_price", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


@pytest.fixture
def priced_cart(user):
    products = [make_product(price="10.00", stock=5) for _ in range(3)]
    make_discount(products[0], percent="50")
    fill_cart(user, *[(p, 2) for p in products])
    return products


def test_cart_prices_each_line_once(api, priced_cart, pricings):
    data = api.get(reverse("shopkit-cart")).json()
    # Once per line for the line's fields and the totals together.
    assert len(pricings) == 3
    first = next(i for i in data["items"] if i["product"] == priced_cart[0].pk)
    assert (first["original_unit_price"], first["unit_price"], first["line_total"]) == (
        "10.00",
        "5.00",
        "10.00",
    )
    assert (data["subtotal"], data["discount_total"], data["total"]) == ("60.00", "10.00", "50.00")


def test_cart_api_output_is_unchanged(api, user, priced_cart):
    body = api.get(reverse("shopkit-cart")).content.decode()
    cart = get_cart_service().get_cart(user, create=False)
    ids = [item.pk for item in get_cart_service().lines(cart)]
    lines = [
        (ids[0], priced_cart[0], "10.00", "5.00", "10.00"),
        (ids[1], priced_cart[1], "10.00", "10.00", "20.00"),
        (ids[2], priced_cart[2], "10.00", "10.00", "20.00"),
    ]
    items = ",".join(
        f'{{"id":{pk},"product":{p.pk},"product_name":"{p.name}","product_slug":"{p.slug}",'
        f'"quantity":2,"original_unit_price":"{o}","unit_price":"{u}","line_total":"{t}",'
        f'"tax_rate":"0.000","net_total":"{t}","tax_total":"0.00","gross_total":"{t}"}}'
        for pk, p, o, u, t in lines
    )
    assert body == (
        f'{{"id":{cart.pk},"items":[{items}],"item_count":6,"currency":"{settings.SHOPKIT_CURRENCY}",'
        '"subtotal":"60.00","discount_total":"10.00","shipping_method":null,'
        '"shipping_total":"0.00","shipping_tax":"0.00","tax_total":"0.00",'
        '"prices_include_tax":false,"total":"50.00"}'
    )


def test_single_line_responses_price_the_line_once(api, priced_cart, pricings):
    product = make_product(price="4.00", stock=5)
    added = api.post(reverse("shopkit-cart-item-list"), {"product": product.pk}, format="json")
    assert added.status_code == 201
    assert (added.json()["unit_price"], added.json()["line_total"]) == ("4.00", "4.00")
    assert len(pricings) == 1


def test_storefront_cart_and_checkout_price_each_line_once(user, priced_cart, pricings):
    client = Client()
    client.force_login(user)
    page = client.get(reverse("shopkit_orders:cart")).content.decode()
    assert len(pricings) == 3
    assert "<del>20.00</del> 10.00" in page  # the discounted line, list price struck out
    assert "50.00" in page  # the total
    pricings.clear()
    assert "50.00" in client.get(reverse("shopkit_orders:checkout")).content.decode()
    assert len(pricings) == 3
