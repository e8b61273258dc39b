import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from django_shopkit.loading import (
    get_order_item_model,
    get_payment_event_model,
    get_payment_model,
    get_refund_model,
)
from django_shopkit.orders.abstract_models import OrderStatus, PaymentStatus
from django_shopkit.orders.exceptions import (
    InvalidRefund,
    InvalidTransition,
    PaymentActionRequired,
    PaymentDeclined,
    PaymentError,
    PaymentPending,
    PaymentProcessing,
)
from django_shopkit.orders.gateways.dummy import SIGNATURE_HEADER, DummyGateway
from django_shopkit.orders.payments import (
    GatewayTimeout,
    Outcome,
    PaymentGateway,
    PaymentResult,
    from_minor_units,
    get_payment_gateway,
    to_minor_units,
)
from django_shopkit.orders.services import get_order_service
from tests.factories import make_product
from tests.orders.helpers import place_order, reload

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(user):
    return place_order(user, (make_product(price="20.00"), 2))


def payments(order):
    return list(get_payment_model()._default_manager.filter(order=order).order_by("pk"))


def deliver(client, body, signature):
    return client.post(
        reverse("shopkit-payment-webhook"),
        body,
        content_type="application/json",
        headers={SIGNATURE_HEADER: signature},
    )


def test_successful_payment_marks_the_order_paid(order):
    payment = get_order_service().process_payment(order, {"token": "tok_visa"})
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.amount == Decimal("40.00")
    assert payment.gateway == "dummy"
    assert payment.reference.startswith("dummy_")
    assert payment.idempotency_key.startswith(f"shopkit-pay-{order.number}-")
    assert order.status == OrderStatus.PAID
    assert reload(order).paid_at is not None
    assert DummyGateway.charges == {payment.reference: Decimal("40.00")}
    fresh = reload(order)
    assert (fresh.amount_paid, fresh.amount_refunded, fresh.amount_outstanding) == (
        Decimal("40.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )


def test_second_payment_of_a_paid_order_is_refused_without_charging(order):
    get_order_service().process_payment(order, {})
    with pytest.raises(InvalidTransition, match="paid"):
        get_order_service().process_payment(reload(order), {})
    assert len(DummyGateway.charges) == 1
    assert len(payments(order)) == 1


def test_decline_leaves_the_order_pending_and_payable_again(order):
    with pytest.raises(PaymentDeclined, match="declined") as excinfo:
        get_order_service().process_payment(order, {"token": "tok_decline"})
    assert excinfo.value.payment.status == PaymentStatus.FAILED
    assert reload(order).status == OrderStatus.PENDING
    assert DummyGateway.charges == {}
    assert reload(order).amount_outstanding == Decimal("40.00")

    payment = get_order_service().process_payment(order, {"token": "tok_ok"})
    assert payment.idempotency_key != excinfo.value.payment.idempotency_key
    assert [p.status for p in payments(order)] == ["failed", "succeeded"]
    assert reload(order).status == OrderStatus.PAID


def test_timeout_keeps_an_open_attempt_and_the_retry_does_not_charge_twice(order):
    # tok_timeout: the provider charged the card but the answer was lost.
    with pytest.raises(PaymentPending, match="try again"):
        get_order_service().process_payment(order, {"token": "tok_timeout"})
    (pending,) = payments(order)
    assert pending.status == PaymentStatus.PROCESSING
    assert "did not answer" in pending.message
    assert reload(order).status == OrderStatus.PENDING
    assert len(DummyGateway.charges) == 1

    # The retry reuses the open attempt's key, so the provider returns the first charge.
    payment = get_order_service().process_payment(order, {"token": "tok_ok"})
    assert payment.pk == pending.pk
    assert payment.status == PaymentStatus.SUCCEEDED
    assert len(DummyGateway.charges) == 1
    assert reload(order).status == OrderStatus.PAID


def test_gateway_timeout_then_reconcile_settles_the_attempt(order):
    with pytest.raises(PaymentPending):
        get_order_service().process_payment(order, {"token": "tok_timeout"})
    assert reload(order).status == OrderStatus.PENDING
    out = io.StringIO()
    call_command("shopkit_reconcile_payments", "--older-than", "0", stdout=out)
    assert out.getvalue() == "succeeded: 1\n"
    (payment,) = payments(order)
    assert payment.status == PaymentStatus.SUCCEEDED
    assert reload(order).status == OrderStatus.PAID
    assert len(DummyGateway.charges) == 1


def test_crash_before_the_provider_call_is_reconciled_as_never_charged(order):
    # The attempt was committed, then the process died before calling the provider.
    service = get_order_service()
    payment, created = service.begin_payment(order, service.get_gateway())
    assert created
    assert payment.status == PaymentStatus.CREATED
    assert service.reconcile(older_than=3600) == {}  # too recent: left alone
    assert service.reconcile(older_than=0) == {"failed": 1}
    assert reload(payment).status == PaymentStatus.FAILED
    assert DummyGateway.charges == {}
    service.process_payment(order, {"token": "tok_ok"})  # a fresh attempt can pay
    assert reload(order).status == OrderStatus.PAID


def test_gateway_error_before_charging_can_be_retried(order):
    with pytest.raises(PaymentPending, match="could not be reached"):
        get_order_service().process_payment(order, {"token": "tok_error"})
    assert reload(order).status == OrderStatus.PENDING
    assert DummyGateway.charges == {}
    get_order_service().process_payment(order, {"token": "tok_ok"})
    assert len(DummyGateway.charges) == 1


def test_cancelled_order_cannot_be_paid(order):
    get_order_service().cancel(order)
    with pytest.raises(InvalidTransition):
        get_order_service().process_payment(order, {})
    assert DummyGateway.charges == {}


def test_action_required_then_succeeded_by_webhook(order, client):
    with pytest.raises(PaymentActionRequired) as excinfo:
        get_order_service().process_payment(order, {"token": "tok_3ds"})
    payment = excinfo.value.payment
    assert payment.status == PaymentStatus.REQUIRES_ACTION
    assert payment.action["type"] == "client_secret"
    secret = payment.action["client_secret"]
    # Paying again while the buyer has not acted answers the same action, charges nothing.
    with pytest.raises(PaymentActionRequired) as again:
        get_order_service().process_payment(reload(order), {"token": "tok_ok"})
    assert again.value.payment.pk == payment.pk
    assert DummyGateway.charges == {}

    DummyGateway.complete(secret, approve=True)  # the buyer passes 3-D Secure
    response = deliver(client, *DummyGateway.webhook(payment.idempotency_key))
    assert response.status_code == 200
    assert response.json() == {"received": 1, "processed": 1}
    assert reload(payment).status == PaymentStatus.SUCCEEDED
    assert reload(order).status == OrderStatus.PAID


def test_redirect_then_return_before_the_webhook(order, client, user):
    client.force_login(user)
    pay = reverse("shopkit_orders:order-pay", args=[order.number])
    response = client.post(pay, {"token": "tok_redirect"})
    provider_page = response["Location"]
    assert provider_page.startswith(reverse("shopkit_orders:dummy-provider", args=["x"])[:-2])
    assert client.get(provider_page).status_code == 200
    back = client.post(provider_page, {"outcome": "approve"})
    assert back["Location"].endswith(reverse("shopkit_orders:order-return", args=[order.number]))
    page = client.get(back["Location"], follow=True)
    assert b"Thank you, your payment was received." in page.content
    assert reload(order).status == OrderStatus.PAID
    # The webhook arriving afterwards finds the payment final and changes nothing.
    (payment,) = payments(order)
    response = deliver(client, *DummyGateway.webhook(payment.idempotency_key))
    assert response.json() == {"received": 1, "processed": 1}
    assert reload(payment).status == PaymentStatus.SUCCEEDED
    assert len(DummyGateway.charges) == 1


def test_redirect_then_webhook_before_the_return(order, client, user):
    client.force_login(user)
    pay = reverse("shopkit_orders:order-pay", args=[order.number])
    provider_page = client.post(pay, {"token": "tok_redirect"})["Location"]
    back = client.post(provider_page, {"outcome": "approve"})["Location"]
    (payment,) = payments(order)
    deliver(client, *DummyGateway.webhook(payment.idempotency_key))
    assert reload(order).status == OrderStatus.PAID
    page = client.get(back, follow=True)
    assert b"Thank you, your payment was received." in page.content
    assert reload(payment).status == PaymentStatus.SUCCEEDED


def test_redirect_declined_on_the_provider_page(order, client, user):
    client.force_login(user)
    pay = reverse("shopkit_orders:order-pay", args=[order.number])
    provider_page = client.post(pay, {"token": "tok_redirect"})["Location"]
    page = client.get(client.post(provider_page, {"outcome": "decline"})["Location"], follow=True)
    assert b"declined" in page.content
    assert payments(order)[0].status == PaymentStatus.FAILED
    assert reload(order).status == OrderStatus.PENDING
    # A finished payment's provider page is gone.
    assert client.post(provider_page, {"outcome": "approve"}).status_code == 404


def test_duplicate_and_out_of_order_webhooks(order, client):
    with pytest.raises(PaymentActionRequired) as excinfo:
        get_order_service().process_payment(order, {"token": "tok_3ds"})
    payment = excinfo.value.payment
    DummyGateway.complete(payment.action["client_secret"], approve=True)
    succeeded = DummyGateway.webhook(payment.idempotency_key, event_id="evt_ok")
    # A stale "requires action" event, signed, arriving after the success.
    stale_body = succeeded[0].replace(b'"succeeded"', b'"failed"').replace(b"evt_ok", b"evt_old")
    assert deliver(client, *succeeded).json()["processed"] == 1
    assert deliver(client, *succeeded).json()["processed"] == 0  # replayed id: once only
    assert deliver(client, stale_body, DummyGateway.sign(stale_body)).json()["processed"] == 1
    assert reload(payment).status == PaymentStatus.SUCCEEDED  # the failure did not win
    assert reload(order).status == OrderStatus.PAID
    assert get_payment_event_model().objects.filter(payment=payment).count() == 2


def test_webhook_with_a_bad_signature_is_a_400_and_changes_nothing(order, client):
    with pytest.raises(PaymentActionRequired) as excinfo:
        get_order_service().process_payment(order, {"token": "tok_3ds"})
    payment = excinfo.value.payment
    DummyGateway.complete(payment.action["client_secret"], approve=True)
    body, _signature = DummyGateway.webhook(payment.idempotency_key)
    for signature in ("", "0" * 64):
        response = deliver(client, body, signature)
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_webhook"
    assert (
        client.post(
            reverse("shopkit-payment-webhook"), b"not json", content_type="text/plain"
        ).status_code
        == 400
    )
    assert reload(payment).status == PaymentStatus.REQUIRES_ACTION
    assert get_payment_event_model().objects.count() == 0


def test_partial_then_full_refund(order):
    payment = get_order_service().process_payment(order, {})
    first = get_order_service().refund(order, Decimal("15.00"))
    assert first.amount == Decimal("15.00")
    assert reload(payment).status == PaymentStatus.PARTIALLY_REFUNDED
    assert reload(order).status == OrderStatus.PAID
    fresh = reload(order)
    assert (fresh.amount_paid, fresh.amount_refunded) == (Decimal("40.00"), Decimal("15.00"))

    rest = get_order_service().refund(order)  # the remaining 25.00
    assert rest.amount == Decimal("25.00")
    assert reload(payment).status == PaymentStatus.REFUNDED
    assert reload(payment).amount_refunded == Decimal("40.00")
    assert reload(order).status == OrderStatus.REFUNDED
    assert DummyGateway.refunds == {payment.reference: Decimal("40.00")}
    assert [r.status for r in get_refund_model().objects.filter(order=order)] == [
        "succeeded",
        "succeeded",
    ]


@pytest.mark.parametrize("amount", ["30.01", "0", "-1"])
def test_refund_above_the_captured_amount_is_refused(order, amount):
    get_order_service().process_payment(order, {})
    get_order_service().refund(order, Decimal("10.00"))
    with pytest.raises(InvalidRefund, match=r"at most 30\.00"):
        get_order_service().refund(order, Decimal(amount))
    assert get_refund_model().objects.count() == 1
    assert DummyGateway.refunds == {payments(order)[0].reference: Decimal("10.00")}


def test_database_refuses_a_refunded_amount_above_the_payment(order):
    from django.db import IntegrityError, transaction

    payment = get_order_service().process_payment(order, {})
    with pytest.raises(IntegrityError), transaction.atomic():
        get_payment_model().objects.filter(pk=payment.pk).update(amount_refunded=Decimal("40.01"))


class RefusingRefunds(DummyGateway):
    name = "refuser"

    def refund(self, payment, amount, idempotency_key):
        return PaymentResult(Outcome.FAILED, "", "no refunds today")


def test_refund_refused_by_the_gateway_releases_the_reservation(order, settings):
    get_order_service().process_payment(order, {})
    settings.SHOPKIT_PAYMENT_GATEWAY = f"{__name__}.RefusingRefunds"
    with pytest.raises(PaymentError, match="no refunds today"):
        get_order_service().refund(order)
    assert reload(order).status == OrderStatus.PAID
    assert payments(order)[0].amount_refunded == Decimal("0.00")
    assert get_refund_model().objects.get().status == "failed"


class TimingOutRefunds(DummyGateway):
    def refund(self, payment, amount, idempotency_key):
        raise GatewayTimeout("refund timed out")


def test_refund_timeout_keeps_the_amount_reserved_until_reconciled(order, settings):
    get_order_service().process_payment(order, {})
    settings.SHOPKIT_PAYMENT_GATEWAY = f"{__name__}.TimingOutRefunds"
    with pytest.raises(PaymentPending, match="refund timed out"):
        get_order_service().refund(order)
    assert reload(order).status == OrderStatus.PAID
    # The reserved amount blocks a second refund while the first is unknown.
    with pytest.raises(InvalidRefund):
        get_order_service().refund(order, Decimal("1.00"))
    settings.SHOPKIT_PAYMENT_GATEWAY = "django_shopkit.orders.gateways.dummy.DummyGateway"
    assert get_order_service().reconcile(older_than=0) == {"refund_succeeded": 1}
    assert reload(order).status == OrderStatus.REFUNDED
    assert len(DummyGateway.refunds) == 1


def test_order_with_an_unresolved_payment_cannot_be_cancelled(order):
    product = get_order_item_model()._default_manager.get(order=order).product
    stock = reload(product).stock
    with pytest.raises(PaymentPending):
        get_order_service().process_payment(order, {"token": "tok_timeout"})
    with pytest.raises(InvalidTransition, match="unresolved"):
        get_order_service().cancel(order)
    assert reload(order).status == OrderStatus.PENDING
    assert reload(product).stock == stock  # nothing released while the card may be charged
    get_order_service().process_payment(order, {"token": "tok_ok"})  # settles: it was charged
    assert reload(order).status == OrderStatus.PAID
    assert len(DummyGateway.charges) == 1


def test_cancelling_an_order_cancels_the_attempt_waiting_for_the_buyer(order):
    with pytest.raises(PaymentActionRequired) as excinfo:
        get_order_service().process_payment(order, {"token": "tok_3ds"})
    get_order_service().cancel(order)
    assert reload(order).status == OrderStatus.CANCELLED
    assert reload(excinfo.value.payment).status == PaymentStatus.CANCELLED
    with pytest.raises(KeyError):  # the provider refuses to complete it now
        DummyGateway.complete(excinfo.value.payment.action["client_secret"], approve=True)


def test_pending_payment_settles_later(order):
    with pytest.raises(PaymentProcessing):
        get_order_service().process_payment(order, {"token": "tok_pending"})
    (payment,) = payments(order)
    assert payment.status == PaymentStatus.PROCESSING
    DummyGateway.complete(_secret_of(payment), approve=True)  # the bank transfer clears
    get_order_service().refresh_payment(payment)
    assert reload(order).status == OrderStatus.PAID


def _secret_of(payment):
    return DummyGateway._ledger[payment.idempotency_key].client_secret


def test_default_token_class_attribute_picks_the_outcome(order, settings):
    settings.SHOPKIT_PAYMENT_GATEWAY = f"{__name__}.DecliningGateway"
    with pytest.raises(PaymentDeclined):
        get_order_service().process_payment(order, None)
    assert payments(order)[0].gateway == "dummy"


class DecliningGateway(DummyGateway):
    default_token = DummyGateway.DECLINE_TOKEN


def test_gateway_setting_and_interface():
    assert isinstance(get_payment_gateway(), DummyGateway)
    with pytest.raises(TypeError):
        PaymentGateway()  # abstract


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("12.34", "USD", 1234), ("1000", "JPY", 1000), ("0.5", "EUR", 50), ("1.005", "USD", 101)],
)
def test_minor_units(amount, currency, minor):
    assert to_minor_units(Decimal(amount), currency) == minor
    assert from_minor_units(minor, currency) == Decimal(minor).scaleb(
        -2 if currency != "JPY" else 0
    )


