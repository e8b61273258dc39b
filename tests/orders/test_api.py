from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from django_shopkit.loading import get_cart_item_model, get_order_model, get_payment_model
from django_shopkit.orders.abstract_models import OrderStatus
from django_shopkit.orders.gateways.dummy import DummyGateway
from django_shopkit.orders.services import get_cart_service
from tests.factories import make_discount, make_product
from tests.orders.helpers import fill_cart, place_order, reload

pytestmark = pytest.mark.django_db

CART = "shopkit-cart"
CHECKOUT = "shopkit-checkout"


def item_url(item):
    return reverse("shopkit-cart-item-detail", args=[item.pk])


def order_url(order, action=None):
    if action:
        return reverse(f"shopkit-order-{action}", args=[order.pk])
    return reverse("shopkit-order-detail", args=[order.pk])


# -- Cart -------------------------------------------------------------------------------------


def test_cart_of_a_new_user_is_empty_and_not_created(api, user):
    response = api.get(reverse(CART))
    assert response.status_code == 200
    assert response.json()["items"] == []
    assert response.json()["total"] == "0.00"
    assert get_cart_service().get_cart(user, create=False) is None


def test_add_to_cart_then_increment(api, user):
    product = make_product(price="2.50", stock=10)
    url = reverse("shopkit-cart-item-list")
    first = api.post(url, {"product": product.pk, "quantity": 2}, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["quantity"] == 2
    again = api.post(url, {"product": product.pk}, format="json")
    assert again.status_code == 200
    assert again.json()["quantity"] == 3
    assert again.json()["line_total"] == "7.50"
    cart = api.get(reverse(CART)).json()
    assert cart["item_count"] == 3
    assert cart["total"] == "7.50"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"product": "x", "quantity": 1}, "valid integer"),
        ({"quantity": 1}, "required"),
        ({"product": 1, "quantity": 0}, "greater than or equal to 1"),
        ({"product": 1, "quantity": 1000}, "At most"),
    ],
)
def test_add_to_cart_rejects_bad_input(api, payload, message):
    response = api.post(reverse("shopkit-cart-item-list"), payload, format="json")
    assert response.status_code == 400
    assert message in str(response.json())


def test_add_to_cart_rejects_missing_product_and_too_many(api):
    product = make_product(name="Lamp", stock=1)
    url = reverse("shopkit-cart-item-list")
    missing = api.post(url, {"product": 999999}, format="json")
    assert missing.status_code == 400
    assert "does not exist" in missing.json()["detail"]
    too_many = api.post(url, {"product": product.pk, "quantity": 2}, format="json")
    assert too_many.status_code == 400
    assert "Lamp" in too_many.json()["detail"]


def test_patch_and_delete_a_line(api, user):
    product = make_product(stock=5)
    fill_cart(user, (product, 1))
    item = get_cart_item_model()._default_manager.get(cart__user=user)
    response = api.patch(item_url(item), {"quantity": 4}, format="json")
    assert response.status_code == 200
    assert reload(item).quantity == 4
    assert api.patch(item_url(item), {"quantity": 6}, format="json").status_code == 400
    assert api.patch(item_url(item), {"quantity": 0}, format="json").status_code == 400
    assert api.put(item_url(item), {"quantity": 2}, format="json").status_code == 405
    assert api.delete(item_url(item)).status_code == 204
    assert not get_cart_item_model()._default_manager.filter(pk=item.pk).exists()


def test_delete_cart_empties_it(api, user):
    fill_cart(user, (make_product(), 1), (make_product(), 2))
    assert api.delete(reverse(CART)).status_code == 204
    assert api.get(reverse(CART)).json()["items"] == []


def test_another_users_cart_item_is_a_404(api, other_api, user):
    fill_cart(user, (make_product(stock=5), 1))
    item = get_cart_item_model()._default_manager.get(cart__user=user)
    assert other_api.patch(item_url(item), {"quantity": 2}, format="json").status_code == 404
    assert other_api.delete(item_url(item)).status_code == 404
    assert reload(item).quantity == 1
    assert other_api.get(reverse(CART)).json()["items"] == []


@pytest.mark.parametrize(
    ("method", "name", "detail"),
    [
        ("post", CHECKOUT, False),
        ("get", "shopkit-order-list", False),
    ],
)
def test_anonymous_users_are_refused(db, method, name, detail):
    # The cart endpoints serve anonymous visitors a session cart (test_session_carts.py).
    response = getattr(APIClient(), method)(reverse(name))
    assert response.status_code in (401, 403)


def test_cart_detail_queries_do_not_grow_with_lines(api, user, django_assert_num_queries):
    products = [make_product(stock=5) for _ in range(5)]
    make_discount(products[0], percent="50")
    fill_cart(user, (products[0], 1))
    with django_assert_num_queries(2) as one:
        assert len(api.get(reverse(CART)).json()["items"]) == 1
    fill_cart(user, *[(p, 1) for p in products[1:]])
    with django_assert_num_queries(len(one.captured_queries)):
        data = api.get(reverse(CART)).json()
    assert len(data["items"]) == 5
    assert data["discount_total"] != "0.00"


