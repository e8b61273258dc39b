"""Refunds, full or partial, never above what was captured.

The amount is reserved on the payment under row locks and committed with a pending Refund row
before the provider is called; the answer settles the row, or releases the reservation.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from django_shopkit.loading import get_order_model, get_payment_model, get_refund_model
from django_shopkit.orders import signals
from django_shopkit.orders.abstract_models import (
    CAPTURED_PAYMENT_STATUSES,
    OrderStatus,
    PaymentStatus,
    RefundStatus,
)
from django_shopkit.orders.attempts import PaymentAttempts
from django_shopkit.orders.exceptions import (
    InvalidRefund,
    InvalidTransition,
    PaymentError,
    PaymentPending,
)
from django_shopkit.orders.payments import GatewayError, GatewayEvent, Outcome, PaymentResult

__all__ = ["OrderRefunds"]


class OrderRefunds(PaymentAttempts):
    """Refund steps of the order service, and refunds the provider reports by webhook."""

    def refund(self, order: Any, amount: Decimal | None = None) -> Any:
        """Refund ``amount`` (default: all that is left) of the order's captured payment.

        The amount is reserved on the payment under a row lock and committed with a pending
        Refund row before the provider is called, so concurrent refunds can never add up to
        more than was captured (a database constraint backs this up). Returns the Refund;
        raises InvalidRefund, InvalidTransition, PaymentError (refused) or PaymentPending.
        """
        refund = self.begin_refund(order, amount)
        refund = self._send_refund(refund)
        fresh = get_order_model()._default_manager.get(pk=order.pk)
        self._sync(order, fresh)
        return refund

    def begin_refund(self, order: Any, amount: Decimal | None = None) -> Any:
        """Record a pending refund and reserve its amount on the payment; return the Refund."""
        payment_model = get_payment_model()
        with transaction.atomic():
            locked = self.lock(order)
            self.check_transition(locked, OrderStatus.REFUNDED)
            payment: Any = (
                payment_model._default_manager.select_for_update()
                .filter(order=locked, status__in=CAPTURED_PAYMENT_STATUSES)
                .first()
            )
            if payment is None:
                raise InvalidTransition(locked, OrderStatus.REFUNDED, _("It has no payment."))
            left = payment.amount - payment.amount_refunded
            amount = left if amount is None else Decimal(amount)
            if amount <= 0 or amount > left:
                raise InvalidRefund(
                    _("A refund must be more than 0 and at most %(left)s %(currency)s.")
                    % {"left": left, "currency": payment.currency}
                )
            payment_model._default_manager.filter(pk=payment.pk).update(
                amount_refunded=F("amount_refunded") + amount, updated_at=timezone.now()
            )
            refund = get_refund_model()._default_manager.create(
                order=locked,
                payment=payment,
                amount=amount,
                idempotency_key=self.new_idempotency_key(locked, "refund"),
            )
        refund.payment = payment
        return refund

    def _send_refund(self, refund: Any) -> Any:
        try:
            result = self.get_gateway().refund(
                refund.payment, refund.amount, refund.idempotency_key
            )
        except GatewayError as exc:
            get_refund_model()._default_manager.filter(pk=refund.pk).update(
                message=str(exc), updated_at=timezone.now()
            )
            raise PaymentPending(
                _("The refund could not be confirmed; try again: %(reason)s") % {"reason": exc},
                refund.payment,
            ) from exc
        return self.apply_refund(refund, result)

    def apply_refund(self, refund: Any, result: PaymentResult) -> Any:
        """Settle a pending refund with the provider's answer; return it re-read."""
        refund_model = get_refund_model()
        now = timezone.now()
        with transaction.atomic():
            if result.success:
                moved = refund_model._default_manager.filter(
                    pk=refund.pk, status=RefundStatus.PENDING
                ).update(
                    status=RefundStatus.SUCCEEDED,
                    reference=result.reference,
                    message=result.message,
                    updated_at=now,
                )
                if moved:
                    self._refunded(refund.payment_id)
            else:
                moved = refund_model._default_manager.filter(
                    pk=refund.pk, status=RefundStatus.PENDING
                ).update(status=RefundStatus.FAILED, message=result.message, updated_at=now)
                if moved:
                    # Release the reservation: the money was not returned.
                    get_payment_model()._default_manager.filter(pk=refund.payment_id).update(
                        amount_refunded=F("amount_refunded") - refund.amount, updated_at=now
                    )
            fresh = refund_model._default_manager.select_related("payment").get(pk=refund.pk)
        if fresh.status == RefundStatus.FAILED:
            raise PaymentError(
                _("The refund was refused: %(reason)s") % {"reason": fresh.message}, fresh.payment
            )
        return fresh

    def _refunded(self, payment_id: Any) -> None:
        """Update a payment's and its order's status after a refund succeeded."""
        payment_model = get_payment_model()
        payment: Any = payment_model._default_manager.select_for_update().get(pk=payment_id)
        settled = get_refund_model()._default_manager.filter(
            payment=payment, status=RefundStatus.SUCCEEDED
        ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
        full = settled >= payment.amount
        status = PaymentStatus.REFUNDED if full else PaymentStatus.PARTIALLY_REFUNDED
        now = timezone.now()
        payment_model._default_manager.filter(pk=payment.pk).update(status=status, updated_at=now)
        order_model = get_order_model()
        # One captured payment per order: its settled refunds are the order's.
        order_model._default_manager.filter(pk=payment.order_id, amount_paid__gte=settled).update(
            amount_refunded=settled, updated_at=now
        )
        if not full:
            return
        refundable = [
            s for s, targets in self.transitions.items() if OrderStatus.REFUNDED in targets
        ]
        if order_model._default_manager.filter(pk=payment.order_id, status__in=refundable).update(
            status=OrderStatus.REFUNDED, updated_at=now
        ):
            order = order_model._default_manager.get(pk=payment.order_id)
            self.on_commit(self._send, signals.order_refunded, order, payment=payment)

    def apply_provider_refund(self, payment: Any, event: GatewayEvent) -> None:
        """Record a refund the provider reports (e.g. made in its dashboard) not known yet."""
        assert event.amount_refunded is not None
        if payment.status not in CAPTURED_PAYMENT_STATUSES:
            # A refund implies a capture whose own event has not arrived yet.
            payment = self.apply_result(payment, PaymentResult(Outcome.SUCCEEDED, event.reference))
        payment_model = get_payment_model()
        with transaction.atomic():
            locked: Any = payment_model._default_manager.select_for_update().get(pk=payment.pk)
            extra = min(event.amount_refunded, locked.amount) - locked.amount_refunded
            if extra <= 0:
                return  # our own refunds, already recorded
            payment_model._default_manager.filter(pk=locked.pk).update(
                amount_refunded=F("amount_refunded") + extra, updated_at=timezone.now()
            )
            get_refund_model()._default_manager.create(
                order_id=locked.order_id,
                payment=locked,
                amount=extra,
                status=RefundStatus.SUCCEEDED,
                reference=event.reference,
                message=_("Refunded at the provider."),
                idempotency_key=f"{locked.gateway}-event-{event.id}",
            )
            self._refunded(locked.pk)
