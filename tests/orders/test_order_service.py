from datetime import timedelta
from decimal import Decimal
from typing import ClassVar

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from django_shopkit.catalog.services import OutOfStock
from django_shopkit.loading import get_order_item_model, get_order_model, get_product_model
from django_shopkit.orders import signals
from django_shopkit.orders.abstract_models import OrderStatus
from django_shopkit.orders.exceptions import (
    EmptyCart,
    InsufficientStock,
    InvalidQuantity,
    InvalidTransition,
    OrderError,
    ProductUnavailable,
)
from django_shopkit.orders.pricing import unit_price
from django_shopkit.orders.services import (
    ALLOWED_TRANSITIONS,
    CartService,
    OrderService,
    get_cart_service,
    get_order_service,
)
from tests.factories import make_discount, make_product, make_user
from tests.orders.helpers import fill_cart, order_count, place_order, reload

pytestmark = pytest.mark.django_db


def test_create_order_snapshots_prices_reserves_stock_and_empties_the_cart(user):
    mug = make_product(name="Mug", price="12.00", stock=5)
    tea = make_product(name="Tea", price="4.50", stock=9)
    make_discount(tea, percent="10")
    cart = fill_cart(user, (mug, 2), (tea, 3))

    order = get_order_service().create_order(user, cart)

    assert order.status == OrderStatus.PENDING
    assert order.user == user
    assert order.email == user.email
    assert (order.subtotal, order.discount_total, order.total) == (
        Decimal("37.50"),
        Decimal("1.35"),
        Decimal("36.15"),
    )
    items = {i.product_name: i for i in get_order_item_model()._default_manager.filter(order=order)}
    assert items["Tea"].unit_price == Decimal("4.05")
    assert items["Tea"].original_unit_price == Decimal("4.50")
    assert items["Tea"].line_total == Decimal("12.15")
    assert items["Mug"].product_slug == mug.slug
    assert reload(mug).stock == 3
    assert reload(tea).stock == 6
    assert not cart.items.exists()


def test_order_keeps_its_lines_when_the_product_is_deleted(user):
    product = make_product(name="Gone")
    order = place_order(user, (product, 1))
    get_order_item_model()._default_manager.filter(order=order).update(product=None)
    product.delete()
    item = get_order_item_model()._default_manager.get(order=order)
    assert item.product_id is None
    assert item.product_name == "Gone"


def test_empty_or_missing_cart_raises(user):
    with pytest.raises(EmptyCart):
        get_order_service().create_order(user, None)
    empty_cart = get_cart_service().get_cart(user)
    with pytest.raises(EmptyCart, match="empty"):
        get_order_service().create_order(user, empty_cart)
    assert order_count() == 0


def test_out_of_stock_line_fails_the_whole_order(user):
    plenty = make_product(stock=10)
    scarce = make_product(name="Scarce", stock=2)
    cart = fill_cart(user, (plenty, 3), (scarce, 2))
    get_product_model()._default_manager.filter(pk=scarce.pk).update(stock=1)  # someone bought one

    with pytest.raises(InsufficientStock, match="Scarce") as excinfo:
        get_order_service().create_order(user, cart)

    assert excinfo.value.product_id == scarce.pk
    assert isinstance(excinfo.value, OutOfStock)  # callers catching the catalog's error
    assert isinstance(excinfo.value, OrderError)  # ... or the orders app's errors
    assert excinfo.value.code == "out_of_stock"
    assert excinfo.value.message == str(excinfo.value)
    assert excinfo.value.message == "Only 1 of “Scarce” left in stock; 2 requested."
    assert order_count() == 0
    assert reload(plenty).stock == 10
    assert reload(scarce).stock == 1
    assert cart.items.count() == 2  # the cart is kept for the buyer to fix


def test_product_deactivated_after_adding_fails_the_order(user):
    product = make_product(name="Retired")
    cart = fill_cart(user, (product, 1))
    get_product_model()._default_manager.filter(pk=product.pk).update(is_active=False)
    with pytest.raises(ProductUnavailable, match="Retired"):
        get_order_service().create_order(user, cart)
    assert order_count() == 0


def test_idempotency_key_returns_the_same_order_and_reserves_nothing(user):
    product = make_product(stock=10)
    first = place_order(user, (product, 2), key="abc")
    # Same key, different cart: the first order comes back (documented choice).
    again = place_order(user, (product, 5), key="abc")
    assert again.pk == first.pk
    assert reload(product).stock == 8
    order, created = get_order_service().place_order(user, None, idempotency_key="abc")
    assert (order.pk, created) == (first.pk, False)
    assert order_count() == 1


