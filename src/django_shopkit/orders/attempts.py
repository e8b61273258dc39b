"""Payment attempts: record one, apply a provider's answer to it, refresh or cancel it.

The base of the order service's payment steps. An answer is applied with conditional UPDATEs
that only move an attempt out of an open state, so a late, duplicate or racing answer (a webhook
and the buyer's return) changes nothing; the order is marked paid in the same way, once.
"""

from __future__ import annotations

import logging
import uuid
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from django_shopkit.loading import get_order_model, get_payment_model
from django_shopkit.orders import signals
from django_shopkit.orders.abstract_models import (
    CAPTURED_PAYMENT_STATUSES,
    OPEN_PAYMENT_STATUSES,
    OrderStatus,
    PaymentStatus,
)
from django_shopkit.orders.exceptions import (
    PaymentActionRequired,
    PaymentDeclined,
    PaymentPending,
    PaymentProcessing,
)
from django_shopkit.orders.payments import (
    GatewayError,
    Outcome,
    PaymentGateway,
    PaymentResult,
    get_payment_gateway,
)
from django_shopkit.orders.states import OrderTransitions

__all__ = ["PaymentAttempts"]

logger = logging.getLogger(__name__)

#: The payment status each provider outcome moves an open attempt to.
_STATUS_OF: dict[Outcome, str] = {
    Outcome.SUCCEEDED: PaymentStatus.SUCCEEDED,
    Outcome.FAILED: PaymentStatus.FAILED,
    Outcome.PENDING: PaymentStatus.PROCESSING,
    Outcome.REQUIRES_ACTION: PaymentStatus.REQUIRES_ACTION,
    Outcome.CANCELLED: PaymentStatus.CANCELLED,
}


