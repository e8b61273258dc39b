"""The states of an order and the moves between them that need no payment."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from django_shopkit.catalog.services import get_catalog_service
from django_shopkit.loading import get_order_item_model, get_order_model, get_payment_model
from django_shopkit.orders import signals
from django_shopkit.orders.abstract_models import OPEN_PAYMENT_STATUSES, OrderStatus
from django_shopkit.orders.exceptions import InvalidTransition

__all__ = ["ALLOWED_TRANSITIONS", "OrderTransitions"]

#: Current status -> the statuses an order may move to from there.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.FULFILLED, OrderStatus.REFUNDED}),
    OrderStatus.FULFILLED: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
}


class OrderTransitions:
    """Status changes of an order: cancel and fulfil; the base of the order service."""

    transitions: Mapping[str, frozenset[str]] = ALLOWED_TRANSITIONS

    def on_commit(self, func: Any, *args: Any, **kwargs: Any) -> None:
        """Call ``func(*args, **kwargs)`` once the transaction commits, never on rollback."""
        # robust: a failing receiver or mail server is logged; the order is already committed.
        transaction.on_commit(lambda: func(*args, **kwargs), robust=True)

    def check_transition(self, order: Any, target: str, reason: str = "") -> None:
        """Raise InvalidTransition unless ``order`` may move to ``target``."""
        if target not in self.transitions.get(order.status, frozenset()):
            raise InvalidTransition(order, target, reason or None)

    def lock(self, order: Any) -> Any:
        """Return a fresh copy of ``order`` with its row locked until the transaction ends."""
        locked: Any = get_order_model()._default_manager.select_for_update().get(pk=order.pk)
        return locked

    def _sync(self, stale: Any, fresh: Any) -> Any:
        """Copy the locked row's state onto the caller's instance and return it."""
        # The amounts too: a refund or a payment changes them, and the caller reads them next.
        fields = ("status", "paid_at", "fulfilled_at", "cancelled_at", "updated_at")
        for field in (*fields, "amount_paid", "amount_refunded"):
            setattr(stale, field, getattr(fresh, field))
        return stale

    def cancel(self, order: Any) -> Any:
        """Cancel a pending order and put its units back in stock.

        Refused while a payment attempt's outcome is unknown (a timeout): the card may have
        been charged, so the buyer or staff first retries the payment, which settles it.
        """
        with transaction.atomic():
            locked = self.lock(order)
            self.check_transition(locked, OrderStatus.CANCELLED)
            unresolved = get_payment_model()._default_manager.filter(
                order=locked, status__in=OPEN_PAYMENT_STATUSES
            )
            if unresolved.exists():
                raise InvalidTransition(
                    locked,
                    OrderStatus.CANCELLED,
                    _("A payment attempt is unresolved; retry the payment to settle it first."),
                )
            quantities: dict[int, int] = {}
            rows = get_order_item_model()._default_manager.filter(
                order=locked, product__isnull=False
            )
            for product_id, quantity in rows.values_list("product_id", "quantity"):
                quantities[product_id] = quantities.get(product_id, 0) + quantity
            if quantities:
                get_catalog_service().release_many(quantities)
            locked.status = OrderStatus.CANCELLED
            locked.cancelled_at = timezone.now()
            locked.save(update_fields=["status", "cancelled_at", "updated_at"])
            self.on_commit(self._send, signals.order_cancelled, locked)
        return self._sync(order, locked)

    def fulfil(self, order: Any) -> Any:
        """Mark a paid order as fulfilled (shipped or handed over)."""
        with transaction.atomic():
            locked = self.lock(order)
            self.check_transition(locked, OrderStatus.FULFILLED)
            locked.status = OrderStatus.FULFILLED
            locked.fulfilled_at = timezone.now()
            locked.save(update_fields=["status", "fulfilled_at", "updated_at"])
            self.on_commit(self._send, signals.order_fulfilled, locked)
        return self._sync(order, locked)

    def _send(self, signal: Any, order: Any, **kwargs: Any) -> None:
        # send_robust: a failing receiver is logged and cannot stop the others.
        signal.send_robust(sender=type(order), order=order, **kwargs)
