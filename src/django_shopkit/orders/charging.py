"""Charging and refunding orders through the payment gateway, at most once per order."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from django_shopkit.loading import get_payment_model
from django_shopkit.orders import signals
from django_shopkit.orders.abstract_models import OrderStatus, PaymentStatus
from django_shopkit.orders.exceptions import (
    InvalidTransition,
    PaymentDeclined,
    PaymentError,
    PaymentPending,
)
from django_shopkit.orders.payments import GatewayError, PaymentGateway, get_payment_gateway
from django_shopkit.orders.states import OrderTransitions

__all__ = ["OrderPayments"]

logger = logging.getLogger(__name__)


class OrderPayments(OrderTransitions):
    """Payment steps of the order service: charge once, refund."""

    def get_gateway(self) -> PaymentGateway:
        """Return the payment gateway to charge through. Override to pick one per order."""
        return get_payment_gateway()

    def process_payment(self, order: Any, payment_data: Mapping[str, Any] | None = None) -> Any:
        """Charge the order's total once and mark it paid; return the successful payment.

        The order row stays locked during the gateway call, so concurrent calls for one order
        run one after the other and the second finds the order paid. Each attempt is a Payment
        row with an idempotency key; an attempt whose outcome is unknown (timeout) stays
        ``pending`` and the next call retries it with the same key, which a real provider
        answers with the first charge instead of charging again. Raises PaymentDeclined,
        PaymentPending or InvalidTransition.
        """
        gateway = self.get_gateway()
        payment_model = get_payment_model()
        with transaction.atomic():
            locked = self.lock(order)
            self.check_transition(locked, OrderStatus.PAID)
            payments = payment_model._default_manager.filter(order=locked)
            payment = payments.filter(status=PaymentStatus.PENDING).order_by("pk").last()
            if payment is None:
                payment = payment_model._default_manager.create(
                    order=locked,
                    gateway=gateway.name,
                    amount=locked.total,
                    currency=locked.currency,
                    idempotency_key=f"order-{locked.pk}-attempt-{payments.count() + 1}",
                )
            try:
                result = gateway.charge(
                    amount=payment.amount,
                    currency=payment.currency,
                    payment_data=payment_data or {},
                    idempotency_key=payment.idempotency_key,
                )
            except GatewayError as exc:
                # Unknown outcome: keep the attempt pending so a retry reuses its key.
                logger.warning("Payment %s of order %s: %s", payment.pk, locked.number, exc)
                payment.message = str(exc)
                payment.save(update_fields=["message", "updated_at"])
                error: PaymentError = PaymentPending(
                    _("The payment could not be confirmed; try again: %(reason)s")
                    % {"reason": exc},
                    payment,
                )
            else:
                payment.reference = result.reference
                payment.message = result.message
                if result.success:
                    payment.status = PaymentStatus.SUCCEEDED
                    payment.save(update_fields=["status", "reference", "message", "updated_at"])
                    locked.status = OrderStatus.PAID
                    locked.paid_at = timezone.now()
                    locked.save(update_fields=["status", "paid_at", "updated_at"])
                    self.on_commit(self._send, signals.order_paid, locked, payment=payment)
                    self._sync(order, locked)
                    return payment
                payment.status = PaymentStatus.FAILED
                payment.save(update_fields=["status", "reference", "message", "updated_at"])
                error = PaymentDeclined(
                    _("The payment was declined: %(reason)s") % {"reason": result.message},
                    payment,
                )
        # Raised after the atomic block so the failed or pending attempt is committed.
        raise error

    def refund(self, order: Any) -> Any:
        """Refund the successful payment of a paid or fulfilled order through its gateway."""
        gateway = self.get_gateway()
        with transaction.atomic():
            locked = self.lock(order)
            self.check_transition(locked, OrderStatus.REFUNDED)
            payment = (
                get_payment_model()
                ._default_manager.filter(order=locked, status=PaymentStatus.SUCCEEDED)
                .first()
            )
            if payment is None:
                raise InvalidTransition(locked, OrderStatus.REFUNDED, _("It has no payment."))
            try:
                result = gateway.refund(
                    reference=payment.reference,
                    amount=payment.amount,
                    currency=payment.currency,
                    idempotency_key=f"refund-{payment.idempotency_key}",
                )
            except GatewayError as exc:
                raise PaymentPending(
                    _("The refund could not be confirmed; try again: %(reason)s") % {"reason": exc},
                    payment,
                ) from exc
            if not result.success:
                raise PaymentError(
                    _("The refund was refused: %(reason)s") % {"reason": result.message}, payment
                )
            payment.status = PaymentStatus.REFUNDED
            payment.message = result.message
            payment.save(update_fields=["status", "message", "updated_at"])
            locked.status = OrderStatus.REFUNDED
            locked.save(update_fields=["status", "updated_at"])
            self.on_commit(self._send, signals.order_refunded, locked, payment=payment)
        self._sync(order, locked)
        return payment
