"""A gateway without a provider, for development, tests and the demo: the token picks the outcome.

It plays the provider too: an in-memory ledger that remembers idempotency keys, a local
"provider page" (:class:`DummyProviderView`) where the buyer approves or declines a payment
that needs action, and signed webhooks (:meth:`DummyGateway.webhook`).
"""

from __future__ import annotations

import json
import secrets
import threading
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings as django_settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from django_shopkit.orders.payments import (
    GatewayError,
    GatewayEvent,
    GatewayTimeout,
    Outcome,
    PaymentAction,
    PaymentGateway,
    PaymentResult,
    WebhookError,
    get_payment_gateway,
)

__all__ = ["DummyGateway", "DummyProviderView"]

SIGNATURE_HEADER = "X-Shopkit-Dummy-Signature"
_SIGNING_SALT = "django_shopkit.orders.gateways.dummy.webhook"


@dataclass
class _Charge:
    """The provider side of one payment: what a real provider would store."""

    outcome: Outcome
    reference: str
    amount: Decimal
    client_secret: str = ""
    return_url: str = ""
    refunded: Decimal = Decimal(0)


class DummyGateway(PaymentGateway):
    """An in-memory gateway whose outcome is picked by the payment token.

    =================  =====================================================================
    token              outcome
    =================  =====================================================================
    ``tok_decline``    declined
    ``tok_timeout``    charged, but the answer is "lost" (raises :exc:`.GatewayTimeout`)
    ``tok_error``      raises :exc:`.GatewayError` before charging
    ``tok_pending``    accepted, settles later (approve it on the provider page)
    ``tok_3ds``        requires action: confirm with the client secret (3-D Secure)
    ``tok_redirect``   requires action: redirect to the local provider page
    anything else      succeeds
    =================  =====================================================================

    Like a real provider it remembers idempotency keys: a second call with a key returns the
    first call's outcome and never charges twice. The ledger is process-wide (one process:
    ``runserver`` or tests); tests call :meth:`reset`.
    """

    name = "dummy"
    payment_template_name = "django_shopkit/orders/payments/dummy.html"
    DECLINE_TOKEN: ClassVar[str] = "tok_decline"
    TIMEOUT_TOKEN: ClassVar[str] = "tok_timeout"
    ERROR_TOKEN: ClassVar[str] = "tok_error"
    PENDING_TOKEN: ClassVar[str] = "tok_pending"
    ACTION_TOKEN: ClassVar[str] = "tok_3ds"
    REDIRECT_TOKEN: ClassVar[str] = "tok_redirect"
    default_token: ClassVar[str] = "tok_ok"
    #: Tokens offered on the storefront's payment step, in test mode (``DEBUG``) only.
    TEST_TOKENS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("tok_ok", "Succeeds"),
        ("tok_3ds", "Requires 3-D Secure authentication"),
        ("tok_redirect", "Redirects to the provider's page"),
        ("tok_pending", "Settles later"),
        ("tok_decline", "Declined"),
        ("tok_timeout", "Times out (the charge is made)"),
    )

    _lock: ClassVar[threading.Lock] = threading.Lock()
    #: idempotency key -> the charge the key made (or the refund result).
    _ledger: ClassVar[dict[str, _Charge]] = {}
    _refund_results: ClassVar[dict[str, PaymentResult]] = {}
    #: reference -> amount of each captured charge (what a card statement would show).
    charges: ClassVar[dict[str, Decimal]] = {}
    #: reference -> total refunded.
    refunds: ClassVar[dict[str, Decimal]] = {}

    @classmethod
    def reset(cls) -> None:
        """Forget every charge and refund."""
        with cls._lock:
            cls._ledger.clear()
            cls._refund_results.clear()
            cls.charges.clear()
            cls.refunds.clear()

    def start_payment(
        self, payment: Any, payment_data: Mapping[str, Any], return_url: str = ""
    ) -> PaymentResult:
        """Charge ``payment.amount`` unless its key was seen; the token picks the outcome."""
        token = str(payment_data.get("token") or self.default_token)
        key = payment.idempotency_key
        with self._lock:
            charge = self._ledger.get(key)
            if charge is None:
                if token == self.ERROR_TOKEN:
                    raise GatewayError(_("The payment provider could not be reached."))
                charge = self._new_charge(token, payment.amount, return_url)
                self._ledger[key] = charge
        if token == self.TIMEOUT_TOKEN:
            raise GatewayTimeout(_("The payment provider did not answer in time."))
        return self._result(charge)

    def _new_charge(self, token: str, amount: Decimal, return_url: str) -> _Charge:
        reference = f"dummy_{uuid.uuid4().hex}"
        if token == self.DECLINE_TOKEN:
            return _Charge(Outcome.FAILED, reference, amount)
        if token == self.PENDING_TOKEN:
            return _Charge(Outcome.PENDING, reference, amount, self._secret(reference), return_url)
        if token in (self.ACTION_TOKEN, self.REDIRECT_TOKEN):
            charge = _Charge(
                Outcome.REQUIRES_ACTION, reference, amount, self._secret(reference), return_url
            )
            # The action's type is remembered through the secret's prefix.
            if token == self.REDIRECT_TOKEN:
                charge.client_secret = "redirect_" + charge.client_secret
            return charge
        self.charges[reference] = amount
        return _Charge(Outcome.SUCCEEDED, reference, amount)

    @staticmethod
    def _secret(reference: str) -> str:
        return f"{reference}_secret_{secrets.token_hex(8)}"

    def _result(self, charge: _Charge) -> PaymentResult:
        messages = {
            Outcome.SUCCEEDED: _("Charged."),
            Outcome.FAILED: _("The card was declined."),
            Outcome.PENDING: _("The payment is being processed."),
            Outcome.REQUIRES_ACTION: _("The payment needs your confirmation."),
            Outcome.CANCELLED: _("The payment was cancelled."),
        }
        action = None
        if charge.outcome is Outcome.REQUIRES_ACTION:
            action = self.action_for(charge.client_secret)
        amount = charge.amount if charge.outcome is Outcome.SUCCEEDED else None
        return PaymentResult(
            charge.outcome, charge.reference, messages[charge.outcome], action, amount
        )

    @staticmethod
    def action_for(client_secret: str) -> PaymentAction:
        """Return the action of a charge: a redirect to the provider page or a client secret."""
        if client_secret.startswith("redirect_"):
            try:
                url = reverse("shopkit_orders:dummy-provider", args=[client_secret])
            except NoReverseMatch:  # the storefront is not mounted: confirm by secret only
                return PaymentAction("client_secret", client_secret=client_secret)
            return PaymentAction("redirect", redirect_url=url)
        return PaymentAction("client_secret", client_secret=client_secret)

    def refresh(self, payment: Any) -> PaymentResult:
        """Return what the ledger knows of the payment's key; unknown keys never charged."""
        with self._lock:
            charge = self._ledger.get(payment.idempotency_key)
        if charge is None:
            # The provider never saw the key (a crash before the call): nothing was charged.
            return PaymentResult(Outcome.FAILED, "", _("The provider has no such payment."))
        return self._result(charge)

    def cancel(self, payment: Any) -> PaymentResult:
        """Cancel a charge that is not captured yet."""
        with self._lock:
            charge = self._ledger.get(payment.idempotency_key)
            if charge is not None and charge.outcome in (
                Outcome.REQUIRES_ACTION,
                Outcome.PENDING,
            ):
                charge.outcome = Outcome.CANCELLED
        if charge is None:
            return PaymentResult(Outcome.CANCELLED, "")
        return self._result(charge)

    def refund(self, payment: Any, amount: Decimal, idempotency_key: str) -> PaymentResult:
        """Refund part or all of a captured charge, once per key; never more than captured."""
        with self._lock:
            if idempotency_key in self._refund_results:
                return self._refund_results[idempotency_key]
            captured = self.charges.get(payment.reference)
            refunded = self.refunds.get(payment.reference, Decimal(0))
            if captured is None:
                result = PaymentResult(Outcome.FAILED, "", _("Unknown charge."))
            elif refunded + amount > captured:
                result = PaymentResult(
                    Outcome.FAILED, "", _("The refund exceeds what was captured.")
                )
            else:
                self.refunds[payment.reference] = refunded + amount
                reference = f"dummy_refund_{uuid.uuid4().hex}"
                result = PaymentResult(Outcome.SUCCEEDED, reference, _("Refunded."), None, amount)
            self._refund_results[idempotency_key] = result
        return result

    # -- The provider's side ------------------------------------------------------------

    @classmethod
    def complete(cls, client_secret: str, approve: bool) -> tuple[str, str]:
        """Approve or decline the charge of ``client_secret``; return its key and return URL.

        This is what the buyer does on the provider's page (or Stripe.js on a 3-D Secure
        challenge). Raises KeyError for an unknown or finished charge.
        """
        with cls._lock:
            for key, charge in cls._ledger.items():
                if charge.client_secret and constant_time_compare(
                    charge.client_secret, client_secret
                ):
                    if charge.outcome not in (Outcome.REQUIRES_ACTION, Outcome.PENDING):
                        raise KeyError(client_secret)
                    charge.outcome = Outcome.SUCCEEDED if approve else Outcome.FAILED
                    if approve:
                        cls.charges[charge.reference] = charge.amount
                    return key, charge.return_url
        raise KeyError(client_secret)

    @classmethod
    def webhook(cls, payment_key: str, event_id: str | None = None) -> tuple[bytes, str]:
        """Return the body and signature header value of a webhook about ``payment_key``.

        The event reports the ledger's current state of the key, as a provider's does.
        """
        with cls._lock:
            charge = replace(cls._ledger[payment_key])
        body = json.dumps(
            {
                "id": event_id or f"evt_{uuid.uuid4().hex}",
                "type": f"payment.{charge.outcome.value}",
                "payment_key": payment_key,
                "reference": charge.reference,
                "outcome": charge.outcome.value,
                "amount": str(charge.amount),
            }
        ).encode()
        return body, cls.sign(body)

    @staticmethod
    def sign(body: bytes) -> str:
        """Return the signature of a webhook body (HMAC-SHA256 keyed by ``SECRET_KEY``)."""
        return salted_hmac(_SIGNING_SALT, body, algorithm="sha256").hexdigest()

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> Sequence[GatewayEvent]:
        """Return the event of a signed dummy webhook; raise WebhookError if not genuine."""
        signature = headers.get(SIGNATURE_HEADER, "")
        if not signature or not constant_time_compare(signature, self.sign(body)):
            raise WebhookError(_("The webhook signature is invalid."))
        try:
            data = json.loads(body)
            return [
                GatewayEvent(
                    id=str(data["id"]),
                    type=str(data["type"]),
                    reference=str(data.get("reference", "")),
                    payment_key=str(data.get("payment_key", "")),
                    outcome=Outcome(data["outcome"]) if data.get("outcome") else None,
                    amount=Decimal(data["amount"]) if data.get("amount") else None,
                    payload=data,
                )
            ]
        except (ValueError, KeyError, TypeError, ArithmeticError) as exc:
            raise WebhookError(_("The webhook body is malformed.")) from exc

    def get_payment_context(self, request: HttpRequest, order: Any, payment: Any) -> dict[str, Any]:
        """Add ``test_tokens`` (in ``DEBUG`` only) and the open attempt's action."""
        context = super().get_payment_context(request, order, payment)
        context["test_mode"] = bool(django_settings.DEBUG)
        context["test_tokens"] = self.TEST_TOKENS if django_settings.DEBUG else ()
        context["action"] = payment.action if payment is not None else {}
        if payment is not None and payment.action.get("client_secret"):
            context["confirm_url"] = reverse(
                "shopkit_orders:dummy-provider", args=[payment.action["client_secret"]]
            )
        return context


