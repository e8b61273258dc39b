"""The Stripe gateway against localstripe (a stateful fake Stripe on 127.0.0.1).

Webhooks are signed here with Stripe's scheme (``t=...,v1=HMAC-SHA256(secret, "t.body")``)
and verified by ``stripe.Webhook.construct_event``. localstripe lacks a few behaviours, tested
with the SDK's own objects instead: ``automatic_payment_methods`` and ``return_url`` (it
refuses both: the suite sets ``SHOPKIT_STRIPE_PAYMENT_METHOD_TYPES = ("card",)``), redirect
next actions (its 3-D Secure is ``use_stripe_sdk`` only), idempotency keys (it ignores them),
``amount_received`` and refund limits (it refunds more than was captured).
"""

import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request
from decimal import Decimal

import pytest
from django.urls import reverse

from django_shopkit.loading import get_payment_event_model, get_payment_model, get_refund_model
from django_shopkit.orders.abstract_models import OrderStatus, PaymentStatus
from django_shopkit.orders.exceptions import InvalidRefund, PaymentPending
from django_shopkit.orders.gateways.stripe import METADATA_KEY, StripeGateway
from django_shopkit.orders.payments import GatewayTimeout, Outcome
from django_shopkit.orders.services import get_order_service
from tests.factories import make_product
from tests.orders.helpers import place_order, reload

stripe = pytest.importorskip("stripe")

pytestmark = pytest.mark.django_db

SECRET = "sk_test_shopkit"
WEBHOOK_SECRET = "whsec_shopkit_test"
VISA = "pm_card_visa"
DECLINED_CARD = "4000000000000341"
THREE_D_SECURE_CARD = "4000002760003184"


@pytest.fixture
def stripe_settings(settings, localstripe):
    settings.SHOPKIT_PAYMENT_GATEWAY = "django_shopkit.orders.gateways.stripe.StripeGateway"
    settings.SHOPKIT_STRIPE_SECRET_KEY = SECRET
    settings.SHOPKIT_STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.SHOPKIT_STRIPE_PUBLISHABLE_KEY = "pk_test_shopkit"
    settings.SHOPKIT_STRIPE_API_BASE = localstripe
    settings.SHOPKIT_STRIPE_PAYMENT_METHOD_TYPES = ("card",)
    return settings


@pytest.fixture
def client_(stripe_settings):
    return StripeGateway().get_client()


@pytest.fixture
def order(user):
    return place_order(user, (make_product(price="20.00"), 2))