def test_add_to_cart_query_budget(api, user, django_assert_max_num_queries):
    product = make_product(stock=5)
    fill_cart(user, (make_product(stock=5), 1))
    url = reverse("shopkit-cart-item-list")
    # New line in an existing cart: cart, product, line lookup, insert (+ savepoint pair).
    with django_assert_max_num_queries(6):
        assert api.post(url, {"product": product.pk}, format="json").status_code == 201
    # Increment, with session authentication counted too (session + user lookups).
    client = APIClient()
    client.force_login(user)
    with django_assert_max_num_queries(6):
        assert client.post(url, {"product": product.pk}, format="json").status_code == 200


def test_first_add_creating_the_cart_query_budget(api, django_assert_max_num_queries):
    product = make_product(stock=5)
    # 6 statements plus the SAVEPOINT/RELEASE pair that exists because the test runs inside a
    # transaction (in autocommit on PostgreSQL they are BEGIN/COMMIT, which are not queries).
    with django_assert_max_num_queries(8):
        response = api.post(reverse("shopkit-cart-item-list"), {"product": product.pk})
    assert response.status_code == 201


# -- Checkout ---------------------------------------------------------------------------------


def test_checkout_creates_the_order(api, user):
    product = make_product(price="9.99", stock=3)
    fill_cart(user, (product, 2))
    response = api.post(reverse(CHECKOUT))
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending"
    assert body["total"] == "19.98"
    assert body["items"][0]["quantity"] == 2
    assert reload(product).stock == 1
    assert api.get(reverse(CART)).json()["items"] == []


def test_checkout_with_idempotency_key_replays(api, user):
    product = make_product(stock=10)
    fill_cart(user, (product, 2))
    headers = {"Idempotency-Key": "3f1c-retry"}
    first = api.post(reverse(CHECKOUT), headers=headers)
    fill_cart(user, (product, 1))
    again = api.post(reverse(CHECKOUT), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert reload(product).stock == 8
    assert get_order_model()._default_manager.filter(user=user).count() == 1


@pytest.mark.parametrize("key", ["", "x" * 256])
def test_checkout_rejects_a_malformed_key(api, user, key):
    fill_cart(user, (make_product(), 1))
    response = api.post(reverse(CHECKOUT), headers={"Idempotency-Key": key})
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]


def test_checkout_errors_are_4xx_with_a_message(api, user):
    empty = api.post(reverse(CHECKOUT))
    assert empty.status_code == 400
    assert empty.json()["detail"] == "Your cart is empty."
    product = make_product(name="Scarf", stock=2)
    fill_cart(user, (product, 2))
    type(product)._default_manager.filter(pk=product.pk).update(stock=1)
    out = api.post(reverse(CHECKOUT))
    assert out.status_code == 409
    assert "Scarf" in out.json()["detail"]


def test_checkout_queries_grow_by_at_most_one_per_line(user):
    def measure(lines):
        products = [make_product(stock=10) for _ in range(lines)]
        fill_cart(user, *[(p, 1) for p in products])
        client = APIClient()
        client.force_authenticate(user)
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(reverse(CHECKOUT), headers={"Idempotency-Key": f"k{lines}"})
        assert response.status_code == 201
        return len(ctx.captured_queries)

    one, five = measure(1), measure(5)
    assert five - one <= 4 * 1, (one, five)  # one conditional stock UPDATE per extra line
    assert one <= 15, one


# -- Orders -----------------------------------------------------------------------------------


def test_order_list_and_detail_show_own_orders_only(api, other_api, user, other_user):
    mine = place_order(user, (make_product(), 1))
    theirs = place_order(other_user, (make_product(), 1))
    listing = api.get(reverse("shopkit-order-list")).json()
    assert [o["id"] for o in listing["results"]] == [mine.pk]
    assert api.get(order_url(mine)).json()["number"] == mine.number
    assert api.get(order_url(theirs)).status_code == 404


def test_pay_and_cancel_of_another_users_order_is_a_404(api, other_api, user):
    order = place_order(user, (make_product(), 1))
    assert other_api.post(order_url(order, "pay"), {"token": "tok_ok"}).status_code == 404
    assert other_api.post(order_url(order, "cancel")).status_code == 404
    assert reload(order).status == OrderStatus.PENDING
    assert DummyGateway.charges == {}


def test_order_list_and_detail_query_counts_are_constant(api, user, django_assert_num_queries):
    place_order(user, (make_product(), 1))
    with django_assert_num_queries(4):  # count, page, items, payments
        api.get(reverse("shopkit-order-list"))
    for _ in range(4):
        order = place_order(user, (make_product(), 2), (make_product(), 1))
        get_order_service_pay(order)
    with django_assert_num_queries(4):
        assert len(api.get(reverse("shopkit-order-list")).json()["results"]) == 5
    with django_assert_num_queries(3):  # order, items, payments
        assert len(api.get(order_url(order)).json()["items"]) == 2


