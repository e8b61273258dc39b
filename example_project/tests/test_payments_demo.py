"""The demo's payment flows with the dummy gateway: 3-D Secure and a redirect, as a shopper."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from django_shopkit.loading import get_category_model, get_product_model
from django_shopkit.orders.gateways.dummy import DummyGateway
from django_shopkit.orders.services import get_cart_service, get_order_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper(client):
    user = get_user_model().objects.create_user("shopper@example.com", "x-long-password-1")
    client.force_login(user)
    DummyGateway.reset()
    yield client, user
    DummyGateway.reset()


def place(user):
    category = get_category_model().objects.create(name="Tools")
    product = get_product_model()._default_manager.create(
        name="Hammer", price=Decimal("25.00"), stock=5, category=category
    )
    get_cart_service().add(user, product.pk, 1)
    return get_order_service().create_order(user, get_cart_service().get_cart(user))


def test_demo_offers_the_flows_in_debug_only(shopper, settings):
    client, user = shopper
    order = place(user)
    page = reverse("shopkit_orders:order-detail", args=[order.number])
    settings.DEBUG = True
    assert "tok_redirect" in client.get(page).content.decode()
    settings.DEBUG = False
    assert "tok_redirect" not in client.get(page).content.decode()


def test_demo_redirect_flow(shopper):
    client, user = shopper
    order = place(user)
    provider = client.post(
        reverse("shopkit_orders:order-pay", args=[order.number]), {"token": "tok_redirect"}
    )["Location"]
    assert "Approve" in client.get(provider).content.decode()
    page = client.post(provider, {"outcome": "approve"}, follow=True).content.decode()
    assert "Thank you, your payment was received." in page
    order.refresh_from_db()
    assert (order.status, order.amount_paid) == ("paid", Decimal("25.00"))


def test_demo_action_required_flow(shopper):
    client, user = shopper
    order = place(user)
    page = client.post(
        reverse("shopkit_orders:order-pay", args=[order.number]), {"token": "tok_3ds"}, follow=True
    ).content.decode()
    assert "Confirm the payment (3-D Secure)" in page
    confirm = order.payments.get().action["client_secret"]
    url = reverse("shopkit_orders:dummy-provider", args=[confirm])
    page = client.post(url, {"outcome": "decline"}, follow=True).content.decode()
    assert "declined" in page
    order.refresh_from_db()
    assert order.status == "pending"  # payable again
