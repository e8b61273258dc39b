"""The payment gateway interface: start, refresh, cancel and refund payments, read webhooks.

The gateway is chosen by ``SHOPKIT_PAYMENT_GATEWAY``. A gateway talks to one provider and never
touches the database; the order service records every attempt as a Payment row, commits it,
calls the gateway outside any transaction and applies the answer with conditional updates.
See the "Payments" docs page for writing one; :mod:`django_shopkit.orders.gateways` holds the
dummy and Stripe gateways.
"""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar

from django.core import checks
from django.http import HttpRequest

from django_shopkit.loading import get_class

__all__ = [
    "GatewayError",
    "GatewayEvent",
    "GatewayTimeout",
    "Outcome",
    "PaymentAction",
    "PaymentGateway",
    "PaymentResult",
    "WebhookError",
    "from_minor_units",
    "get_payment_gateway",
    "to_minor_units",
]


class Outcome(enum.StrEnum):
    """What the provider said about a payment or a refund."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    #: Accepted, settles later (bank transfer, async capture); a webhook or refresh tells.
    PENDING = "pending"
    #: The buyer must act (3-D Secure, a redirect); see :attr:`PaymentResult.action`.
    REQUIRES_ACTION = "requires_action"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class PaymentAction:
    """What the client must do before the provider can finish a payment."""

    #: ``"redirect"``: send the buyer to ``redirect_url``; ``"client_secret"``: confirm on
    #: the page with the provider's script (Stripe.js) and ``client_secret``.
    type: str
    redirect_url: str = ""
    client_secret: str = ""

    def as_dict(self) -> dict[str, str]:
        """Return the action as stored on the Payment row and answered by the API."""
        return {
            "type": self.type,
            "redirect_url": self.redirect_url,
            "client_secret": self.client_secret,
        }


@dataclass(frozen=True)
class PaymentResult:
    """The provider's definite answer about a payment or a refund."""

    outcome: Outcome
    #: The provider's id of the payment (or refund), e.g. a PaymentIntent id.
    reference: str = ""
    message: str = ""
    action: PaymentAction | None = None
    #: The amount the provider captured, when it says so; checked against the order's total.
    amount: Decimal | None = None

    @property
    def success(self) -> bool:
        """Return whether the payment (or refund) succeeded."""
        return self.outcome is Outcome.SUCCEEDED


@dataclass(frozen=True)
class GatewayEvent:
    """One verified event of a provider's webhook, in the gateway's neutral terms."""

    #: The provider's unique id of the event; each is processed once.
    id: str
    #: The provider's event type, e.g. ``"payment_intent.succeeded"``.
    type: str
    #: The provider's payment reference the event is about ("" when unknown).
    reference: str = ""
    #: The attempt's idempotency key, when the provider echoes it (Stripe metadata).
    payment_key: str = ""
    #: The payment's new state, or ``None`` when the event does not move the payment.
    outcome: Outcome | None = None
    message: str = ""
    amount: Decimal | None = None
    #: The total refunded on the payment so far, for refund events.
    amount_refunded: Decimal | None = None
    payload: Mapping[str, Any] = field(default_factory=dict)


class GatewayError(Exception):
    """Raised when the provider gave no definite answer; the charge may or may not exist.

    ``reference`` is the provider's id of the payment when it is known already (the intent
    was created, its confirmation timed out): the shop stores it to ask about it later.
    """

    def __init__(self, message: str = "", reference: str = "") -> None:
        super().__init__(message)
        self.reference = reference


class GatewayTimeout(GatewayError):
    """Raised when the provider did not answer in time."""


class WebhookError(Exception):
    """Raised for a webhook request that is not a verified provider event (answered 400)."""


class PaymentGateway(ABC):
    """Interface of a payment gateway. Subclass it for a real provider.

    Every method may raise :class:`GatewayError` when the outcome is unknown (network error,
    timeout, 5xx); the order service then keeps the attempt open and asks again later with the
    same idempotency key, which a provider answers with the first operation's result.
    Methods are called outside any database transaction; they must not write to the database.
    """

    #: Stored on each Payment row; override with the provider's name.
    name: ClassVar[str] = "gateway"
    #: Template of the storefront's payment step; override to render the provider's widget.
    payment_template_name: ClassVar[str] = "django_shopkit/orders/payments/token_form.html"

    @abstractmethod
    def start_payment(
        self, payment: Any, payment_data: Mapping[str, Any], return_url: str = ""
    ) -> PaymentResult:
        """Ask the provider for ``payment.amount``, keyed by ``payment.idempotency_key``.

        ``return_url`` is where a redirect flow sends the buyer back to. Return succeeded,
        failed, pending or requires_action (with the action the client must take).
        """

    @abstractmethod
    def refresh(self, payment: Any) -> PaymentResult:
        """Return the provider's current answer about ``payment`` (after a return or crash)."""

    def cancel(self, payment: Any) -> PaymentResult:
        """Cancel an unfinished payment at the provider. Override for providers that hold one."""
        return PaymentResult(Outcome.CANCELLED, payment.reference)

    @abstractmethod
    def refund(self, payment: Any, amount: Decimal, idempotency_key: str) -> PaymentResult:
        """Refund ``amount`` of the captured ``payment``, once per ``idempotency_key``."""

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> Sequence[GatewayEvent]:
        """Return the verified events of a webhook's raw body; raise WebhookError if not genuine.

        Override for providers that send webhooks; the default accepts none.
        """
        raise WebhookError(f"The {self.name} gateway does not receive webhooks.")

    def get_payment_context(self, request: HttpRequest, order: Any, payment: Any) -> dict[str, Any]:
        """Return the context of :attr:`payment_template_name` for ``order``.

        ``payment`` is the order's open attempt (``None`` if there is none). Override to add
        what the provider's widget needs (keys, client secrets).
        """
        return {"gateway": self, "order": order, "payment": payment}

    @classmethod
    def check_configuration(cls) -> list[checks.CheckMessage]:
        """Return system check messages about this gateway's settings. Override to add some."""
        return []


#: ISO 4217 currencies without minor units, and with three decimals (Stripe's lists).
ZERO_DECIMAL_CURRENCIES = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA"}
    | {"PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
)
THREE_DECIMAL_CURRENCIES = frozenset(["BHD", "JOD", "KWD", "OMR", "TND"])


def _exponent(currency: str) -> int:
    code = currency.upper()
    if code in ZERO_DECIMAL_CURRENCIES:
        return 0
    if code in THREE_DECIMAL_CURRENCIES:
        return 3
    return 2


def to_minor_units(amount: Decimal, currency: str) -> int:
    """Return ``amount`` as the integer count of the currency's minor units (cents)."""
    scaled = (amount * (10 ** _exponent(currency))).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(scaled)


def from_minor_units(value: int, currency: str) -> Decimal:
    """Return the Decimal amount of ``value`` minor units of ``currency``."""
    return Decimal(value).scaleb(-_exponent(currency)).quantize(Decimal("0.01"))


def get_payment_gateway() -> PaymentGateway:
    """Return an instance of the gateway class named by ``SHOPKIT_PAYMENT_GATEWAY``."""
    gateway: PaymentGateway = get_class("PAYMENT_GATEWAY")()
    return gateway


def __getattr__(name: str) -> Any:
    """Return ``DummyGateway`` from its new home, :mod:`django_shopkit.orders.gateways.dummy`."""
    # Kept importable from here (and as a setting path) for code written before the move;
    # imported lazily because the dummy gateway module imports this one.
    if name == "DummyGateway":
        from django_shopkit.orders.gateways.dummy import DummyGateway

        return DummyGateway
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
