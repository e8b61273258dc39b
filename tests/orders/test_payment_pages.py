"""The payment step of the storefront, the admin's refunds and the payment system checks."""

from decimal import Decimal

import pytest
from django.contrib.admin import AdminSite
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core import checks
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from django_shopkit.loading import get_order_model, get_payment_event_model, get_refund_model
from django_shopkit.orders.abstract_models import OrderStatus
from django_shopkit.orders.admin import PaymentEventAdmin, register_orders_admin
from django_shopkit.orders.gateways.dummy import DummyGateway
from django_shopkit.orders.payment_checks import check_payment_gateway, check_webhook_mounted
from django_shopkit.orders.services import get_order_service
from tests.factories import make_product
from tests.orders.helpers import place_order, reload

pytestmark = pytest.mark.django_db

STRIPE = "django_shopkit.orders.gateways.stripe.StripeGateway"


@pytest.fixture
def client(user):
    client = Client()
    client.force_login(user)
    return client


def order_page(client, order):
    return client.get(reverse("shopkit_orders:order-detail", args=[order.number])).content.decode()


def test_pay_form_shows_no_test_token_without_debug(client, user, settings):
    settings.DEBUG = False
    page = order_page(client, place_order(user, (make_product(), 1)))
    assert 'name="token"' in page
    for token, _label in DummyGateway.TEST_TOKENS:
        assert token not in page
    assert "Test mode" not in page


def test_pay_form_offers_the_test_tokens_in_debug_labelled_test_mode(client, user, settings):
    settings.DEBUG = True
    page = order_page(client, place_order(user, (make_product(), 1)))
    assert "Test mode" in page
    for token in ("tok_ok", "tok_3ds", "tok_redirect", "tok_decline"):
        assert f'value="{token}"' in page


def test_order_page_shows_the_action_and_the_amounts(client, user):
    order = place_order(user, (make_product(price="8.00"), 1))
    client.post(reverse("shopkit_orders:order-pay", args=[order.number]), {"token": "tok_3ds"})
    page = order_page(client, order)
    assert "Confirm the payment (3-D Secure)" in page
    assert "Requires action" in page
    confirm = reverse(
        "shopkit_orders:dummy-provider", args=[order.payments.get().action["client_secret"]]
    )
    assert confirm in page
    back = client.post(confirm, {"outcome": "approve"})["Location"]
    client.get(back)
    get_order_service().refund(order, Decimal("3.00"))
    page = order_page(client, order)
    assert '<dd class="amount-paid">8.00 USD</dd>' in page
    assert '<dd class="amount-refunded">3.00 USD</dd>' in page
    assert '<dd class="amount-outstanding">0.00 USD</dd>' in page


def test_return_page_of_another_users_order_is_a_404(user, other_user):
    order = place_order(user, (make_product(), 1))
    other = Client()
    other.force_login(other_user)
    assert other.get(reverse("shopkit_orders:order-return", args=[order.number])).status_code == 404
    assert (
        Client().get(reverse("shopkit_orders:order-return", args=[order.number])).status_code == 302
    )


def test_provider_page_with_an_unknown_secret_is_a_404(client):
    url = reverse("shopkit_orders:dummy-provider", args=["dummy_x_secret_nope"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"outcome": "approve"}).status_code == 404


# -- Admin -------------------------------------------------------------------------------


@pytest.fixture
def site():
    site = AdminSite(name="test_admin")
    register_orders_admin(site)
    return site


def admin_request(user, method="get", data=None):
    request = getattr(RequestFactory(), method)("/admin/", data or {})
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def refund_url(order):
    opts = get_order_model()._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_refund", args=[order.pk])


@pytest.mark.urls("tests.orders.admin_urls")
def test_admin_refunds_part_then_the_rest(site, staff, user):
    order = place_order(user, (make_product(price="30.00"), 1))
    get_order_service().process_payment(order, {})
    admin = Client()
    admin.force_login(staff)
    opts = get_order_model()._meta
    change = admin.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[order.pk]))
    assert refund_url(order) in change.content.decode()
    assert admin.get(refund_url(order)).status_code == 200
    response = admin.post(refund_url(order), {"amount": "10.00"})
    assert response.status_code == 302
    assert reload(order).amount_refunded == Decimal("10.00")
    too_much = admin.post(refund_url(order), {"amount": "25.00"})
    assert too_much.status_code == 200
    assert "at most 20.00" in too_much.content.decode()
    assert admin.post(refund_url(order), {"amount": "-1"}).status_code == 200  # form error
    order_admin = site._registry[get_order_model()]
    request = admin_request(staff, "post")
    order_admin.refund_orders(request, get_order_model().objects.filter(pk=order.pk))
    assert reload(order).status == OrderStatus.REFUNDED
    assert [r.amount for r in get_refund_model().objects.filter(order=order)] == [
        Decimal("10.00"),
        Decimal("20.00"),
    ]


@pytest.mark.urls("tests.orders.admin_urls")
def test_admin_refund_page_needs_staff(user, client):
    order = place_order(user, (make_product(), 1))
    response = client.get(refund_url(order))
    assert response.status_code == 302  # to the admin login, not the refund form
    assert "/admin/login/" in response["Location"]


