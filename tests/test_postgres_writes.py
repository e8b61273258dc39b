"""Product edits, admin saves and reviews racing checkouts never change the units sold.

On PostgreSQL: the invariant ``stock + units in orders holding stock == initial stock`` holds
whatever interleaving the server picks, and one interleaving is forced: a connection holds the
product's row lock while a checkout and then a PATCH queue behind it (PostgreSQL grants the
lock in queue order, so the checkout commits first and the PATCH, which read the product
before, writes after it).
"""

import threading
import time

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from django_shopkit.loading import get_order_item_model, get_product_model
from tests.catalog.test_admin import _change_form_data
from tests.factories import make_product, make_user
from tests.orders.helpers import fill_cart

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.urls_admin_api"),
]

INITIAL = 40


def sold(product):
    return (
        get_order_item_model()
        ._default_manager.filter(
            product=product, order__status__in=["pending", "paid", "fulfilled"]
        )
        .aggregate(total=Sum("quantity"))["total"]
        or 0
    )


def stock(product):
    return get_product_model()._default_manager.values_list("stock", flat=True).get(pk=product.pk)


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def in_thread(function, results, name):
    def run():
        try:
            results[name] = function()
        except Exception as exc:  # asserted on by the test
            results[name] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def wait_for_lock_waiters(count, timeout=10):
    """Block until ``count`` other sessions of this database wait for a lock."""
    deadline = time.monotonic() + timeout
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            (waiting,) = cursor.fetchone()
        if waiting >= count:
            return
        assert time.monotonic() < deadline, f"{waiting} sessions wait, expected {count}"
        time.sleep(0.02)  # polling pg_stat_activity


def test_patch_queued_behind_a_checkout_does_not_undo_it(postgres):
    owner, buyer = make_user(), make_user()
    product = make_product(created_by=owner, stock=INITIAL, price="20.00")
    fill_cart(buyer, (product, 3))
    holding, release = threading.Event(), threading.Event()
    results = {}

    def hold_row():
        with transaction.atomic():
            get_product_model()._default_manager.select_for_update().get(pk=product.pk)
            holding.set()
            release.wait(10)

    holder = in_thread(hold_row, results, "holder")
    assert holding.wait(10)
    checkout = in_thread(
        lambda: api_for(buyer).post(reverse("shopkit-checkout")).status_code, results, "checkout"
    )
    wait_for_lock_waiters(1)
    patch = in_thread(
        lambda: (
            api_for(owner)
            .patch(reverse("shopkit-product-detail", args=[product.pk]), {"description": "New"})
            .status_code
        ),
        results,
        "patch",
    )
    wait_for_lock_waiters(2)
    release.set()
    for thread in (holder, checkout, patch):
        thread.join(20)
        assert not thread.is_alive()
    assert (results["checkout"], results["patch"]) == (201, 200), results
    assert stock(product) + sold(product) == INITIAL
    assert stock(product) == INITIAL - 3
    assert get_product_model()._default_manager.get(pk=product.pk).description == "New"


def test_edits_admin_saves_and_reviews_racing_checkouts_keep_the_units(postgres):
    owner = make_user()
    staff = make_user(is_staff=True, is_superuser=True)
    product = make_product(created_by=owner, stock=INITIAL, price="20.00")
    buyers = [make_user() for _ in range(12)]
    for buyer in buyers:
        fill_cart(buyer, (product, 2))
    admin = Client()
    admin.force_login(staff)
    admin_url, admin_data = _change_form_data(admin, product)  # the page, loaded before
    barrier = threading.Barrier(len(buyers) + 8)
    results = {}

    def together(function):
        def run():
            barrier.wait(10)
            return function()

        return run

    detail = reverse("shopkit-product-detail", args=[product.pk])
    reviews = reverse("shopkit-product-reviews", args=[product.pk])
    work = {
        f"buy{n}": lambda b=b: api_for(b).post(reverse("shopkit-checkout")).status_code
        for n, b in enumerate(buyers)
    }
    for n in range(3):
        work[f"patch{n}"] = lambda n=n: (
            api_for(owner).patch(detail, {"description": f"Edit {n}", "price": "21.00"}).status_code
        )
    for n in range(2):
        work[f"admin{n}"] = lambda n=n: (
            admin.post(admin_url, {**admin_data, "description": f"Admin {n}"}).status_code
        )
    for n in range(3):
        work[f"review{n}"] = lambda: (
            api_for(make_user()).post(reviews, {"rating": 4, "comment": "ok"}).status_code
        )
    threads = [in_thread(together(f), results, name) for name, f in work.items()]
    for thread in threads:
        thread.join(30)
        assert not thread.is_alive()

    statuses = dict(results)
    assert all(statuses[f"buy{n}"] == 201 for n in range(len(buyers))), statuses
    assert all(statuses[f"patch{n}"] == 200 for n in range(3)), statuses
    assert all(statuses[f"admin{n}"] == 302 for n in range(2)), statuses
    assert all(statuses[f"review{n}"] == 201 for n in range(3)), statuses
    assert sold(product) == 2 * len(buyers)
    assert stock(product) + sold(product) == INITIAL
    fresh = get_product_model()._default_manager.get(pk=product.pk)
    assert fresh.review_count == 3
    assert str(fresh.average_rating) == "4.00"


def test_nul_bytes_never_reach_postgresql(postgres):
    user = make_user()
    api = api_for(user)
    product = make_product(created_by=user)
    response = api.post(
        reverse("shopkit-product-list"),
        {"name": "N", "price": "1.00", "category": product.category_id, "tags": ["a\x00"]},
        format="json",
    )
    assert response.status_code == 400
    response = api.patch(
        reverse("shopkit-product-detail", args=[product.pk]), {"name": "x\x00"}, format="json"
    )
    assert response.status_code == 400
    assert api.get(reverse("shopkit-product-list"), {"max_price": "1e-999999"}).status_code == 200
