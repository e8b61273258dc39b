from decimal import Decimal

import pytest
from django.test import override_settings

from django_shopkit.loading import get_cart_item_model, get_cart_model
from django_shopkit.orders.cart import CartService
from django_shopkit.orders.exceptions import InvalidQuantity, ProductUnavailable
from django_shopkit.orders.serializers import CartItemSerializer
from django_shopkit.orders.services import get_cart_service
from tests.factories import make_discount, make_product
from tests.orders.helpers import fill_cart

pytestmark = pytest.mark.django_db


def test_get_cart_creates_one_cart_per_user(user):
    service = get_cart_service()
    assert service.get_cart(user, create=False) is None
    first = service.get_cart(user)
    assert service.get_cart(user) == first
    assert get_cart_model()._default_manager.filter(user=user).count() == 1


def test_add_creates_a_line_then_increments_it(user):
    product = make_product(stock=10)
    service = get_cart_service()
    item, created = service.add(user, product.pk, 2)
    assert created
    item, created = service.add(user, product.pk, 3)
    assert not created
    assert item.quantity == 5
    assert get_cart_item_model()._default_manager.filter(cart__user=user).count() == 1


@pytest.mark.parametrize("quantity", [0, -1])
def test_add_refuses_a_quantity_below_one(user, quantity):
    with pytest.raises(InvalidQuantity, match="at least 1"):
        get_cart_service().add(user, make_product().pk, quantity)


def test_add_refuses_more_than_the_stock_counting_the_existing_line(user):
    product = make_product(name="Kettle", stock=3)
    service = get_cart_service()
    service.add(user, product.pk, 2)
    with pytest.raises(InvalidQuantity, match="Kettle"):
        service.add(user, product.pk, 2)
    assert get_cart_item_model()._default_manager.get(cart__user=user).quantity == 2


@override_settings(SHOPKIT_MAX_LINE_QUANTITY=4)
def test_add_refuses_more_than_the_line_maximum(user):
    product = make_product(stock=100)
    with pytest.raises(InvalidQuantity, match="At most 4"):
        get_cart_service().add(user, product.pk, 5)


def test_add_refuses_inactive_and_missing_products(user):
    inactive = make_product(is_active=False)
    with pytest.raises(ProductUnavailable):
        get_cart_service().add(user, inactive.pk, 1)
    with pytest.raises(ProductUnavailable):
        get_cart_service().add(user, 987654, 1)
    with pytest.raises(ProductUnavailable):
        get_cart_service().add(user, "not-an-id", 1)


def test_set_quantity_validates_and_saves(user):
    product = make_product(stock=5)
    item, _ = get_cart_service().add(user, product.pk, 1)
    get_cart_service().set_quantity(item, 4)
    assert get_cart_item_model()._default_manager.get(pk=item.pk).quantity == 4
    with pytest.raises(InvalidQuantity):
        get_cart_service().set_quantity(item, 6)
    with pytest.raises(InvalidQuantity):
        get_cart_service().set_quantity(item, 0)
    assert get_cart_item_model()._default_manager.get(pk=item.pk).quantity == 4


def test_remove_and_clear(user):
    a, b = make_product(), make_product()
    cart = fill_cart(user, (a, 1), (b, 1))
    service = get_cart_service()
    service.remove(get_cart_item_model()._default_manager.get(cart=cart, product=a))
    assert list(service.lines(cart).values_list("product_id", flat=True)) == [b.pk]
    assert service.clear(cart) == 1
    assert not service.lines(cart).exists()
    assert service.clear(None) == 0


def test_totals_apply_current_discounts_only(user):
    plain = make_product(price="10.00")
    discounted = make_product(price="19.99")
    make_discount(discounted, percent="25")
    cart = fill_cart(user, (plain, 2), (discounted, 1))
    service = get_cart_service()
    items = list(service.lines(cart))
    prices = service.price_lines(items)
    assert [item.line_price for item in items] == prices  # set on each line, in order
    assert [(p.original_unit_price, p.unit_price, p.quantity) for p in prices] == [
        (Decimal("10.00"), Decimal("10.00"), 2),
        (Decimal("19.99"), Decimal("14.99"), 1),
    ]
    totals = service.totals(prices)
    assert totals.subtotal == Decimal("39.99")
    assert totals.discount_total == Decimal("5.00")  # 19.99 * 0.25 = 4.9975 -> 5.00
    assert totals.total == Decimal("34.99")
    assert totals.quantity == 3


def test_a_line_whose_quantity_changed_after_pricing_is_priced_again(user):
    product = make_product(price="2.00", stock=9)
    cart = fill_cart(user, (product, 1))
    service = get_cart_service()
    (item,) = service.lines(cart)
    service.price_lines([item])
    service.set_quantity(item, 3)
    data = CartItemSerializer(item).data
    assert (data["quantity"], data["unit_price"], data["line_total"]) == (3, "2.00", "6.00")


def test_get_cart_service_honours_the_setting():
    with override_settings(SHOPKIT_CART_SERVICE=f"{__name__}.CustomCartService"):
        assert type(get_cart_service()) is CustomCartService


class CustomCartService(CartService):
    pass
