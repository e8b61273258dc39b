"""Throttle scopes of shopkit's write endpoints (cart, checkout, payment, reviews, products).

Every shopkit view lists :class:`ShopkitScopedThrottle` after the project's
``DEFAULT_THROTTLE_CLASSES``. It limits unsafe requests (POST, PUT, PATCH, DELETE) per user
(per client address for anonymous requests) and per scope; reads are never throttled by it.
Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` when the scope is named there,
else from ``SHOPKIT_THROTTLE_RATES``. The counters live in Django's default cache, shared by
every worker; a cache that is down lets requests through (and logs a warning) rather than
failing them.
"""

from __future__ import annotations

import logging
from typing import Any

from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle, SimpleRateThrottle
from rest_framework.views import APIView

from django_shopkit.conf import DEFAULT_THROTTLE_RATES, settings

__all__ = ["THROTTLE_CLASSES", "ShopkitScopedThrottle", "throttle_rate"]

logger = logging.getLogger(__name__)

CART = "shopkit_cart"
CHECKOUT = "shopkit_checkout"
PAYMENT = "shopkit_payment"
REVIEW = "shopkit_review"
PRODUCT_WRITE = "shopkit_product_write"


def throttle_rate(scope: str) -> str | None:
    """Return the rate of a throttle scope: DRF's setting first, then shopkit's."""
    drf_rates: Any = api_settings.DEFAULT_THROTTLE_RATES or {}
    if scope in drf_rates:
        rate: str | None = drf_rates[scope]
        return rate
    if scope in settings.SHOPKIT_THROTTLE_RATES:
        return settings.SHOPKIT_THROTTLE_RATES[scope]
    # A host that sets a few scopes keeps the defaults of the others.
    return DEFAULT_THROTTLE_RATES.get(scope)


class ShopkitScopedThrottle(ScopedRateThrottle):
    """Throttle a view's unsafe requests in its ``shopkit_throttle_scope``.

    A view may name a scope per action in ``shopkit_throttle_scopes`` (``{"reviews":
    "shopkit_review"}``); other actions use ``shopkit_throttle_scope``. No scope, or a scope
    whose rate is ``None``, means no limit. Override :meth:`get_scope` to choose otherwise.
    """

    scope_attr = "shopkit_throttle_scope"

    def get_scope(self, request: Request, view: APIView) -> str | None:
        """Return the scope of this request, or ``None`` to let it through."""
        if request.method in SAFE_METHODS:
            return None
        scopes: dict[str, str] = getattr(view, "shopkit_throttle_scopes", None) or {}
        action = getattr(view, "action", None)
        if action in scopes:
            return scopes[action]
        scope: str | None = getattr(view, self.scope_attr, None)
        return scope

    def get_rate(self) -> str | None:
        """Return the rate of the current scope (see :func:`throttle_rate`)."""
        return throttle_rate(self.scope) if self.scope else None

    def allow_request(self, request: Request, view: APIView) -> bool:
        """Count the request in its scope; return False once the scope's rate is used up."""
        scope = self.get_scope(request, view)
        if not scope:
            return True
        self.scope = scope
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return SimpleRateThrottle.allow_request(self, request, view)
        except Exception as exc:  # any cache backend error: see the module docstring
            logger.warning(
                "Throttle scope %s not applied: the cache failed (%s: %s).",
                scope,
                type(exc).__name__,
                exc,
            )
            return True


def _throttle_classes() -> list[type[BaseThrottle]]:
    defaults: Any = api_settings.DEFAULT_THROTTLE_CLASSES
    return [*defaults, ShopkitScopedThrottle]


#: ``throttle_classes`` of shopkit's views: the project's defaults, then the shopkit scopes.
THROTTLE_CLASSES: list[type[BaseThrottle]] = _throttle_classes()