class PaymentAttempts(OrderTransitions):
    """Record, settle, refresh and cancel payment attempts; the order service's base."""

    def get_gateway(self) -> PaymentGateway:
        """Return the payment gateway to charge through. Override to pick one per order."""
        return get_payment_gateway()

    def new_idempotency_key(self, order: Any, kind: str = "pay") -> str:
        """Return a provider idempotency key for a new attempt or refund; unique everywhere."""
        # Random, not a counter: provider keys live per account, across databases and resets.
        return f"shopkit-{kind}-{order.number}-{uuid.uuid4().hex}"

    def begin_payment(self, order: Any, gateway: PaymentGateway) -> tuple[Any, bool]:
        """Return the order's open attempt, or record and commit a new one; and whether new."""
        payment_model = get_payment_model()
        with transaction.atomic():
            locked = self.lock(order)
            self.check_transition(locked, OrderStatus.PAID)
            open_attempt = (
                payment_model._default_manager.filter(
                    order=locked, status__in=OPEN_PAYMENT_STATUSES
                )
                .order_by("pk")
                .last()
            )
            if open_attempt is not None:
                return open_attempt, False
            payment = payment_model._default_manager.create(
                order=locked,
                gateway=gateway.name,
                amount=locked.total,
                currency=locked.currency,
                status=PaymentStatus.CREATED,
                idempotency_key=self.new_idempotency_key(locked),
            )
        return payment, True

    def record_unknown(self, payment: Any, exc: Exception) -> None:
        """Keep an attempt whose answer was lost open (``processing``) with the error."""
        logger.warning("Payment %s: the provider's answer is unknown: %s", payment.pk, exc)
        fields: dict[str, Any] = {
            "status": PaymentStatus.PROCESSING,
            "message": str(exc),
            "updated_at": timezone.now(),
        }
        reference = getattr(exc, "reference", "")
        if reference:
            fields["reference"] = reference
        get_payment_model()._default_manager.filter(
            pk=payment.pk, status__in=OPEN_PAYMENT_STATUSES
        ).update(**fields)

    def apply_result(self, payment: Any, result: PaymentResult) -> Any:
        """Move ``payment`` to the provider's answer if it is still open; return it re-read.

        A conditional UPDATE: an answer that arrives after another (a webhook racing the
        buyer's return, a duplicate delivery) changes nothing. A success is applied even to an
        attempt already marked failed, since the money did move.
        """
        payment_model = get_payment_model()
        target = _STATUS_OF[result.outcome]
        sources = list(OPEN_PAYMENT_STATUSES)
        if target == PaymentStatus.SUCCEEDED:
            sources.append(PaymentStatus.FAILED)
        fields: dict[str, Any] = {
            "status": target,
            "message": result.message,
            "action": result.action.as_dict() if result.action else {},
            "updated_at": timezone.now(),
        }
        if result.reference:
            fields["reference"] = result.reference
        try:
            with transaction.atomic():
                moved = payment_model._default_manager.filter(
                    pk=payment.pk, status__in=sources
                ).update(**fields)
                if moved and target == PaymentStatus.SUCCEEDED:
                    self.mark_paid(payment, result.amount)
        except IntegrityError:
            # Another attempt of the order was captured already: this one is a second charge
            # that staff must refund. Never lose it silently.
            logger.error(
                "Payment %s succeeded at the provider but order %s has a captured payment "
                "already; refund it.",
                payment.pk,
                payment.order_id,
            )
        return payment_model._default_manager.get(pk=payment.pk)

    def mark_paid(self, payment: Any, captured: Decimal | None = None) -> None:
        """Mark the payment's order paid if the captured amount covers its total."""
        order_model = get_order_model()
        amount = payment.amount if captured is None else captured
        now = timezone.now()
        payable = [s for s, targets in self.transitions.items() if OrderStatus.PAID in targets]
        moved = order_model._default_manager.filter(
            pk=payment.order_id, status__in=payable, total__lte=amount
        ).update(status=OrderStatus.PAID, paid_at=now, amount_paid=amount, updated_at=now)
        if moved:
            self.on_commit(self._paid, payment.order_id, payment.pk)
        else:
            logger.error(
                "Payment %s captured %s for order %s, which is not payable or costs more.",
                payment.pk,
                amount,
                payment.order_id,
            )

    def _paid(self, order_id: Any, payment_id: Any) -> None:
        """Send ``order_paid`` (after commit)."""
        order = get_order_model()._default_manager.get(pk=order_id)
        payment = get_payment_model()._default_manager.get(pk=payment_id)
        self._send(signals.order_paid, order, payment=payment)

    def _settle(self, order: Any, payment: Any) -> Any:
        """Return a captured payment (the order synced) or raise the error its state means."""
        status = payment.status
        if status in CAPTURED_PAYMENT_STATUSES:
            self._sync(order, get_order_model()._default_manager.get(pk=order.pk))
            return payment
        if status == PaymentStatus.REQUIRES_ACTION:
            raise PaymentActionRequired(_("The payment needs your confirmation."), payment)
        if status in (PaymentStatus.PROCESSING, PaymentStatus.CREATED):
            raise PaymentProcessing(
                _("The payment is being processed; the order is paid once it clears."), payment
            )
        if status == PaymentStatus.CANCELLED:
            raise PaymentDeclined(_("The payment was cancelled."), payment)
        raise PaymentDeclined(
            _("The payment was declined: %(reason)s") % {"reason": payment.message}, payment
        )

    def refresh_payment(self, payment: Any) -> Any:
        """Ask the provider about an open attempt and apply its answer; return it re-read.

        Call it when the buyer returns from a redirect, or from the reconcile command for
        attempts stuck after a crash or a lost answer. Raises PaymentPending if the provider
        still gives no answer.
        """
        if payment.status not in OPEN_PAYMENT_STATUSES:
            return payment
        try:
            result = self.get_gateway().refresh(payment)
        except GatewayError as exc:
            self.record_unknown(payment, exc)
            raise PaymentPending(str(exc), payment) from exc
        return self.apply_result(payment, result)

    def cancel_payment(self, payment: Any) -> Any:
        """Cancel an attempt that waits for the buyer's action; return it re-read."""
        if payment.status not in OPEN_PAYMENT_STATUSES:
            return payment
        try:
            result = self.get_gateway().cancel(payment)
        except GatewayError as exc:
            raise PaymentPending(str(exc), payment) from exc
        return self.apply_result(payment, result)