def test_idempotency_keys_are_per_user(user, other_user):
    product = make_product(stock=10)
    mine = place_order(user, (product, 1), key="same")
    theirs = place_order(other_user, (product, 1), key="same")
    assert mine.pk != theirs.pk


def test_purchase_buys_one_product_without_touching_the_cart(user):
    product = make_product(price="3.00", stock=4)
    other = make_product()
    cart = fill_cart(user, (other, 1))
    order = get_order_service().purchase(product, user, 2)
    assert order.total == Decimal("6.00")
    assert reload(product).stock == 2
    assert cart.items.count() == 1
    with pytest.raises(InsufficientStock):
        get_order_service().purchase(product, user, 3)
    with pytest.raises(InvalidQuantity):
        get_order_service().purchase(product, user, 0)
    replay = get_order_service().purchase(product, user, 1, idempotency_key="k")
    assert get_order_service().purchase(product, user, 1, idempotency_key="k").pk == replay.pk
    assert reload(product).stock == 1


def test_place_purchase_says_whether_the_order_is_new(user):
    product = make_product(stock=4)
    service = get_order_service()
    first, created = service.place_purchase(product, user, 1, idempotency_key="k")
    assert created
    again, created = service.place_purchase(product, user, 2, idempotency_key=" k ")
    assert (again.pk, created) == (first.pk, False)
    assert service.place_purchase(product, user, 1)[1]  # no key: always a new order
    assert reload(product).stock == 2
    assert order_count() == 2


def test_checkout_goes_through_the_cart_service(user):
    kept, skipped = make_product(stock=5), make_product(stock=5)
    cart = fill_cart(user, (kept, 1), (skipped, 1))
    SkippingCartService.cleared.clear()
    with override_settings(SHOPKIT_CART_SERVICE=f"{__name__}.SkippingCartService"):
        order = get_order_service().create_order(user, cart)
    assert [i.product_id for i in get_order_item_model()._default_manager.filter(order=order)] == [
        kept.pk
    ]
    assert SkippingCartService.cleared == [cart.pk]
    assert (reload(kept).stock, reload(skipped).stock) == (4, 5)


class SkippingCartService(CartService):
    """Checks out only the first line and records what it empties."""

    cleared: ClassVar[list[int]] = []

    def lines(self, cart):
        return super().lines(cart)[:1]

    def clear(self, cart):
        type(self).cleared.append(cart.pk)
        return super().clear(cart)


def test_checkout_of_a_cart_that_is_not_the_users_places_nothing(user, other_user):
    product = make_product(stock=5)
    theirs = fill_cart(other_user, (product, 1))
    fill_cart(user, (product, 1))
    with pytest.raises(EmptyCart):
        get_order_service().create_order(user, theirs)
    assert order_count() == 0
    assert theirs.items.count() == 1
    assert reload(product).stock == 5


def test_unit_price_applies_the_discount_current_at_now():
    product = make_product(price="10.00")
    now = timezone.now()
    make_discount(product, percent="50", starts_at=now, ends_at=now + timedelta(days=1))
    product = reload(product)
    assert unit_price(product, now) == Decimal("5.00")
    assert unit_price(product, now - timedelta(seconds=1)) == Decimal("10.00")
    assert unit_price(product, now + timedelta(days=1)) == Decimal("10.00")
    assert unit_price(make_product(price="3.00")) == Decimal("3.00")  # no discount at all


def test_cancel_releases_stock(user):
    product = make_product(stock=5)
    order = place_order(user, (product, 3))
    get_order_service().cancel(order)
    assert order.status == OrderStatus.CANCELLED
    assert reload(order).cancelled_at is not None
    assert reload(product).stock == 5


def test_cancel_skips_lines_whose_product_was_deleted(user):
    product = make_product(stock=5)
    order = place_order(user, (product, 1))
    get_order_item_model()._default_manager.filter(order=order).update(product=None)
    get_order_service().cancel(order)
    assert reload(order).status == OrderStatus.CANCELLED


def test_fulfil_and_refund(user):
    order = place_order(user, (make_product(price="5.00"), 1))
    service = get_order_service()
    payment = service.process_payment(order, {"token": "tok_ok"})
    service.fulfil(order)
    assert reload(order).status == OrderStatus.FULFILLED
    refund = service.refund(order)
    assert refund.payment_id == payment.pk
    assert refund.amount == payment.amount
    assert reload(order).status == OrderStatus.REFUNDED
    assert reload(payment).status == "refunded"