# Pay: the attempt is recorded and committed in its own transaction before the provider call.
PAY_QUERIES = 15
CANCEL_QUERIES = 15  # + the attempts waiting for the buyer, cancelled first


def test_pay_and_cancel_query_counts(api, user, django_assert_num_queries):
    # get_object without prefetching, the service's queries, then one re-read of the order
    # with its lines and payments (2 queries): nothing is prefetched only to be dropped.
    order = place_order(user, (make_product(), 1), (make_product(), 1))
    with django_assert_num_queries(PAY_QUERIES):
        paid = api.post(order_url(order, "pay"), {"token": "tok_ok"}).json()
    assert (paid["status"], len(paid["items"]), len(paid["payments"])) == ("paid", 2, 1)
    order = place_order(user, (make_product(), 1), (make_product(), 1))
    with django_assert_num_queries(CANCEL_QUERIES):
        cancelled = api.post(order_url(order, "cancel")).json()
    assert (cancelled["status"], len(cancelled["items"])) == ("cancelled", 2)


def get_order_service_pay(order):
    from django_shopkit.orders.services import get_order_service

    get_order_service().process_payment(order, {})


def test_pay_flow(api, user):
    order = place_order(user, (make_product(price="4.00"), 1))
    declined = api.post(order_url(order, "pay"), {"token": "tok_decline"})
    assert declined.status_code == 402
    assert "declined" in declined.json()["detail"]
    timeout = api.post(order_url(order, "pay"), {"token": "tok_timeout"})
    assert timeout.status_code == 503
    paid = api.post(order_url(order, "pay"), {"token": "tok_ok"})
    assert paid.status_code == 200
    body = paid.json()
    assert body["status"] == "paid"
    assert [p["status"] for p in body["payments"]] == ["succeeded", "failed"]
    assert len(DummyGateway.charges) == 1
    again = api.post(order_url(order, "pay"), {"token": "tok_ok"})
    assert again.status_code == 409
    assert "cannot become paid" in again.json()["detail"]
    assert get_payment_model()._default_manager.filter(order=order).count() == 2


def test_pay_rejects_bad_input(api, user):
    order = place_order(user, (make_product(), 1))
    response = api.post(order_url(order, "pay"), {"return_url": "javascript:alert(1)"})
    assert response.status_code == 400
    assert "return_url" in response.json()
    response = api.post(order_url(order, "pay"), {"token": "x" * 256})
    assert response.status_code == 400
    assert "token" in response.json()
    assert get_payment_model().objects.count() == 0


def test_cancel_flow(api, user):
    product = make_product(stock=3)
    order = place_order(user, (product, 2))
    response = api.post(order_url(order, "cancel"))
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert reload(product).stock == 3
    again = api.post(order_url(order, "cancel"))
    assert again.status_code == 409
    assert api.post(order_url(order, "pay"), {"token": "tok_ok"}).status_code == 409


# -- Buy now ----------------------------------------------------------------------------------


def test_purchase_action(api, user):
    product = make_product(price="7.00", stock=2)
    url = reverse("shopkit-product-purchase", args=[product.pk])
    response = api.post(url, {"quantity": 2}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["total"] == "14.00"
    assert reload(product).stock == 0
    out = api.post(url, {"quantity": 1}, format="json")
    assert out.status_code == 409
    assert product.name in out.json()["detail"]
    assert api.post(url, {"quantity": 0}, format="json").status_code == 400
    missing = reverse("shopkit-product-purchase", args=[999999])
    assert api.post(missing, {"quantity": 1}, format="json").status_code == 404


def test_purchase_requires_login_and_honours_the_key(api, user):
    product = make_product(stock=5)
    url = reverse("shopkit-product-purchase", args=[product.pk])
    assert APIClient().post(url, {"quantity": 1}).status_code in (401, 403)
    headers = {"Idempotency-Key": "buy-1"}
    first = api.post(url, {"quantity": 1}, format="json", headers=headers)
    second = api.post(url, {"quantity": 1}, format="json", headers=headers)
    # A replay answers like checkout's: 200 with the order the key created.
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert reload(product).stock == 4
    assert Decimal(first.json()["total"]) == product.price


def test_failed_attempts_survive_atomic_requests(api, user, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", True)
    order = place_order(user, (make_product(price="4.00"), 1))
    declined = api.post(order_url(order, "pay"), {"token": "tok_decline"})
    assert declined.status_code == 402
    timeout = api.post(order_url(order, "pay"), {"token": "tok_timeout"})
    assert timeout.status_code == 503
    statuses = list(
        get_payment_model()
        ._default_manager.filter(order=order)
        .order_by("pk")
        .values_list("status")
    )
    assert statuses == [("failed",), ("processing",)]
    assert api.post(order_url(order, "pay"), {"token": "tok_ok"}).status_code == 200
    assert len(DummyGateway.charges) == 1