class DummyProviderView(View):
    """The dummy provider's page: approve or decline a payment that needs the buyer's action.

    The client secret in the URL is the authorisation, as on a real provider's hosted page.
    """

    template_name = "django_shopkit/orders/payments/dummy_provider.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """Answer 404 unless the dummy gateway is the shop's gateway (never in a real shop)."""
        if not isinstance(get_payment_gateway(), DummyGateway):
            raise Http404(_("No such page."))
        return super().dispatch(request, *args, **kwargs)

    def _charge(self, client_secret: str) -> _Charge:
        with DummyGateway._lock:
            for charge in DummyGateway._ledger.values():
                if charge.client_secret and constant_time_compare(
                    charge.client_secret, client_secret
                ):
                    return replace(charge)
        raise Http404(_("No such payment."))

    def get(self, request: HttpRequest, client_secret: str) -> HttpResponse:
        """Show the amount with approve and decline buttons."""
        charge = self._charge(client_secret)
        return render(request, self.template_name, {"charge": charge, "secret": client_secret})

    def post(self, request: HttpRequest, client_secret: str) -> HttpResponse:
        """Approve or decline, then send the buyer back to the shop's return URL."""
        self._charge(client_secret)
        try:
            _key, return_url = DummyGateway.complete(
                client_secret, request.POST.get("outcome") == "approve"
            )
        except KeyError:
            raise Http404(_("This payment is finished already.")) from None
        if return_url and url_has_allowed_host_and_scheme(
            return_url, allowed_hosts={request.get_host()}
        ):
            return HttpResponseRedirect(return_url)
        return render(request, self.template_name, {"done": True})
