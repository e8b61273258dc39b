"""The redirect payment flow in headless Chromium: the shop, the provider's page, and back.

Uses the browser fixture and helpers of ``test_browser`` (same requirements: Chromium and
ChromeDriver, skipped locally without them, failed in CI).
"""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from django_shopkit.loading import get_category_model, get_product_model
from django_shopkit.orders.gateways.dummy import DummyGateway
from django_shopkit.orders.services import get_cart_service, get_order_service

from .test_browser import Shopper, browser  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_redirect_to_the_provider_and_back_pays_the_order(browser, live_server):  # noqa: F811
    DummyGateway.reset()
    customer = get_user_model().objects.create_user("payer@example.com", "x-long-password-1")
    category = get_category_model().objects.create(name="Tools")
    product = get_product_model()._default_manager.create(
        name="Hammer", price=Decimal("25.00"), stock=5, category=category
    )
    get_cart_service().add(customer, product.pk, 1)
    order = get_order_service().create_order(customer, get_cart_service().get_cart(customer))

    shopper = Shopper(browser, live_server.url)
    shopper.step("login")
    shopper.open(
        f"{reverse('login')}?next={reverse('shopkit_orders:order-detail', args=[order.number])}"
    )
    shopper.find("input[name=username]").send_keys("payer@example.com")
    shopper.find("input[name=password]").send_keys("x-long-password-1")
    shopper.click_and_wait(shopper.find("#login-submit"))
    assert shopper.heading() == f"Order {order.number}"

    shopper.step("pay")
    shopper.find("input[name=token]").send_keys("tok_redirect")
    shopper.click_and_wait(shopper.find("form[action$='/pay/'] button[type=submit]"))
    assert shopper.heading() == "Payment provider (dummy)"
    order.refresh_from_db()
    assert order.status == "pending"

    shopper.step("provider")
    shopper.click_and_wait(shopper.find("button[value=approve]"))
    assert shopper.heading() == f"Order {order.number}"
    assert "Thank you, your payment was received." in shopper.messages()
    order.refresh_from_db()
    assert (order.status, order.amount_paid) == ("paid", Decimal("25.00"))
    DummyGateway.reset()
