"""System checks of the orders app.

Ids:

* ``shopkit.E021``: ``django_shopkit.orders`` is installed without ``django_shopkit.catalog``.
* ``shopkit.E022`` (``check --deploy`` only): the payment gateway is the ``DummyGateway``, which
  accepts any token, while ``DEBUG`` is off.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig, apps
from django.conf import settings as django_settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from django_shopkit.loading import get_class


def check_catalog_installed(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Report the orders app installed without the catalog app it sells from."""
    if apps.is_installed("django_shopkit.catalog"):
        return []
    return [
        checks.Error(
            "'django_shopkit.orders' is installed without 'django_shopkit.catalog'; carts and "
            "orders hold catalog products, and the storefront extends the catalog's templates.",
            hint='Add "django_shopkit.catalog" to INSTALLED_APPS, before "django_shopkit.orders".',
            id="shopkit.E021",
        )
    ]


def check_payment_gateway(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Report the development gateway configured in production (``DEBUG = False``)."""
    from django_shopkit.orders.payments import DummyGateway

    if django_settings.DEBUG:
        return []
    try:
        gateway = get_class("PAYMENT_GATEWAY")
    except (ImproperlyConfigured, AttributeError):
        return []  # shopkit.E005 reports a path that does not import
    if not (isinstance(gateway, type) and issubclass(gateway, DummyGateway)):
        return []
    path = getattr(django_settings, "SHOPKIT_PAYMENT_GATEWAY", "")
    return [
        checks.Error(
            f"SHOPKIT_PAYMENT_GATEWAY is {path}, the "
            "development gateway: any test token pays, so unpaid orders would be marked paid.",
            hint=(
                "Set SHOPKIT_PAYMENT_GATEWAY to a real provider's gateway: a subclass of "
                "django_shopkit.orders.payments.PaymentGateway (see the payments docs)."
            ),
            id="shopkit.E022",
        )
    ]