def card(client, number):
    params = {"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2040}}
    params["card"]["cvc"] = "123"
    return client.v1.payment_methods.create(params=params).id


def pay_url(order):
    return reverse("shopkit-order-pay", args=[order.pk])


def event(kind, obj, event_id=None):
    return {
        "id": event_id or f"evt_{time.monotonic_ns()}",
        "object": "event",
        "type": kind,
        "api_version": stripe.api_version,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }


def sign(body, secret=WEBHOOK_SECRET, timestamp=None):
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def deliver(http, payload, signature=None):
    body = json.dumps(payload)
    return http.post(
        reverse("shopkit-payment-webhook"),
        body,
        content_type="application/json",
        headers={"Stripe-Signature": signature or sign(body)},
    )


def authenticate(localstripe, intent_id, client_secret, success=True):
    """Do what the bank's 3-D Secure page does (localstripe's test endpoint)."""
    data = urllib.parse.urlencode({"client_secret": client_secret, "success": str(success).lower()})
    request = urllib.request.Request(
        f"{localstripe}/v1/payment_intents/{intent_id}/_authenticate", data=data.encode()
    )
    request.add_header("Authorization", f"Bearer {SECRET}")
    urllib.request.urlopen(request, timeout=5).close()


def intent(client, intent_id):
    return client.v1.payment_intents.retrieve(intent_id).to_dict()


def only_payment(order):
    (payment,) = get_payment_model().objects.filter(order=order)
    return payment


def test_card_payment_succeeds(api, order, client_):
    response = api.post(pay_url(order), {"payment_method": VISA}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "paid"
    assert response.json()["amount_paid"] == "40.00"
    payment = only_payment(order)
    remote = intent(client_, payment.reference)
    assert (remote["status"], remote["amount"], remote["currency"]) == ("succeeded", 4000, "usd")
    assert remote["metadata"][METADATA_KEY] == payment.idempotency_key
    assert reload(order).status == OrderStatus.PAID


def test_declined_card_is_a_402_and_the_order_stays_payable(api, order, client_):
    response = api.post(pay_url(order), {"payment_method": card(client_, DECLINED_CARD)})
    assert response.status_code == 402
    assert "declined" in response.json()["detail"]
    payment = only_payment(order)
    assert payment.status == PaymentStatus.FAILED
    assert payment.reference.startswith("pi_")
    assert reload(order).status == OrderStatus.PENDING
    assert api.post(pay_url(order), {"payment_method": VISA}).status_code == 200


def test_action_required_then_succeeded_by_webhook(api, order, client_, localstripe, client):
    response = api.post(pay_url(order), {"payment_method": card(client_, THREE_D_SECURE_CARD)})
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["code"] == "requires_action"
    action = body["payment"]["action"]
    assert action["type"] == "client_secret"
    payment = only_payment(order)
    assert action["client_secret"].startswith(payment.reference)
    assert reload(order).status == OrderStatus.PENDING

    authenticate(localstripe, payment.reference, action["client_secret"])
    assert reload(order).status == OrderStatus.PENDING  # nothing told the shop yet
    succeeded = event("payment_intent.succeeded", intent(client_, payment.reference))
    response = deliver(client, succeeded)
    assert response.status_code == 200
    assert response.json() == {"received": 1, "processed": 1}
    assert reload(payment).status == PaymentStatus.SUCCEEDED
    assert reload(order).status == OrderStatus.PAID
    assert reload(order).amount_paid == Decimal("40.00")


def start_3ds(http, order, client_):
    http.post(
        reverse("shopkit_orders:order-pay", args=[order.number]),
        {"payment_method": card(client_, THREE_D_SECURE_CARD)},
    )
    return only_payment(order)


def test_return_before_the_webhook(client, user, order, client_, localstripe):
    client.force_login(user)
    payment = start_3ds(client, order, client_)
    assert payment.status == PaymentStatus.REQUIRES_ACTION
    page = client.get(reverse("shopkit_orders:order-detail", args=[order.number]))
    assert payment.action["client_secret"].encode() in page.content  # for Stripe.js
    assert b"pk_test_shopkit" in page.content
    return_url = reverse("shopkit_orders:order-return", args=[order.number])
    assert f'"http://testserver{return_url}"'.encode() in page.content
    authenticate(localstripe, payment.reference, payment.action["client_secret"])
    back = client.get(reverse("shopkit_orders:order-return", args=[order.number]), follow=True)
    assert b"Thank you, your payment was received." in back.content
    assert reload(order).status == OrderStatus.PAID
    # The webhook comes later: stored, changes nothing.
    late = deliver(client, event("payment_intent.succeeded", intent(client_, payment.reference)))
    assert late.json()["processed"] == 1
    assert reload(payment).status == PaymentStatus.SUCCEEDED
    assert get_payment_model().objects.filter(order=order).count() == 1


def test_return_after_the_webhook(client, user, order, client_, localstripe):
    client.force_login(user)
    payment = start_3ds(client, order, client_)
    authenticate(localstripe, payment.reference, payment.action["client_secret"])
    deliver(client, event("payment_intent.succeeded", intent(client_, payment.reference)))
    assert reload(order).status == OrderStatus.PAID
    back = client.get(reverse("shopkit_orders:order-return", args=[order.number]), follow=True)
    assert b"Thank you, your payment was received." in back.content
    assert reload(payment).status == PaymentStatus.SUCCEEDED


def test_duplicate_and_out_of_order_webhooks(client, api, order, client_, localstripe):
    api.post(pay_url(order), {"payment_method": card(client_, THREE_D_SECURE_CARD)})
    payment = only_payment(order)
    stale_failure = event("payment_intent.payment_failed", intent(client_, payment.reference))
    stale_failure["data"]["object"]["status"] = "requires_payment_method"
    stale_failure["data"]["object"]["last_payment_error"] = {"message": "Authentication failed"}
    authenticate(localstripe, payment.reference, payment.action["client_secret"])
    succeeded = event("payment_intent.succeeded", intent(client_, payment.reference), "evt_ok")

    assert deliver(client, succeeded).json()["processed"] == 1
    assert deliver(client, succeeded).json()["processed"] == 0  # duplicate delivery
    assert deliver(client, stale_failure).json()["processed"] == 1  # older event, late
    assert reload(payment).status == PaymentStatus.SUCCEEDED
    assert reload(order).status == OrderStatus.PAID
    assert get_payment_event_model().objects.filter(payment=payment).count() == 2


def test_failure_before_success_is_overridden_by_the_success(client, api, order, client_):
    # Out of order the other way: the failure arrives first, then the intent succeeds (the
    # buyer retried on the same intent with Stripe.js); the captured money is recorded.
    api.post(pay_url(order), {"payment_method": card(client_, THREE_D_SECURE_CARD)})
    payment = only_payment(order)
    failed = event("payment_intent.payment_failed", intent(client_, payment.reference))
    failed["data"]["object"].update(
        status="requires_payment_method", last_payment_error={"message": "Authentication failed"}
    )
    deliver(client, failed)
    assert reload(payment).status == PaymentStatus.FAILED
    succeeded = dict(failed["data"]["object"], status="succeeded", last_payment_error=None)
    deliver(client, event("payment_intent.succeeded", succeeded))
    assert reload(payment).status == PaymentStatus.SUCCEEDED
    assert reload(order).status == OrderStatus.PAID


@pytest.mark.parametrize(
    "signature",
    [
        "",
        "t=1,v1=00",
        "bad-secret",
        "expired",
    ],
)
def test_bad_signature_is_a_400_and_changes_nothing(
    client, api, order, client_, localstripe, signature
):
    api.post(pay_url(order), {"payment_method": card(client_, THREE_D_SECURE_CARD)})
    payment = only_payment(order)
    authenticate(localstripe, payment.reference, payment.action["client_secret"])
    payload = event("payment_intent.succeeded", intent(client_, payment.reference))
    body = json.dumps(payload)
    header = {
        "": "",
        "t=1,v1=00": "t=1,v1=00",
        "bad-secret": sign(body, secret="whsec_other"),
        "expired": sign(body, timestamp=int(time.time()) - 3600),
    }[signature]
    response = client.post(
        reverse("shopkit-payment-webhook"),
        body,
        content_type="application/json",
        headers={"Stripe-Signature": header},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_webhook"
    assert reload(payment).status == PaymentStatus.REQUIRES_ACTION
    assert reload(order).status == OrderStatus.PENDING
    assert get_payment_event_model().objects.count() == 0


def test_partial_then_full_refund(api, order, client_):
    api.post(pay_url(order), {"payment_method": VISA})
    payment = only_payment(order)
    service = get_order_service()
    first = service.refund(order, Decimal("15.50"))
    assert first.reference.startswith("re_")
    assert reload(payment).status == PaymentStatus.PARTIALLY_REFUNDED
    assert reload(order).status == OrderStatus.PAID
    service.refund(order)
    assert reload(payment).status == PaymentStatus.REFUNDED
    assert reload(order).status == OrderStatus.REFUNDED
    assert reload(order).amount_refunded == Decimal("40.00")
    remote = client_.v1.refunds.list(params={"payment_intent": payment.reference}).to_dict()
    assert sorted(r["amount"] for r in remote["data"]) == [1550, 2450]


def test_refund_above_the_captured_amount_never_reaches_stripe(api, order, client_):
    api.post(pay_url(order), {"payment_method": VISA})
    payment = only_payment(order)
    with pytest.raises(InvalidRefund):
        get_order_service().refund(order, Decimal("40.01"))
    remote = client_.v1.refunds.list(params={"payment_intent": payment.reference}).to_dict()
    assert remote["data"] == []
    assert get_refund_model().objects.count() == 0


def test_refund_made_in_the_dashboard_arrives_by_webhook(client, api, order, client_):
    api.post(pay_url(order), {"payment_method": VISA})
    payment = only_payment(order)
    client_.v1.refunds.create(params={"payment_intent": payment.reference, "amount": 500})
    charge_id = intent(client_, payment.reference)["latest_charge"]
    charge_id = charge_id if isinstance(charge_id, str) else charge_id["id"]
    charge = client_.v1.charges.retrieve(charge_id).to_dict()
    refunded = event("charge.refunded", charge)
    assert deliver(client, refunded).json()["processed"] == 1
    assert deliver(client, refunded).json()["processed"] == 0
    refund = get_refund_model().objects.get()
    assert (refund.amount, refund.status) == (Decimal("5.00"), "succeeded")
    assert reload(payment).amount_refunded == Decimal("5.00")
    assert reload(payment).status == PaymentStatus.PARTIALLY_REFUNDED
    assert reload(order).amount_refunded == Decimal("5.00")


class LostAnswerGateway(StripeGateway):
    """Confirms at Stripe, then loses the answer, as a timeout after the request arrived."""

    def confirm(self, *args, **kwargs):
        super().confirm(*args, **kwargs)
        raise GatewayTimeout("Stripe did not answer in time")


def test_gateway_timeout_then_reconcile(api, order, client_, settings):
    settings.SHOPKIT_PAYMENT_GATEWAY = f"{__name__}.LostAnswerGateway"
    response = api.post(pay_url(order), {"payment_method": VISA})
    assert response.status_code == 503
    payment = only_payment(order)
    assert payment.status == PaymentStatus.PROCESSING
    assert payment.reference.startswith("pi_")  # known before the confirmation was lost
    assert intent(client_, payment.reference)["status"] == "succeeded"  # the money moved
    settings.SHOPKIT_PAYMENT_GATEWAY = "django_shopkit.orders.gateways.stripe.StripeGateway"
    assert get_order_service().reconcile(older_than=0) == {"succeeded": 1}
    assert reload(order).status == OrderStatus.PAID


def test_unreachable_stripe_is_a_503_and_keeps_the_attempt_open(api, order, stripe_settings):
    settings = stripe_settings
    settings.SHOPKIT_STRIPE_API_BASE = "http://127.0.0.1:9"  # discard port: refused
    response = api.post(pay_url(order), {"payment_method": VISA})
    assert response.status_code == 503
    assert only_payment(order).status == PaymentStatus.PROCESSING
    with pytest.raises(PaymentPending):
        get_order_service().refresh_payment(only_payment(order))


def test_cancel_order_cancels_the_intent_waiting_for_the_buyer(api, order, client_):
    api.post(pay_url(order), {"payment_method": card(client_, THREE_D_SECURE_CARD)})
    payment = only_payment(order)
    get_order_service().cancel(order)
    assert reload(payment).status == PaymentStatus.CANCELLED
    assert intent(client_, payment.reference)["status"] == "canceled"


# -- What localstripe lacks: the SDK's own objects -----------------------------------------


def test_intent_params_use_automatic_payment_methods_and_the_attempt_key(settings, order):
    settings.SHOPKIT_STRIPE_PAYMENT_METHOD_TYPES = ()
    payment = get_payment_model()(
        order=order, amount=Decimal("12.34"), currency="EUR", idempotency_key="k-1"
    )
    params = StripeGateway().intent_params(payment)
    assert params == {
        "amount": 1234,
        "currency": "eur",
        "metadata": {METADATA_KEY: "k-1", "order": str(order.pk)},
        "automatic_payment_methods": {"enabled": True},
    }
    settings.SHOPKIT_STRIPE_PAYMENT_METHOD_TYPES = ("card",)
    assert StripeGateway().intent_params(payment)["payment_method_types"] == ["card"]


def test_redirect_next_action_becomes_a_redirect():
    obj = stripe.PaymentIntent.construct_from(
        {
            "id": "pi_redirect",
            "object": "payment_intent",
            "status": "requires_action",
            "amount": 1000,
            "currency": "eur",
            "client_secret": "pi_redirect_secret_x",
            "next_action": {
                "type": "redirect_to_url",
                "redirect_to_url": {"url": "https://hooks.stripe.com/redirect/x", "return_url": ""},
            },
        },
        "sk_test",
    )
    result = StripeGateway().result_of(obj.to_dict())
    assert result.outcome is Outcome.REQUIRES_ACTION
    assert result.action.type == "redirect"
    assert result.action.redirect_url == "https://hooks.stripe.com/redirect/x"


def test_amount_received_is_the_captured_amount():
    result = StripeGateway().result_of(
        {
            "id": "pi_1",
            "status": "succeeded",
            "amount": 1000,
            "amount_received": 900,
            "currency": "jpy",
            "client_secret": "s",
        }
    )
    assert (result.outcome, result.amount) == (Outcome.SUCCEEDED, Decimal("900.00"))


def test_order_is_not_paid_when_stripe_captured_less_than_the_total(client, api, order, client_):
    api.post(pay_url(order), {"payment_method": card(client_, THREE_D_SECURE_CARD)})
    payment = only_payment(order)
    short = dict(intent(client_, payment.reference), status="succeeded", amount_received=100)
    deliver(client, event("payment_intent.succeeded", short))
    assert reload(payment).status == PaymentStatus.SUCCEEDED
    assert reload(order).status == OrderStatus.PENDING


def test_signed_event_of_an_unknown_shape_is_a_400(client, stripe_settings):
    broken = event("payment_intent.succeeded", {"id": "pi_x", "object": "payment_intent"})
    response = deliver(client, broken)
    assert response.status_code == 400
    assert "malformed" in response.json()["detail"]
    assert get_payment_event_model().objects.count() == 0


def test_unknown_event_types_are_stored_and_ignored(client, stripe_settings):
    response = deliver(client, event("customer.created", {"id": "cus_1", "object": "customer"}))
    assert response.json() == {"received": 1, "processed": 1}
    assert get_payment_event_model().objects.get().payment is None
