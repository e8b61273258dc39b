"""Query budgets of the write hot paths, counted as production runs them.

``transaction=True``: each request's ``atomic()`` blocks are real BEGIN/COMMIT (which are not
queries) instead of the SAVEPOINT/RELEASE pairs they become inside a test transaction; a
savepoint nested in a real transaction still counts. The client is force-authenticated, so no
session or user lookup is counted.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import make_product, make_user
from tests.orders.helpers import fill_cart

pytestmark = pytest.mark.django_db(transaction=True)

CHECKOUT_ONE_LINE_BUDGET = 12


def counted(queries):
    """Return the statements of a capture, without the transaction's own BEGIN and COMMIT."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].split(" ")[0].upper() not in ("BEGIN", "COMMIT")
    ]


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def checkout_queries(lines, key=None, body=None):
    user = make_user()
    fill_cart(user, *[(make_product(price="20.00", stock=5), 1) for _ in range(lines)])
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    if callable(body):
        body = body(user)
    with CaptureQueriesContext(connection) as queries:
        response = client_for(user).post(
            reverse("shopkit-checkout"), body, format="json", **headers
        )
    assert response.status_code == 201, response.json()
    assert len(response.json()["items"]) == lines
    return counted(queries)


@pytest.mark.parametrize("key", [None, "order-1"])
def test_checkout_budget_and_one_more_query_per_line(key):
    one = checkout_queries(1, key)
    assert len(one) <= CHECKOUT_ONE_LINE_BUDGET, "\n".join(one)
    assert len(checkout_queries(2, key)) == len(one) + 1
    assert len(checkout_queries(4, key)) == len(one) + 3


def test_checkout_reads_the_cart_and_the_key_once():
    queries = checkout_queries(1, key="order-2")
    from django_shopkit.loading import get_cart_model

    cart_table = f'FROM "{get_cart_model()._meta.db_table}"'
    assert sum(cart_table in q for q in queries) == 1
    key_lookups = [
        q
        for q in queries
        if q.startswith("SELECT") and "idempotency_key" in q.partition("WHERE")[2]
    ]
    assert len(key_lookups) == 1
    # The confirmation e-mail (on commit, which runs here) and the response share one read.
    from django_shopkit.loading import get_order_item_model

    items_table = f'FROM "{get_order_item_model()._meta.db_table}"'
    assert sum(q.startswith("SELECT") and items_table in q for q in queries) == 1


def test_add_to_cart_budget_includes_the_users_first_add():
    product, other = make_product(stock=5), make_product(stock=5)
    user = make_user()
    client = client_for(user)
    url = reverse("shopkit-cart-item-list")
    for target, expected_status in ((product, 201), (product, 200), (other, 201)):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, {"product": target.pk}, format="json")
        assert response.status_code == expected_status
        assert len(counted(queries)) <= 6, "\n".join(counted(queries))


def own_address(user):
    """Return a checkout body naming a new address of ``user``'s book."""
    from django_shopkit.loading import get_address_model

    address = get_address_model()._default_manager.create(
        user=user, name="Ada", line1="1 Road", city="Berlin", country="DE"
    )
    return {"shipping_address_id": address.pk}


INLINE = {"shipping_address": {"name": "Ada", "line1": "1 Road", "city": "Berlin", "country": "DE"}}


@pytest.mark.parametrize("body", [own_address, INLINE], ids=["address-id", "inline"])
def test_checkout_with_an_address_keeps_the_budget(body):
    one = checkout_queries(1, "order-3", body)
    assert len(one) <= CHECKOUT_ONE_LINE_BUDGET, "\n".join(one)
    assert len(checkout_queries(3, "order-3", body)) == len(one) + 2


def test_checkout_with_shipping_keeps_the_budget():
    from django.test import override_settings

    methods = [{"class": "django_shopkit.orders.shipping.FlatRateShipping", "code": "std"}]
    body = {**INLINE, "shipping_method": "std"}
    with override_settings(SHOPKIT_SHIPPING_METHODS=methods):
        one = checkout_queries(1, "order-4", body)
        assert len(one) <= CHECKOUT_ONE_LINE_BUDGET, "\n".join(one)
        assert len(checkout_queries(3, "order-4", body)) == len(one) + 2


def guest_checkout_queries(lines):
    from django.test import override_settings

    client = APIClient()  # anonymous: a session cart
    for _ in range(lines):
        product = make_product(price="20.00", stock=5)
        client.post(reverse("shopkit-cart-item-list"), {"product": product.pk}, format="json")
    body = {**INLINE, "email": "guest@example.com"}
    with override_settings(SHOPKIT_GUEST_CHECKOUT=True), CaptureQueriesContext(connection) as q:
        response = client.post(
            reverse("shopkit-checkout"), body, format="json", HTTP_IDEMPOTENCY_KEY="guest-1"
        )
    assert response.status_code == 201, response.json()
    # The session is read (and saved) by the session middleware: not checkout's own work.
    return [s for s in counted(q) if "django_session" not in s]


def test_guest_checkout_keeps_the_users_budget():
    one = guest_checkout_queries(1)
    assert len(one) <= CHECKOUT_ONE_LINE_BUDGET, "\n".join(one)
    assert len(guest_checkout_queries(3)) == len(one) + 2
