"""Paying and refunding orders through the gateway: no lock or transaction across the call.

Every step has three parts: record the attempt (and its idempotency key) in a short
transaction and commit; call the provider with no transaction open; apply its answer with
conditional UPDATEs that only move an attempt out of an open state. A crash between the steps
leaves an open attempt that :meth:`OrderPayments.refresh_payment` (the
``shopkit_reconcile_payments`` command) settles by asking the provider.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from django_shopkit.conf import settings
from django_shopkit.loading import (
    get_order_model,
    get_payment_event_model,
    get_payment_model,
    get_refund_model,
)
from django_shopkit.orders import signals
from django_shopkit.orders.abstract_models import (
    CAPTURED_PAYMENT_STATUSES,
    OPEN_PAYMENT_STATUSES,
    OrderStatus,
    PaymentStatus,
    RefundStatus,
)
from django_shopkit.orders.exceptions import (
    InvalidRefund,
    InvalidTransition,
    PaymentActionRequired,
    PaymentDeclined,
    PaymentError,
    PaymentPending,
    PaymentProcessing,
)
from django_shopkit.orders.payments import (
    GatewayError,
    GatewayEvent,
    Outcome,
    PaymentGateway,
    PaymentResult,
    get_payment_gateway,
)
from django_shopkit.orders.states import OrderTransitions

__all__ = ["OrderPayments"]

logger = logging.getLogger(__name__)

#: The payment status each provider outcome moves an open attempt to.
_STATUS_OF: dict[Outcome, str] = {
    Outcome.SUCCEEDED: PaymentStatus.SUCCEEDED,
    Outcome.FAILED: PaymentStatus.FAILED,
    Outcome.PENDING: PaymentStatus.PROCESSING,
    Outcome.REQUIRES_ACTION: PaymentStatus.REQUIRES_ACTION,
    Outcome.CANCELLED: PaymentStatus.CANCELLED,
}


class OrderPayments(OrderTransitions):
    """Payment steps of the order service: pay, refresh, cancel, refund, webhooks."""

    def get_gateway(self) -> PaymentGateway:
        """Return the payment gateway to charge through. Override to pick one per order."""
        return get_payment_gateway()

    def new_idempotency_key(self, order: Any, kind: str = "pay") -> str:
        """Return a provider idempotency key for a new attempt or refund; unique everywhere."""
        # Random, not a counter: provider keys live per account, across databases and resets.
        return f"shopkit-{kind}-{order.number}-{uuid.uuid4().hex}"

    # -- Paying ---------------------------------------------------------------------------

    def process_payment(
        self, order: Any, payment_data: Mapping[str, Any] | None = None, return_url: str = ""
    ) -> Any:
        """Pay the order's total once; return the captured payment and mark the order paid.

        The attempt is recorded and committed first, the gateway is called with no
        transaction or row lock open, and its answer is applied with conditional updates. An
        order has one open attempt at a time: concurrent calls share it and its idempotency
        key, so the provider charges once. Raises PaymentActionRequired (the buyer must act;
        ``payment.action``), PaymentProcessing (settles later), PaymentDeclined,
        PaymentPending (unknown outcome; retrying is safe) or InvalidTransition.
        """
        gateway = self.get_gateway()
        payment, created = self.begin_payment(order, gateway)
        try:
            if created or (payment.status == PaymentStatus.CREATED or not payment.reference):
                # New, or never answered: (re)send it; the key makes a repeat a no-op.
                result = gateway.start_payment(payment, payment_data or {}, return_url)
            else:
                result = gateway.refresh(payment)
        except GatewayError as exc:
            self.record_unknown(payment, exc)
            raise PaymentPending(
                _("The payment could not be confirmed; try again: %(reason)s") % {"reason": exc},
                payment,
            ) from exc
        payment = self.apply_result(payment, result)
        return self._settle(order, payment)

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

    def cancel(self, order: Any) -> Any:
        """Cancel a pending order; attempts still waiting for the buyer are cancelled first."""
        waiting = get_payment_model()._default_manager.filter(
            order=order, status=PaymentStatus.REQUIRES_ACTION
        )
        for payment in waiting:
            self.cancel_payment(payment)
        return super().cancel(order)

    def reconcile(self, older_than: int | None = None) -> dict[str, int]:
        """Refresh every attempt open for ``older_than`` seconds; return counts by new status.

        Also re-sends refunds left pending (same idempotency key). Defaults to
        ``SHOPKIT_PAYMENT_RECONCILE_AFTER``.
        """
        seconds = settings.SHOPKIT_PAYMENT_RECONCILE_AFTER if older_than is None else older_than
        cutoff = timezone.now() - timedelta(seconds=seconds)
        counts: dict[str, int] = {}
        stuck = get_payment_model()._default_manager.filter(
            status__in=OPEN_PAYMENT_STATUSES, updated_at__lte=cutoff
        )
        for payment in stuck.order_by("pk"):
            try:
                status = str(self.refresh_payment(payment).status)
            except PaymentError:
                status = "unknown"
            counts[status] = counts.get(status, 0) + 1
        refunds = get_refund_model()._default_manager.filter(
            status=RefundStatus.PENDING, updated_at__lte=cutoff
        )
        for refund in refunds.select_related("payment").order_by("pk"):
            try:
                self._send_refund(refund)
                key = "refund_succeeded"
            except PaymentPending:
                key = "refund_unknown"
            except PaymentError:
                key = "refund_failed"
            counts[key] = counts.get(key, 0) + 1
        return counts

    # -- Refunds --------------------------------------------------------------------------

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

    # -- Webhooks -------------------------------------------------------------------------

    def handle_events(self, gateway: PaymentGateway, events: Iterable[GatewayEvent]) -> int:
        """Apply verified provider events, each event id once; return how many were new.

        Each event is stored (unique per gateway and id) and applied in one transaction, so a
        duplicate or replayed delivery changes nothing and a failure lets the provider retry.
        Out-of-order events are harmless: only open attempts move, and a success always wins.
        """
        event_model = get_payment_event_model()
        new = 0
        for event in events:
            with transaction.atomic():
                payment = self.find_payment(gateway, event)
                try:
                    with transaction.atomic():
                        event_model._default_manager.create(
                            gateway=gateway.name,
                            event_id=event.id,
                            event_type=event.type,
                            payment=payment,
                            payload=dict(event.payload),
                        )
                except IntegrityError:
                    logger.info("Event %s of %s was processed already.", event.id, gateway.name)
                    continue
                new += 1
                if payment is None:
                    continue
                if event.outcome is not None:
                    payment = self.apply_result(
                        payment,
                        PaymentResult(
                            event.outcome, event.reference, event.message, None, event.amount
                        ),
                    )
                if event.amount_refunded is not None:
                    self.apply_provider_refund(payment, event)
        return new

    def find_payment(self, gateway: PaymentGateway, event: GatewayEvent) -> Any:
        """Return the attempt an event is about (by idempotency key, else reference) or None."""
        manager = get_payment_model()._default_manager
        if event.payment_key:
            payment = manager.filter(idempotency_key=event.payment_key).first()
            if payment is not None:
                return payment
        if event.reference:
            return manager.filter(gateway=gateway.name, reference=event.reference).first()
        return None

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
