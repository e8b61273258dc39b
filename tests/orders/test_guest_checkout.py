"""Guest checkout: anonymous visitors buy with an e-mail address and reach the order by link."""

import re

import pytest
from django.core import mail, signing
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from django_shopkit.loading import get_order_model
from django_shopkit.orders.abstract_models import OrderStatus
from django_shopkit.orders.guests import make_guest_token
from django_shopkit.orders.services import get_order_service
from tests.factories import make_product
from tests.orders.helpers import place_order, reload

pytestmark = pytest.mark.django_db

guests = override_settings(SHOPKIT_GUEST_CHECKOUT=True)
ADDRESS = {"name": "Grace Hopper", "line1": "1 Navy Way", "city": "Arlington", "country": "US"}


def guest_with(*lines):
    client = APIClient()
    for product, quantity in lines:
        response = client.post(
            reverse("shopkit-cart-item-list"),
            {"product": product.pk, "quantity": quantity},
            format="json",
        )
        assert response.status_code == 201
    return client


def checkout(client, key=None, **body):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    data = {"email": "grace@example.com", "shipping_address": ADDRESS, **body}
    return client.post(reverse("shopkit-checkout"), data, format="json", **headers)


def test_guest_checkout_is_off_by_default():
    client = guest_with((make_product(), 1))
    assert checkout(client).status_code in (401, 403)
    assert not get_order_model()._default_manager.exists()


@guests
def test_a_guest_checks_out_with_an_email_and_gets_a_signed_link(
    django_capture_on_commit_callbacks,
):
    product = make_product(price="15.00", stock=4)
    client = guest_with((product, 2))
    with django_capture_on_commit_callbacks(execute=True):
        response = checkout(client)
    assert response.status_code == 201, response.json()
    order = get_order_model()._default_manager.get()
    assert (order.user_id, order.email, order.total) == (None, "grace@example.com", 30)
    assert order.shipping_address["name"] == "Grace Hopper"
    assert reload(product).stock == 2
    assert client.get(reverse("shopkit-cart")).json()["items"] == []  # the cart was emptied
    (message,) = mail.outbox
    assert message.to == ["grace@example.com"]
    link = re.search(r"http://testserver(\S+)", message.body).group(1)
    assert order.number not in link.rsplit("/", 2)[-2]  # a token, not the number
    # The link's page is the storefront's; the API reads the same token.
    token = link.rstrip("/").rsplit("/", 1)[1]
    stranger = APIClient()  # another browser: the link alone is enough
    body = stranger.get(reverse("shopkit-guest-order", args=[token])).json()
    assert (body["number"], body["total"]) == (order.number, "30.00")
    paid = stranger.post(
        reverse("shopkit-guest-order-pay", args=[token]), {"token": "tok_visa"}, format="json"
    )
    assert paid.status_code == 200, paid.json()
    assert reload(order).status == OrderStatus.PAID


@guests
def test_a_guest_needs_an_email_and_cannot_use_address_ids(user):
    client = guest_with((make_product(), 1))
    missing = client.post(reverse("shopkit-checkout"), {"shipping_address": ADDRESS}, format="json")
    assert missing.status_code == 400
    assert list(missing.json()) == ["email"]
    from django_shopkit.loading import get_address_model

    someones = get_address_model()._default_manager.create(user=user, **ADDRESS)
    by_id = checkout(client, shipping_address=None, shipping_address_id=someones.pk)
    assert by_id.status_code in (400, 404)
    assert not get_order_model()._default_manager.exists()


@guests
def test_a_guest_without_a_cart_has_nothing_to_check_out():
    response = checkout(APIClient())
    assert response.status_code == 400
    assert response.json()["detail"] == "Your cart is empty."


@guests
def test_the_idempotency_key_is_the_sessions():
    product = make_product(stock=10)
    first = guest_with((product, 1))
    one = checkout(first, key="pay-once")
    again = checkout(first, key="pay-once")
    assert (one.status_code, again.status_code) == (201, 200)
    assert one.json()["number"] == again.json()["number"]
    # Another visitor with the same key gets their own order.
    other = guest_with((product, 1))
    theirs = checkout(other, key="pay-once")
    assert theirs.status_code == 201
    assert theirs.json()["number"] != one.json()["number"]
    assert get_order_model()._default_manager.count() == 2
    assert reload(product).stock == 8


@guests
def test_links_expired_tampered_or_of_a_users_order_are_refused(user):
    client = guest_with((make_product(), 1))
    number = checkout(client).json()["number"]
    order = get_order_model()._default_manager.get(number=number)
    token = make_guest_token(order)
    url = reverse("shopkit-guest-order", args=[token])
    assert APIClient().get(url).status_code == 200
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (tampered, "not-a-token", signing.dumps({"n": number}, salt="other")):
        response = APIClient().get(reverse("shopkit-guest-order", args=[bad]))
        assert response.status_code == 404, bad
        pay = APIClient().post(
            reverse("shopkit-guest-order-pay", args=[bad]), {"token": "tok_visa"}, format="json"
        )
        assert pay.status_code == 404
    # A user's order cannot be reached by a guest link, even a validly signed one.
    users_order = place_order(user, (make_product(), 1))
    assert (
        APIClient()
        .get(reverse("shopkit-guest-order", args=[make_guest_token(users_order)]))
        .status_code
        == 404
    )
    with override_settings(SHOPKIT_GUEST_ORDER_LINK_MAX_AGE=-1):
        expired = APIClient().get(url)
    assert expired.status_code == 403
    assert "expired" in expired.json()["detail"]
    assert reload(order).status == OrderStatus.PENDING


@guests
def test_claiming_guest_orders_by_verified_email(user):
    client = guest_with((make_product(), 1))
    checkout(client, email=user.email.upper())
    assert get_order_service().claim_guest_orders(user, user.email) == 1
    order = get_order_model()._default_manager.get()
    assert order.user_id == user.pk
    token = make_guest_token(order)
    assert APIClient().get(reverse("shopkit-guest-order", args=[token])).status_code == 404


@guests
def test_docs_claim_hook_code(user):
    from pathlib import Path

    from tests.docs_blocks import code_blocks

    page = Path(__file__).resolve().parents[2] / "docs" / "carts.rst"
    (block,) = [b for b in code_blocks(page) if "claim_orders" in b.text]
    namespace: dict = {}
    exec(compile(block.text, str(page), "exec"), namespace)
    checkout(guest_with((make_product(), 1)), email=user.email)
    assert namespace["claim_orders"](user) == 1
    assert get_order_model()._default_manager.get().user_id == user.pk
