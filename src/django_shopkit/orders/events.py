"""Verified provider events, stored once per event id and applied to their attempts."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from django_shopkit.loading import get_payment_event_model, get_payment_model
from django_shopkit.orders.payments import GatewayEvent, PaymentGateway, PaymentResult
from django_shopkit.orders.refunds import OrderRefunds

__all__ = ["ProviderEvents"]

logger = logging.getLogger(__name__)


class ProviderEvents(OrderRefunds):
    """Apply the events a payment provider sends (see :mod:`django_shopkit.orders.webhooks`)."""

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
