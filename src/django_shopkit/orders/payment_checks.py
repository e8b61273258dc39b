"""System checks of the payment gateway's configuration.

Ids:

* ``shopkit.E030``-``E032``: the Stripe gateway lacks the stripe package, its secret key or
  its webhook signing secret (each gateway reports its own through ``check_configuration``).
* ``shopkit.W030`` (deploy): the payment webhook endpoint is not mounted, so providers cannot
  tell the shop that a payment finished.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, reverse

from django_shopkit.loading import get_class

__all__ = ["WEBHOOK_URL_NAME", "check_payment_gateway", "check_webhook_mounted"]

#: URL name of :class:`~django_shopkit.orders.webhooks.PaymentWebhookView`.
WEBHOOK_URL_NAME = "shopkit-payment-webhook"


def check_payment_gateway(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Return the configured gateway's own configuration errors."""
    try:
        gateway_class = get_class("PAYMENT_GATEWAY")
    except (ImproperlyConfigured, AttributeError):
        return []  # shopkit.E005 reports a path that does not import
    check = getattr(gateway_class, "check_configuration", None)
    if check is None:
        return []
    messages: list[checks.CheckMessage] = check()
    return messages


def check_webhook_mounted(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Warn when the payment webhook endpoint is not in the URLconf."""
    try:
        reverse(WEBHOOK_URL_NAME)
    except NoReverseMatch:
        return [
            checks.Warning(
                "The payment webhook endpoint is not mounted: providers cannot report payments "
                "that finish after the request (3-D Secure, redirects, bank transfers).",
                hint="Include django_shopkit.urls (or django_shopkit.orders.urls) in your "
                "URLconf and register its payments/webhook/ URL with your provider.",
                id="shopkit.W030",
            )
        ]
    return []