def test_payment_events_are_read_only(site, staff):
    event_admin = site._registry[get_payment_event_model()]
    assert isinstance(event_admin, PaymentEventAdmin)
    assert not event_admin.has_add_permission(admin_request(staff))
    assert not event_admin.has_change_permission(admin_request(staff))


# -- System checks -----------------------------------------------------------------------


def test_stripe_gateway_without_its_secrets_is_an_error():
    with override_settings(
        SHOPKIT_PAYMENT_GATEWAY=STRIPE,
        SHOPKIT_STRIPE_SECRET_KEY="",
        SHOPKIT_STRIPE_WEBHOOK_SECRET="",
    ):
        ids = [error.id for error in check_payment_gateway()]
        assert ids == ["shopkit.E031", "shopkit.E032"]
        assert all(error.level == checks.ERROR for error in check_payment_gateway())
    with override_settings(
        SHOPKIT_PAYMENT_GATEWAY=STRIPE,
        SHOPKIT_STRIPE_SECRET_KEY="sk_test_x",
        SHOPKIT_STRIPE_WEBHOOK_SECRET="whsec_x",
    ):
        assert check_payment_gateway() == []
    assert check_payment_gateway() == []  # the dummy gateway needs nothing


def test_deploy_check_warns_when_the_webhook_is_not_mounted():
    assert check_webhook_mounted() == []
    with override_settings(ROOT_URLCONF="tests.orders.urls_without_api"):
        (warning,) = check_webhook_mounted()
    assert warning.id == "shopkit.W030"
    deploy_ids = {m.id for m in checks.run_checks(include_deployment_checks=True)}
    assert "shopkit.W030" not in deploy_ids
    with override_settings(ROOT_URLCONF="tests.orders.urls_without_api"):
        deploy_ids = {m.id for m in checks.run_checks(include_deployment_checks=True)}
        normal_ids = {m.id for m in checks.run_checks()}
    assert "shopkit.W030" in deploy_ids
    assert "shopkit.W030" not in normal_ids


# -- The docs' worked example ------------------------------------------------------------


def _docs_example_gateway(monkeypatch):
    """Load the "ExamplePay" gateway from docs/payments.rst into an importable module."""
    import re
    import sys
    import types
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "payments.rst").read_text()
    blocks = re.findall(r"\.\. code-block:: python\n\n((?:    .*\n|\n)+)", text)
    (source,) = [b for b in blocks if "class ExamplePayGateway" in b]
    module = types.ModuleType("docs_examplepay")
    exec(
        compile("\n".join(line[4:] for line in source.splitlines()), "payments.rst", "exec"),
        module.__dict__,
    )
    monkeypatch.setitem(sys.modules, "docs_examplepay", module)
    return module


def test_the_docs_example_gateway_runs(monkeypatch, settings, user):
    import requests

    _docs_example_gateway(monkeypatch)
    settings.SHOPKIT_PAYMENT_GATEWAY = "docs_examplepay.ExamplePayGateway"
    settings.EXAMPLEPAY_SECRET_KEY = "sk_example"
    sent = []

    class Answer:
        status_code = 200

        def __init__(self, body):
            self.body = body

        def json(self):
            return self.body

    def fake_request(method, url, json=None, headers=None, auth=None, timeout=None):
        sent.append((method, url, json, headers))
        if url.endswith("/refunds"):
            return Answer({"id": "re_1", "status": "paid"})
        if method == "GET":
            return Answer({"id": "ex_1", "status": "paid"})
        return Answer({"id": "ex_1", "status": "needs_auth", "auth_url": "https://pay.test/a"})

    monkeypatch.setattr(requests, "request", fake_request)
    order = place_order(user, (make_product(price="12.50"), 1))
    from django_shopkit.orders.exceptions import PaymentActionRequired

    with pytest.raises(PaymentActionRequired) as excinfo:
        get_order_service().process_payment(order, {"token": "t"}, return_url="https://shop/r")
    payment = excinfo.value.payment
    assert payment.action["redirect_url"] == "https://pay.test/a"
    assert sent[0][2]["amount"] == 1250
    assert sent[0][3] == {"Idempotency-Key": payment.idempotency_key}
    get_order_service().refresh_payment(payment)
    assert reload(order).status == OrderStatus.PAID
    get_order_service().refund(order, Decimal("2.50"))
    assert sent[-1][2] == {"amount": 250}
    assert reload(order).amount_refunded == Decimal("2.50")

    def timeout(*args, **kwargs):
        raise requests.Timeout("slow")

    monkeypatch.setattr(requests, "request", timeout)
    other = place_order(user, (make_product(), 1))
    from django_shopkit.orders.exceptions import PaymentPending

    with pytest.raises(PaymentPending):
        get_order_service().process_payment(other, {"token": "t"})


def test_provider_page_is_gone_when_the_dummy_gateway_is_not_used(client, user, settings):
    order = place_order(user, (make_product(), 1))
    provider = client.post(
        reverse("shopkit_orders:order-pay", args=[order.number]), {"token": "tok_redirect"}
    )["Location"]
    assert client.get(provider).status_code == 200
    settings.SHOPKIT_PAYMENT_GATEWAY = STRIPE
    assert client.get(provider).status_code == 404
    assert client.post(provider, {"outcome": "approve"}).status_code == 404
