"""Payment gateways: a small interface, and a dummy gateway for development and tests.

The gateway is chosen by ``SHOPKIT_PAYMENT_GATEWAY``. A gateway talks to one provider; the
order service decides when to charge, records every attempt as a Payment row and guarantees
at most one successful charge per order. See the "Payment gateways" docs page for writing one.
"""

from __future__ import annotations

import threading
import uuid
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from django.utils.translation import gettext as _

from django_shopkit.loading import get_class

__all__ = [
    "DummyGateway",
    "GatewayError",
    "GatewayTimeout",
    "PaymentGateway",
    "PaymentResult",
    "get_payment_gateway",
]


@dataclass(frozen=True)
class PaymentResult:
    """The provider's definite answer to a charge or a refund."""

    success: bool
    reference: str = ""
    message: str = ""


class GatewayError(Exception):
    """Raised when the provider gave no definite answer; the charge may or may not exist."""


class GatewayTimeout(GatewayError):
    """Raised when the provider did not answer in time."""


class PaymentGateway(ABC):
    """Interface of a payment gateway. Subclass it for a real provider.

    Both methods receive an ``idempotency_key``: the provider must treat two calls with one key
    as one operation (Stripe and Adyen take an ``Idempotency-Key`` header, for example). That
    is what makes a retry after a timeout safe.
    """

    #: Stored on each Payment row; override with the provider's name.
    name: ClassVar[str] = "gateway"

    @abstractmethod
    def charge(
        self,
        *,
        amount: Decimal,
        currency: str,
        payment_data: Mapping[str, Any],
        idempotency_key: str,
    ) -> PaymentResult:
        """Charge ``amount``; return the result or raise :class:`GatewayError` if unknown."""

    @abstractmethod
    def refund(
        self, *, reference: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> PaymentResult:
        """Refund ``amount`` of the charge ``reference``; raise GatewayError if unknown."""


class DummyGateway(PaymentGateway):
    """An in-memory gateway whose outcome is picked by the payment token.

    ``{"token": "tok_decline"}`` declines, ``"tok_timeout"`` records the charge but raises
    :class:`GatewayTimeout` as if the answer was lost, ``"tok_error"`` raises
    :class:`GatewayError` before charging; any other token succeeds. Set ``default_token`` to
    change the outcome when no token is given. Like a real provider it remembers idempotency
    keys: a second call with a key returns the first call's outcome and never charges twice.
    The ledger is process-wide; tests call :meth:`reset`.
    """

    name = "dummy"
    DECLINE_TOKEN: ClassVar[str] = "tok_decline"
    TIMEOUT_TOKEN: ClassVar[str] = "tok_timeout"
    ERROR_TOKEN: ClassVar[str] = "tok_error"
    default_token: ClassVar[str] = "tok_ok"

    _lock: ClassVar[threading.Lock] = threading.Lock()
    #: idempotency key -> result of every charge that reached the "provider".
    _results: ClassVar[dict[str, PaymentResult]] = {}
    #: reference -> amount of each successful charge (what a card statement would show).
    charges: ClassVar[dict[str, Decimal]] = {}
    refunds: ClassVar[dict[str, Decimal]] = {}

    @classmethod
    def reset(cls) -> None:
        """Forget every charge and refund."""
        with cls._lock:
            cls._results.clear()
            cls.charges.clear()
            cls.refunds.clear()

    def charge(
        self,
        *,
        amount: Decimal,
        currency: str,
        payment_data: Mapping[str, Any],
        idempotency_key: str,
    ) -> PaymentResult:
        """Charge ``amount`` unless the key was seen; the token picks the outcome."""
        token = str(payment_data.get("token") or self.default_token)
        with self._lock:
            if idempotency_key in self._results:
                return self._results[idempotency_key]
            if token == self.ERROR_TOKEN:
                raise GatewayError(_("The payment provider could not be reached."))
            if token == self.DECLINE_TOKEN:
                result = PaymentResult(False, "", _("The card was declined."))
            else:
                reference = f"dummy_{uuid.uuid4().hex}"
                result = PaymentResult(True, reference, _("Charged."))
                self.charges[reference] = amount
            self._results[idempotency_key] = result
        if token == self.TIMEOUT_TOKEN:
            raise GatewayTimeout(_("The payment provider did not answer in time."))
        return result

    def refund(
        self, *, reference: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> PaymentResult:
        """Refund a charge made by this gateway, once per key."""
        with self._lock:
            if idempotency_key in self._results:
                return self._results[idempotency_key]
            if reference not in self.charges:
                result = PaymentResult(False, "", _("Unknown charge."))
            else:
                self.refunds[reference] = amount
                result = PaymentResult(True, f"refund_{reference}", _("Refunded."))
            self._results[idempotency_key] = result
        return result


def get_payment_gateway() -> PaymentGateway:
    """Return an instance of the gateway class named by ``SHOPKIT_PAYMENT_GATEWAY``."""
    gateway: PaymentGateway = get_class("PAYMENT_GATEWAY")()
    return gateway
