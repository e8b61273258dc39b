"""Paying orders through the gateway: no row lock or open transaction across the call.

Every step has three parts: record the attempt (and its idempotency key) in a short
transaction and commit; call the provider with no transaction open; apply its answer with
conditional UPDATEs (:mod:`django_shopkit.orders.attempts`). A crash between the steps leaves an
open attempt that :meth:`OrderPayments.reconcile` (the ``shopkit_reconcile_payments`` command)
settles by asking the provider. Refunds are in :mod:`~django_shopkit.orders.refunds`, webhook
events in :mod:`~django_shopkit.orders.events`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from django_shopkit.conf import settings
from django_shopkit.loading import get_payment_model, get_refund_model
from django_shopkit.orders.abstract_models import OPEN_PAYMENT_STATUSES, PaymentStatus, RefundStatus
from django_shopkit.orders.events import ProviderEvents
from django_shopkit.orders.exceptions import PaymentError, PaymentPending
from django_shopkit.orders.payments import GatewayError

__all__ = ["OrderPayments"]


class OrderPayments(ProviderEvents):
    """Payment steps of the order service: pay, refresh, cancel, refund, webhooks, reconcile."""

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