def _order_in(user, status):
    order = place_order(user, (make_product(), 1))
    get_order_model()._default_manager.filter(pk=order.pk).update(status=status)
    return reload(order)


ACTIONS = {
    OrderStatus.PAID: lambda s, o: s.process_payment(o, {"token": "tok_ok"}),
    OrderStatus.CANCELLED: lambda s, o: s.cancel(o),
    OrderStatus.FULFILLED: lambda s, o: s.fulfil(o),
    OrderStatus.REFUNDED: lambda s, o: s.refund(o),
}
DISALLOWED = [
    (current, target)
    for current in OrderStatus.values
    for target in ACTIONS
    if target not in ALLOWED_TRANSITIONS[current]
]


@pytest.mark.parametrize(("current", "target"), DISALLOWED)
def test_every_disallowed_transition_raises_and_writes_nothing(user, current, target):
    order = _order_in(user, current)
    with pytest.raises(InvalidTransition, match=order.number) as excinfo:
        ACTIONS[target](get_order_service(), order)
    assert excinfo.value.current == current
    assert reload(order).status == current


def test_disallowed_list_covers_the_state_machine():
    # pending->fulfilled/refunded, paid->paid/cancelled, fulfilled->4, cancelled->4, refunded->4
    assert len(DISALLOWED) == 2 + 2 + 3 + 4 + 4


def test_refund_without_payment_is_refused(user):
    order = _order_in(user, OrderStatus.PAID)
    with pytest.raises(InvalidTransition, match="no payment"):
        get_order_service().refund(order)


def test_signals_are_sent_after_commit_only(user, django_capture_on_commit_callbacks):
    received = []

    def receiver(signal, sender, order, **kwargs):
        received.append((signal, order.pk))

    for signal in (signals.order_placed, signals.order_paid, signals.order_cancelled):
        signal.connect(receiver)
    try:
        product = make_product()
        with django_capture_on_commit_callbacks(execute=True):
            order = place_order(user, (product, 1))
        assert received == [(signals.order_placed, order.pk)]
        with django_capture_on_commit_callbacks(execute=True):
            get_order_service().process_payment(order, {})
        assert received[-1] == (signals.order_paid, order.pk)
        second = place_order(user, (product, 1))
        with django_capture_on_commit_callbacks(execute=True):
            get_order_service().cancel(second)
        assert received[-1] == (signals.order_cancelled, second.pk)
        # Rolled back: no signal.
        count = len(received)
        third = place_order(user, (product, 1))
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    get_order_service().cancel(third)
                    raise RuntimeError
            except RuntimeError:
                pass
        assert callbacks == []
        assert len(received) == count
    finally:
        for signal in (signals.order_placed, signals.order_paid, signals.order_cancelled):
            signal.disconnect(receiver)


def test_get_order_service_honours_the_setting():
    with override_settings(SHOPKIT_ORDER_SERVICE=f"{__name__}.CustomOrderService"):
        assert type(get_order_service()) is CustomOrderService


class CustomOrderService(OrderService):
    pass


def test_order_numbers_are_unique_and_not_sequential(user):
    product = make_product(stock=50)
    numbers = {place_order(make_user(), (product, 1)).number for _ in range(5)}
    assert len(numbers) == 5
    assert all(n.startswith("SK-") and len(n) == 17 for n in numbers)


def test_fulfilled_and_refunded_signals(user, django_capture_on_commit_callbacks):
    received = []

    def receiver(signal, sender, order, **kwargs):
        assert sender is get_order_model()
        received.append((signal, order.pk, kwargs.get("payment")))

    signals.order_fulfilled.connect(receiver)
    signals.order_refunded.connect(receiver)
    try:
        order = place_order(user, (make_product(), 1))
        payment = get_order_service().process_payment(order, {})
        with django_capture_on_commit_callbacks(execute=True):
            get_order_service().fulfil(order)
        assert received == [(signals.order_fulfilled, order.pk, None)]
        with django_capture_on_commit_callbacks(execute=True):
            get_order_service().refund(order)
        assert received[-1][:2] == (signals.order_refunded, order.pk)
        assert received[-1][2].pk == payment.pk
    finally:
        signals.order_fulfilled.disconnect(receiver)
        signals.order_refunded.disconnect(receiver)
