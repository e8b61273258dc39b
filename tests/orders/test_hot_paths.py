"""Work the checkout and cart paths must not repeat per line."""

import pytest
from django.urls import reverse

from django_shopkit.catalog import services as catalog_services
from django_shopkit.orders import serializers as order_serializers
from django_shopkit.orders.services import get_order_service
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


def test_cart_prices_each_line_once(api, user, monkeypatch):
    products = [make_product(price="10.00", stock=5) for _ in range(3)]
    make_discount(products[0], percent="50")
    fill_cart(user, *[(p, 2) for p in products])
    calls = []
    real = order_serializers.line_price
    monkeypatch.setattr(
        order_serializers, "line_price", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    items = api.get(reverse("shopkit-cart")).json()["items"]
    assert len(calls) == 3
    first = next(i for i in items if i["product"] == products[0].pk)
    assert (first["original_unit_price"], first["unit_price"], first["line_total"]) == (
        "10.00",
        "5.00",
        "10.00",
    )