class AssertingGateway(DummyGateway):
    """Records whether a transaction was open at each provider call."""

    in_atomic_block: list = []

    def start_payment(self, payment, payment_data, return_url=""):
        self.in_atomic_block.append(("start", connection.in_atomic_block))
        return super().start_payment(payment, payment_data, return_url)

    def refresh(self, payment):
        self.in_atomic_block.append(("refresh", connection.in_atomic_block))
        return super().refresh(payment)

    def refund(self, payment, amount, idempotency_key):
        self.in_atomic_block.append(("refund", connection.in_atomic_block))
        return super().refund(payment, amount, idempotency_key)


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_during_the_provider_call(user, settings, monkeypatch):
    # Even with ATOMIC_REQUESTS, which wraps every other view in a transaction.
    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", True)
    settings.SHOPKIT_PAYMENT_GATEWAY = f"{__name__}.AssertingGateway"
    AssertingGateway.in_atomic_block = []
    api = APIClient()
    api.force_authenticate(user)
    first = place_order(user, (make_product(price="5.00"), 1))
    assert (
        api.post(reverse("shopkit-order-pay", args=[first.pk]), {"token": "tok_ok"}).status_code
        == 200
    )
    second = place_order(user, (make_product(price="5.00"), 1))
    client = Client()
    client.force_login(user)
    pay = reverse("shopkit_orders:order-pay", args=[second.number])
    provider_page = client.post(pay, {"token": "tok_redirect"})["Location"]
    back = client.post(provider_page, {"outcome": "approve"})["Location"]
    client.get(back)
    get_order_service().refund(first, Decimal("1.00"))
    assert [call for call, _ in AssertingGateway.in_atomic_block] == [
        "start",
        "start",
        "refresh",
        "refund",
    ]
    assert not any(in_atomic for _, in_atomic in AssertingGateway.in_atomic_block)
    assert reload(second).status == OrderStatus.PAID


