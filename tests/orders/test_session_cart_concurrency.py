"""Session carts merged by concurrent logins, on PostgreSQL."""

import pytest
from django.db import connection

from django_shopkit.loading import get_cart_item_model, get_cart_model
from django_shopkit.orders.cart import SessionOwner
from django_shopkit.orders.services import get_cart_service
from tests.factories import make_product, make_user
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
