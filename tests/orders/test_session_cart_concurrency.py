"""Session carts merged by concurrent logins, and guest checkouts racing, on PostgreSQL."""

import pytest
from django.db import connection
from django.test import override_settings

from django_shopkit.loading import get_cart_item_model, get_cart_model, get_order_model
from django_shopkit.orders.cart import SessionOwner
from django_shopkit.orders.exceptions import InsufficientStock
from django_shopkit.orders.services import CheckoutDetails, get_cart_service, get_order_service
from tests.factories import make_product, make_user
from tests.orders.helpers import reload
from tests.orders.test_concurrency import run_concurrently

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _on_postgres(postgres):
    assert connection.vendor == "postgresql"


def test_concurrent_logins_of_one_user_merge_into_one_cart():
    shared = make_product(stock=100)
    user = make_user()  # no cart yet: every merge races to create it
    service = get_cart_service()
    owners = [SessionOwner(f"{i:040d}") for i in range(6)]
    for index, owner in enumerate(owners):
        service.add(owner, shared.pk, 1)
        service.add(owner, make_product(name=f"Only in session {index}").pk, 2)
    results = run_concurrently([lambda o=o: service.merge(o, user) for o in owners])
    assert [r[0] for r in results] == ["ok"] * len(owners), results
    user_carts = get_cart_model()._default_manager.filter(user=user)
    assert user_carts.count() == 1
    assert not get_cart_model()._default_manager.filter(user__isnull=True).exists()
    lines = {
        i.product_id: i.quantity
        for i in get_cart_item_model()._default_manager.filter(cart=user_carts.get())
    }
    assert lines.pop(shared.pk) == len(owners)  # no unit lost, none counted twice
    assert sorted(lines.values()) == [2] * len(owners)


def test_one_session_merged_by_two_logins_at_once_moves_its_lines_once():
    product = make_product(stock=50)
    user = make_user()
    owner = SessionOwner("e" * 40)
    get_cart_service().add(owner, product.pk, 3)
    results = run_concurrently([lambda: get_cart_service().merge(owner, user)] * 2)
    assert sorted(r[1].merged for r in results) == [0, 1], results
    item = get_cart_item_model()._default_manager.get()
    assert (item.cart.user_id, item.quantity) == (user.pk, 3)


@override_settings(SHOPKIT_GUEST_CHECKOUT=True)
def test_forty_concurrent_guests_on_stock_ten_make_ten_orders():
    product = make_product(stock=10)
    service = get_cart_service()
    owners = [SessionOwner(f"guest{i:035d}") for i in range(40)]
    for owner in owners:
        service.add(owner, product.pk, 1)
    details = CheckoutDetails(email="guest@example.com")
    results = run_concurrently(
        [lambda o=o: get_order_service().checkout(o, details=details) for o in owners],
        timeout=60,
    )
    placed = [r[1][0] for r in results if r[0] == "ok"]
    refused = [r[1] for r in results if r[0] == "error"]
    assert len(placed) == 10
    assert all(isinstance(e, InsufficientStock) for e in refused), refused
    assert len(refused) == 30
    assert reload(product).stock == 0
    orders = get_order_model()._default_manager.all()
    assert orders.count() == 10
    assert not orders.filter(user__isnull=False).exists()


@override_settings(SHOPKIT_GUEST_CHECKOUT=True)
def test_a_guests_retries_with_one_key_make_one_order():
    product = make_product(stock=10)
    owner = SessionOwner("retry" + "0" * 35)
    get_cart_service().add(owner, product.pk, 2)
    details = CheckoutDetails(email="guest@example.com")
    results = run_concurrently(
        [lambda: get_order_service().checkout(owner, "same-key", details=details)] * 6
    )
    assert [r[0] for r in results] == ["ok"] * 6, results
    assert len({r[1][0].pk for r in results}) == 1
    assert sum(r[1][1] for r in results) == 1  # created once
    assert reload(product).stock == 8