def test_webhook_query_count_is_constant(order, client, django_assert_num_queries):
    with pytest.raises(PaymentActionRequired) as excinfo:
        get_order_service().process_payment(order, {"token": "tok_3ds"})
    payment = excinfo.value.payment
    DummyGateway.complete(payment.action["client_secret"], approve=True)
    body, signature = DummyGateway.webhook(payment.idempotency_key)
    # find the attempt, store the event, move the attempt and the order, read it back; plus
    # the savepoints of the event's transaction and of the duplicate check.
    with django_assert_num_queries(11):
        assert deliver(client, body, signature).status_code == 200
    # A duplicate: the attempt is found, the event's insert is refused by the unique
    # constraint and rolled back to its savepoint; nothing else runs.
    with django_assert_num_queries(7):
        assert deliver(client, body, signature).json()["processed"] == 0


def test_dummy_gateway_is_still_importable_from_its_old_home(order, settings):
    from django_shopkit.orders import payments

    assert payments.DummyGateway is DummyGateway
    settings.SHOPKIT_PAYMENT_GATEWAY = "django_shopkit.orders.payments.DummyGateway"
    assert isinstance(get_payment_gateway(), DummyGateway)
    with pytest.raises(AttributeError):
        payments.NoSuchGateway  # noqa: B018
