"""Checkout, stock and payment under concurrent requests, on PostgreSQL.

Each thread has its own database connection (Django's are per thread) and closes it at the
end; a barrier releases all threads at once so their transactions really overlap.
"""

import threading
import time
from collections import Counter
from typing import ClassVar

import pytest
from django.db import connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from django_shopkit.loading import (
    get_order_item_model,
    get_order_model,
    get_payment_event_model,
    get_payment_model,
)
from django_shopkit.orders import signals
from django_shopkit.orders.exceptions import InsufficientStock, PaymentActionRequired
from django_shopkit.orders.gateways.dummy import SIGNATURE_HEADER, DummyGateway
from django_shopkit.orders.services import get_cart_service, get_order_service
from tests.factories import make_product, make_user
from tests.orders.helpers import fill_cart, reload

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_concurrently(functions, timeout=30):
    """Run each function in its own thread, all started together; return results in order."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def worker(index, function):
        try:
            barrier.wait()
            results[index] = ("ok", function())
        except Exception as exc:  # recorded and asserted on by the test
            results[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a thread hung (deadlock?)"
    return results


def checkout(user, key=None):
    def call():
        cart = get_cart_service().get_cart(user, create=False)
        return get_order_service().place_order(user, cart, idempotency_key=key)

    return call


def errors_by_type(results):
    return Counter(type(value).__name__ for kind, value in results if kind == "error")


def test_forty_buyers_for_ten_units(postgres):
    product = make_product(stock=10)
    users = [make_user() for _ in range(40)]
    for user in users:
        fill_cart(user, (product, 1))

    results = run_concurrently([checkout(user) for user in users])

    assert errors_by_type(results) == {"InsufficientStock": 30}, results
    errors = [value for kind, value in results if kind == "error"]
    assert all(isinstance(e, InsufficientStock) and product.name in str(e) for e in errors)
    assert sum(kind == "ok" for kind, _ in results) == 10
    assert get_order_model()._default_manager.count() == 10
    assert reload(product).stock == 0
    # The 30 losers keep their carts; the 10 winners' carts are empty.
    assert get_cart_service().lines(None).count() == 0
    remaining = sum(
        get_cart_service().lines(get_cart_service().get_cart(u, create=False)).count()
        for u in users
    )
    assert remaining == 30


def test_carts_in_opposite_orders_neither_deadlock_nor_oversell(postgres):
    a, b, c = make_product(stock=6), make_product(stock=6), make_product(stock=4)
    forward = [make_user() for _ in range(8)]
    backward = [make_user() for _ in range(8)]
    for user in forward:
        fill_cart(user, (a, 1), (b, 1), (c, 1))
    for user in backward:
        fill_cart(user, (c, 1), (b, 1), (a, 1))

    results = run_concurrently([checkout(u) for u in forward + backward])

    assert set(errors_by_type(results)) <= {"InsufficientStock"}, results
    orders = get_order_model()._default_manager.all()
    assert orders.count() == 4  # c has 4 units
    assert (reload(a).stock, reload(b).stock, reload(c).stock) == (2, 2, 0)
    for order in orders:  # all or nothing: every order has its three lines
        assert get_order_item_model()._default_manager.filter(order=order).count() == 3


def test_same_checkout_twice_at_once_with_one_key(postgres):
    product = make_product(stock=10)
    user = make_user()
    fill_cart(user, (product, 2))

    results = run_concurrently([checkout(user, key="double-click")] * 6)

    assert errors_by_type(results) == {}, results
    orders = {value[0].pk for _, value in results}
    assert len(orders) == 1
    assert sorted(value[1] for _, value in results) == [False] * 5 + [True]
    assert get_order_model()._default_manager.count() == 1
    assert reload(product).stock == 8


def test_same_buy_now_twice_at_once_with_one_key(postgres):
    product = make_product(stock=1)
    user = make_user()

    def buy():
        return get_order_service().purchase(product, user, 1, idempotency_key="k")

    results = run_concurrently([buy] * 4)

    assert errors_by_type(results) == {}, results
    assert len({value.pk for _, value in results}) == 1
    assert reload(product).stock == 0


class SlowGateway(DummyGateway):
    """Holds each provider call long enough for concurrent requests to overlap with it."""

    delay = 0.3

    def start_payment(self, payment, payment_data, return_url=""):
        time.sleep(self.delay)
        return super().start_payment(payment, payment_data, return_url)


def _order(stock=3):
    user = make_user()
    fill_cart(user, (make_product(stock=stock), 1))
    return user, get_order_service().create_order(user, get_cart_service().get_cart(user))


def test_ten_concurrent_pay_requests_capture_once(postgres, settings):
    settings.SHOPKIT_PAYMENT_GATEWAY = f"{__name__}.SlowGateway"
    user, order = _order()
    url = reverse("shopkit-order-pay", args=[order.pk])

    def pay():
        # One client per thread: the test client is not thread-safe.
        own = APIClient()
        own.force_authenticate(user)
        return own.post(url, {"token": "tok_ok"}).status_code

    results = run_concurrently([pay] * 10)

    codes = Counter(value for kind, value in results if kind == "ok")
    assert sum(codes.values()) == 10, results
    # Those that shared the first attempt answer 200; those that came after it was captured
    # find the order paid (409). Never a second attempt, never a second charge.
    assert set(codes) <= {200, 409}, codes
    assert codes[200] >= 1
    assert len(DummyGateway.charges) == 1
    payments = get_payment_model().objects.filter(order=order)
    assert [p.status for p in payments] == ["succeeded"]
    assert reload(order).status == "paid"


def test_webhook_racing_the_return_captures_once(postgres):
    _user, order = _order()
    service = get_order_service()
    with pytest.raises(PaymentActionRequired) as excinfo:
        service.process_payment(order, {"token": "tok_3ds"})
    payment = excinfo.value.payment
    DummyGateway.complete(payment.action["client_secret"], approve=True)
    body, signature = DummyGateway.webhook(payment.idempotency_key)
    paid = []
    receiver = lambda **kwargs: paid.append(kwargs["order"].pk)  # noqa: E731
    signals.order_paid.connect(receiver)
    try:

        def webhook():
            gateway = service.get_gateway()
            return service.handle_events(
                gateway, gateway.parse_webhook(body, {SIGNATURE_HEADER: signature})
            )

        def buyer_returns():
            return (
                get_order_service()
                .refresh_payment(get_payment_model().objects.get(pk=payment.pk))
                .status
            )

        results = run_concurrently([webhook, buyer_returns] * 3)
    finally:
        signals.order_paid.disconnect(receiver)

    assert errors_by_type(results) == {}, results
    assert [p.status for p in get_payment_model().objects.filter(order=order)] == ["succeeded"]
    assert reload(order).status == "paid"
    assert paid == [order.pk]  # order_paid sent once
    assert get_payment_event_model().objects.count() == 1  # one event id, stored once


class OneSlowOrderGateway(DummyGateway):
    """Takes ``delay`` seconds to answer for the orders in ``slow_orders``, at once for others."""

    delay = 1.5
    slow_orders: ClassVar[set] = set()

    def start_payment(self, payment, payment_data, return_url=""):
        if payment.order_id in self.slow_orders:
            time.sleep(self.delay)
        return super().start_payment(payment, payment_data, return_url)


def test_slow_gateway_does_not_block_other_orders(postgres, settings):
    settings.SHOPKIT_PAYMENT_GATEWAY = f"{__name__}.OneSlowOrderGateway"
    _slow_user, slow_order = _order()
    _user, other_order = _order()
    OneSlowOrderGateway.slow_orders = {slow_order.pk}
    timings = {}

    def pay(order, key):
        def call():
            started = time.monotonic()
            fresh = get_order_model().objects.get(pk=order.pk)
            get_order_service().process_payment(fresh, {"token": "tok_ok"})
            timings[key] = time.monotonic() - started

        return call

    def meanwhile():
        time.sleep(0.3)  # the slow call is in flight now
        started = time.monotonic()
        # The slow order's row is not locked: NOWAIT would raise if it were.
        with transaction.atomic():
            get_order_model().objects.select_for_update(nowait=True).get(pk=slow_order.pk)
        timings["lock_slow_order"] = time.monotonic() - started
        pay(other_order, "other")()
        timings["other_done_at"] = time.monotonic()

    results = run_concurrently([pay(slow_order, "slow"), meanwhile])
    finished = time.monotonic()

    assert errors_by_type(results) == {}, results
    assert timings["slow"] >= OneSlowOrderGateway.delay
    # Blocked behind the slow call, the other payment would take over a second; it takes a
    # few queries' time, and ends while the slow call is still running.
    assert timings["other"] < 0.8, timings
    assert finished - timings["other_done_at"] > 0.2, timings
    assert reload(slow_order).status == reload(other_order).status == "paid"


def test_concurrent_adds_of_one_product_lose_no_unit(postgres):
    product = make_product(stock=50)
    user = make_user()

    def add():
        return get_cart_service().add(user, product.pk, 1)

    results = run_concurrently([add] * 10)

    assert errors_by_type(results) == {}, results
    (line,) = get_cart_service().lines(get_cart_service().get_cart(user, create=False))
    assert line.quantity == 10
    assert sum(created for _, (_, created) in results) == 1
