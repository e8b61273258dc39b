from decimal import Decimal

import pytest

from django_shopkit.loading import get_order_item_model, get_payment_model
from django_shopkit.orders.abstract_models import OrderStatus, PaymentStatus
from django_shopkit.orders.exceptions import (
    InvalidTransition,
    PaymentDeclined,
    PaymentError,
    PaymentPending,
)
from django_shopkit.orders.payments import (
    DummyGateway,
    GatewayTimeout,
    PaymentGateway,
    PaymentResult,
    get_payment_gateway,
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


def test_successful_payment_marks_the_order_paid(order):
    payment = get_order_service().process_payment(order, {"token": "tok_visa"})
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.amount == Decimal("40.00")
    assert payment.gateway == "dummy"
    assert payment.reference.startswith("dummy_")
    assert payment.idempotency_key == f"order-{order.pk}-attempt-1"
    assert order.status == OrderStatus.PAID
    assert reload(order).paid_at is not None
    assert DummyGateway.charges == {payment.reference: Decimal("40.00")}


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

    payment = get_order_service().process_payment(order, {"token": "tok_ok"})
    assert payment.idempotency_key == f"order-{order.pk}-attempt-2"
    assert [p.status for p in payments(order)] == ["failed", "succeeded"]
    assert reload(order).status == OrderStatus.PAID


def test_timeout_keeps_a_pending_payment_and_the_retry_does_not_charge_twice(order):
    # tok_timeout: the provider charged the card but the answer was lost.
    with pytest.raises(PaymentPending, match="try again"):
        get_order_service().process_payment(order, {"token": "tok_timeout"})
    (pending,) = payments(order)
    assert pending.status == PaymentStatus.PENDING
    assert "did not answer" in pending.message
    assert reload(order).status == OrderStatus.PENDING
    assert len(DummyGateway.charges) == 1

    # The retry reuses the pending attempt's key, so the provider returns the first charge.
    payment = get_order_service().process_payment(order, {"token": "tok_ok"})
    assert payment.pk == pending.pk
    assert payment.status == PaymentStatus.SUCCEEDED
    assert len(DummyGateway.charges) == 1
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


def test_dummy_gateway_is_idempotent_per_key():
    gateway = DummyGateway()
    first = gateway.charge(amount=Decimal(5), currency="USD", payment_data={}, idempotency_key="k1")
    second = gateway.charge(
        amount=Decimal(5), currency="USD", payment_data={}, idempotency_key="k1"
    )
    assert first == second
    assert first.success
    assert len(DummyGateway.charges) == 1
    with pytest.raises(GatewayTimeout):
        gateway.charge(
            amount=Decimal(5),
            currency="USD",
            payment_data={"token": "tok_timeout"},
            idempotency_key="k2",
        )
    refund = gateway.refund(
        reference=first.reference, amount=Decimal(5), currency="USD", idempotency_key="r1"
    )
    assert refund.success
    unknown = gateway.refund(
        reference="nope", amount=Decimal(5), currency="USD", idempotency_key="r2"
    )
    assert not unknown.success


def test_default_token_class_attribute_picks_the_outcome(order, settings):
    settings.SHOPKIT_PAYMENT_GATEWAY = f"{__name__}.DecliningGateway"
    with pytest.raises(PaymentDeclined):
        get_order_service().process_payment(order, None)
    assert payments(order)[0].gateway == "dummy"


class DecliningGateway(DummyGateway):
    default_token = DummyGateway.DECLINE_TOKEN


class RefusingRefunds(DummyGateway):
    name = "refuser"

    def refund(self, **kwargs):
        return PaymentResult(False, "", "no refunds today")


def test_refund_refused_by_the_gateway_keeps_the_order_paid(order, settings):
    get_order_service().process_payment(order, {})
    settings.SHOPKIT_PAYMENT_GATEWAY = f"{__name__}.RefusingRefunds"
    with pytest.raises(PaymentError, match="no refunds today"):
        get_order_service().refund(order)
    assert reload(order).status == OrderStatus.PAID


def test_gateway_setting_and_interface(settings):
    assert isinstance(get_payment_gateway(), DummyGateway)
    with pytest.raises(TypeError):
        PaymentGateway()  # abstract


class TimingOutRefunds(DummyGateway):
    def refund(self, **kwargs):
        raise GatewayTimeout("refund timed out")


def test_refund_timeout_keeps_the_order_paid_and_can_be_retried(order, settings):
    get_order_service().process_payment(order, {})
    settings.SHOPKIT_PAYMENT_GATEWAY = f"{__name__}.TimingOutRefunds"
    with pytest.raises(PaymentPending, match="refund timed out"):
        get_order_service().refund(order)
    assert reload(order).status == OrderStatus.PAID
    settings.SHOPKIT_PAYMENT_GATEWAY = "django_shopkit.orders.payments.DummyGateway"
    get_order_service().refund(order)
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
