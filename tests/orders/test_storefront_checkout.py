"""The storefront's checkout steps (address, shipping) for users and guests, and the book."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from django_shopkit.loading import get_address_model, get_order_model
from django_shopkit.orders.abstract_models import OrderStatus
from django_shopkit.orders.guests import make_guest_token
from tests.factories import make_product
from tests.orders.helpers import fill_cart, reload

pytestmark = pytest.mark.django_db

METHODS = [
    {
        "class": "django_shopkit.orders.shipping.FlatRateShipping",
        "code": "std",
        "name": "Standard",
        "rate": "4.90",
    },
    {
        "class": "django_shopkit.orders.shipping.FlatRateShipping",
        "code": "express",
        "name": "Express",
        "rate": "9.90",
        "countries": ["DE"],
    },
]
ADDRESS = {"name": "Grace", "line1": "1 Navy Way", "city": "Arlington", "country": "US"}
shop = override_settings(SHOPKIT_SHIPPING_METHODS=METHODS, SHOPKIT_GUEST_CHECKOUT=True)


@shop
def test_guest_checks_out_with_address_and_shipping_then_pays_through_the_link(
    django_capture_on_commit_callbacks,
):
    product = make_product(name="Kettle", price="20.00", stock=3)
    client = Client()
    client.post(reverse("shopkit_orders:add-to-cart"), {"product": product.pk, "quantity": 2})
    checkout = reverse("shopkit_orders:checkout")
    assert client.get(checkout)["Location"] == reverse("shopkit_orders:checkout-address")
    refused = client.post(reverse("shopkit_orders:checkout-address"), {**ADDRESS, "country": "XX"})
    assert refused.status_code == 200  # the form again, with its errors
    assert "email" in refused.context["form"].errors
    assert "country" in refused.context["form"].errors
    step = client.post(
        reverse("shopkit_orders:checkout-address"), {**ADDRESS, "email": "grace@example.com"}
    )
    assert step["Location"] == checkout
    page = client.get(checkout).content.decode()
    assert "Standard: 4.90" in page
    assert "Express" not in page  # Germany only
    assert "44.90" in page  # 40.00 + 4.90
    key = re.search(r'name="idempotency_key" value="(\w+)"', page).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        placed = client.post(checkout, {"idempotency_key": key, "shipping_method": "std"})
    order = get_order_model()._default_manager.get()
    assert (order.user_id, order.email, order.total) == (
        None,
        "grace@example.com",
        Decimal("44.90"),
    )
    assert order.shipping_method_name == "Standard"
    assert "/orders/guest/" in placed["Location"]
    link = re.search(r"http://testserver(/\S*orders/guest/\S+/)", mail.outbox[0].body).group(1)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert link == reverse("shopkit_orders:guest-order", args=[token])
    other_browser = Client()
    order_page = other_browser.get(link).content.decode()
    assert order.number in order_page
    assert "44.90" in order_page
    assert "Arlington" in order_page
    pay_url = reverse("shopkit_orders:guest-order-pay", args=[token])
    assert f'action="{pay_url}"' in order_page
    other_browser.post(pay_url, {"token": "tok_visa"})
    assert reload(order).status == OrderStatus.PAID
    tampered = reverse("shopkit_orders:guest-order", args=["x" + token])
    assert Client().get(tampered).status_code == 404


@shop
def test_a_user_checks_out_with_a_book_address(user):
    home = get_address_model()._default_manager.create(
        user=user, name="Ada", line1="Ring 1", city="Berlin", country="DE"
    )
    fill_cart(user, (make_product(price="10.00"), 1))
    client = Client()
    client.force_login(user)
    client.post(reverse("shopkit_orders:checkout-address"), {"address_id": home.pk})
    page = client.get(reverse("shopkit_orders:checkout"), {"shipping_method": "express"})
    assert "19.90" in page.content.decode()
    client.post(
        reverse("shopkit_orders:checkout"),
        {"idempotency_key": "k1", "shipping_method": "express"},
    )
    order = get_order_model()._default_manager.get()
    assert (order.user_id, order.shipping_address["city"], order.total) == (
        user.pk,
        "Berlin",
        Decimal("19.90"),
    )


@shop
def test_another_users_book_address_is_refused(user, other_user):
    theirs = get_address_model()._default_manager.create(
        user=other_user, name="B", line1="2", city="Paris", country="FR"
    )
    fill_cart(user, (make_product(), 1))
    client = Client()
    client.force_login(user)
    response = client.post(reverse("shopkit_orders:checkout-address"), {"address_id": theirs.pk})
    assert response.status_code == 200  # not one of the choices: the form says so
    assert "address_id" in response.context["form"].errors


def test_checkout_without_guests_still_asks_to_log_in():
    client = Client()
    product = make_product()
    client.post(reverse("shopkit_orders:add-to-cart"), {"product": product.pk, "quantity": 1})
    for name in ("checkout", "checkout-address"):
        assert "login" in client.get(reverse(f"shopkit_orders:{name}"))["Location"]


def test_address_book_page(user, other_user):
    client = Client()
    client.force_login(user)
    url = reverse("shopkit_orders:address-book")
    assert "Your address book is empty." in client.get(url).content.decode()
    client.post(url, {**ADDRESS, "country": "US"})
    page = client.get(url).content.decode()
    assert "1 Navy Way" in page
    assert "United States" in page
    theirs = get_address_model()._default_manager.create(
        user=other_user, name="B", line1="2", city="Paris", country="FR"
    )
    assert client.post(url, {"delete": theirs.pk}).status_code == 404
    mine = get_address_model()._default_manager.get(user=user)
    client.post(url, {"delete": mine.pk})
    assert not get_address_model()._default_manager.filter(user=user).exists()
    assert get_address_model()._default_manager.filter(pk=theirs.pk).exists()
    assert "login" in Client().get(url)["Location"]


@shop
def test_guest_link_expired_is_403(django_capture_on_commit_callbacks):
    client = Client()
    client.post(
        reverse("shopkit_orders:add-to-cart"), {"product": make_product().pk, "quantity": 1}
    )
    client.post(reverse("shopkit_orders:checkout-address"), {**ADDRESS, "email": "g@example.com"})
    client.post(
        reverse("shopkit_orders:checkout"), {"idempotency_key": "k", "shipping_method": "std"}
    )
    order = get_order_model()._default_manager.get()
    url = reverse("shopkit_orders:guest-order", args=[make_guest_token(order)])
    with override_settings(SHOPKIT_GUEST_ORDER_LINK_MAX_AGE=-1):
        assert Client().get(url).status_code == 403
