"""Stripe gateway: PaymentIntents, 3-D Secure and redirects, refunds, signed webhooks.

Needs the ``stripe`` extra (``pip install django-shopkit[stripe]``) and the settings
``SHOPKIT_STRIPE_SECRET_KEY``, ``SHOPKIT_STRIPE_PUBLISHABLE_KEY`` and
``SHOPKIT_STRIPE_WEBHOOK_SECRET``. Each attempt's idempotency key is sent as Stripe's
``Idempotency-Key`` and stored in the PaymentIntent's metadata, so a retry never charges twice
and a webhook that arrives before the shop stored the intent's id still finds its attempt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core import checks
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from django_shopkit.conf import settings
from django_shopkit.orders.payments import (
    GatewayError,
    GatewayEvent,
    GatewayTimeout,
    Outcome,
    PaymentAction,
    PaymentGateway,
    PaymentResult,
    WebhookError,
    from_minor_units,
    to_minor_units,
)

try:
    import stripe
except ImportError:  # pragma: no cover - exercised only without the extra
    stripe = None  # type: ignore[assignment]  # check_configuration reports it (E030)

__all__ = ["HANDLED_EVENTS", "StripeGateway"]

#: The webhook events the gateway acts on; enable these on the Stripe endpoint.
HANDLED_EVENTS: tuple[str, ...] = (
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.processing",
    "payment_intent.canceled",
    "charge.refunded",
)
#: Metadata key of the attempt's idempotency key on each PaymentIntent.
METADATA_KEY = "shopkit_payment"
SIGNATURE_HEADER = "Stripe-Signature"


class StripeGateway(PaymentGateway):
    """Take card (and other) payments with Stripe PaymentIntents.

    ``payment_data`` may carry ``payment_method`` (a ``pm_...`` id from Stripe.js or a test
    id such as ``pm_card_visa``): the intent is then confirmed at once. Without it the intent
    waits for the buyer and the answer is ``requires_action`` with the client secret, which
    the storefront's Payment Element (or the host's app) confirms.
    """

    name = "stripe"
    payment_template_name = "django_shopkit/orders/payments/stripe.html"

    def get_client(self) -> Any:
        """Return a ``stripe.StripeClient`` built from the settings. Override to tune it."""
        if stripe is None:
            raise GatewayError(_("The stripe package is not installed."))
        base = settings.SHOPKIT_STRIPE_API_BASE
        return stripe.StripeClient(
            settings.SHOPKIT_STRIPE_SECRET_KEY,
            base_addresses={"api": base} if base else None,
            http_client=stripe.RequestsClient(timeout=settings.SHOPKIT_STRIPE_TIMEOUT),
            max_network_retries=0,  # retries go through the shop's attempt and its key
        )

    def intent_params(self, payment: Any) -> dict[str, Any]:
        """Return the parameters of the PaymentIntent of ``payment``. Override to add some.

        They depend on the attempt only, so re-sending the create with the attempt's key (after
        a lost answer) is the same request, which Stripe answers with the same intent.
        """
        params: dict[str, Any] = {
            "amount": to_minor_units(payment.amount, payment.currency),
            "currency": payment.currency.lower(),
            "metadata": {METADATA_KEY: payment.idempotency_key, "order": str(payment.order_id)},
        }
        types = settings.SHOPKIT_STRIPE_PAYMENT_METHOD_TYPES
        if types:
            params["payment_method_types"] = list(types)
        else:
            params["automatic_payment_methods"] = {"enabled": True}
        return params

    def _call(self, operation: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Run one Stripe API call and return the object as a dict; unknown outcomes raise."""
        try:
            obj = operation(*args, **kwargs)
        except stripe.APIConnectionError as exc:
            raise GatewayTimeout(str(exc.user_message or exc)) from exc
        except (stripe.IdempotencyError, stripe.RateLimitError, stripe.APIError) as exc:
            raise GatewayError(str(exc.user_message or exc)) from exc
        except (stripe.AuthenticationError, stripe.PermissionError) as exc:
            raise GatewayError(_("Stripe refused the API key: %(e)s") % {"e": exc}) from exc
        data: dict[str, Any] = obj.to_dict()
        return data

    def start_payment(
        self, payment: Any, payment_data: Mapping[str, Any], return_url: str = ""
    ) -> PaymentResult:
        """Create the attempt's PaymentIntent and, given a payment method, confirm it."""
        client = self.get_client()
        try:
            intent = self._call(
                client.v1.payment_intents.create,
                params=self.intent_params(payment),
                options={"idempotency_key": payment.idempotency_key},
            )
        except stripe.InvalidRequestError as exc:
            return PaymentResult(Outcome.FAILED, "", str(exc.user_message or exc))
        method = payment_data.get("payment_method")
        waiting = intent["status"] in ("requires_payment_method", "requires_confirmation")
        if not method or not waiting:
            # No method: the buyer confirms with Stripe.js. Not waiting: a repeated create
            # returned an intent that moved on already.
            return self.result_of(intent)
        try:
            intent = self.confirm(client, intent, str(method), payment, return_url)
        except GatewayError as exc:
            raise type(exc)(str(exc), reference=intent["id"]) from exc
        except stripe.CardError as exc:
            return PaymentResult(Outcome.FAILED, intent["id"], str(exc.user_message or exc))
        except stripe.InvalidRequestError as exc:
            return PaymentResult(Outcome.FAILED, intent["id"], str(exc.user_message or exc))
        return self.result_of(intent)

    def confirm(
        self, client: Any, intent: dict[str, Any], method: str, payment: Any, return_url: str
    ) -> dict[str, Any]:
        """Attach ``method`` to the intent and confirm it; return the intent as a dict."""
        # Attached by an update, then confirmed: the two steps every Stripe API version (and
        # localstripe, which cannot confirm with a method) accepts.
        self._call(
            client.v1.payment_intents.update,
            intent["id"],
            params={"payment_method": method},
            options={"idempotency_key": f"{payment.idempotency_key}-method"},
        )
        params: dict[str, Any] = {}
        if return_url and not settings.SHOPKIT_STRIPE_PAYMENT_METHOD_TYPES:
            # Automatic payment methods may redirect; Stripe then needs the way back.
            params["return_url"] = return_url
        return self._call(
            client.v1.payment_intents.confirm,
            intent["id"],
            params=params,
            options={"idempotency_key": f"{payment.idempotency_key}-confirm"},
        )

    def result_of(self, intent: Mapping[str, Any]) -> PaymentResult:
        """Return the PaymentResult a PaymentIntent (as a dict) means."""
        status = intent["status"]
        error = intent.get("last_payment_error") or {}
        currency = intent["currency"]
        if status == "succeeded":
            received = intent.get("amount_received") or intent["amount"]
            return PaymentResult(
                Outcome.SUCCEEDED,
                intent["id"],
                _("Paid."),
                None,
                from_minor_units(received, currency),
            )
        if status == "processing":
            return PaymentResult(Outcome.PENDING, intent["id"], _("Processing."))
        if status == "canceled":
            return PaymentResult(Outcome.CANCELLED, intent["id"], _("Cancelled."))
        if status == "requires_payment_method" and error:
            return PaymentResult(Outcome.FAILED, intent["id"], str(error.get("message", "")))
        # requires_payment_method (nothing tried yet), requires_confirmation, requires_action:
        # the buyer must act, on the provider's page or with Stripe.js.
        next_action = intent.get("next_action") or {}
        redirect = next_action.get("redirect_to_url") or {}
        if redirect.get("url"):
            action = PaymentAction("redirect", redirect_url=str(redirect["url"]))
        else:
            action = PaymentAction("client_secret", client_secret=str(intent["client_secret"]))
        return PaymentResult(
            Outcome.REQUIRES_ACTION, intent["id"], _("The payment needs your confirmation."), action
        )

    def refresh(self, payment: Any) -> PaymentResult:
        """Return the PaymentIntent's current state; re-send the create if it has no id yet."""
        if not payment.reference:
            # The create's answer was lost: the same request with the same key returns the
            # same intent (or makes it, if the first never arrived).
            return self.start_payment(payment, {})
        client = self.get_client()
        intent = self._call(client.v1.payment_intents.retrieve, payment.reference)
        return self.result_of(intent)

    def cancel(self, payment: Any) -> PaymentResult:
        """Cancel the PaymentIntent (only possible before it succeeded)."""
        if not payment.reference:
            return PaymentResult(Outcome.CANCELLED, "")
        client = self.get_client()
        try:
            intent = self._call(
                client.v1.payment_intents.cancel,
                payment.reference,
                options={"idempotency_key": f"{payment.idempotency_key}-cancel"},
            )
        except stripe.InvalidRequestError:
            return self.refresh(payment)  # it moved on (succeeded or was cancelled already)
        return self.result_of(intent)

    def refund(self, payment: Any, amount: Decimal, idempotency_key: str) -> PaymentResult:
        """Refund ``amount`` of the payment's PaymentIntent."""
        client = self.get_client()
        try:
            refund = self._call(
                client.v1.refunds.create,
                params={
                    "payment_intent": payment.reference,
                    "amount": to_minor_units(amount, payment.currency),
                    "metadata": {METADATA_KEY: payment.idempotency_key},
                },
                options={"idempotency_key": idempotency_key},
            )
        except stripe.InvalidRequestError as exc:
            return PaymentResult(Outcome.FAILED, "", str(exc.user_message or exc))
        if refund.get("status") in ("failed", "canceled"):
            return PaymentResult(Outcome.FAILED, refund["id"], str(refund.get("failure_reason")))
        # "pending" refunds (some methods) are committed at Stripe: count them as made.
        return PaymentResult(Outcome.SUCCEEDED, refund["id"], _("Refunded."), None, amount)

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> Sequence[GatewayEvent]:
        """Verify the ``Stripe-Signature`` header and return the event in neutral terms."""
        if stripe is None:
            raise WebhookError(_("The stripe package is not installed."))
        try:
            event = stripe.Webhook.construct_event(
                body, headers.get(SIGNATURE_HEADER), settings.SHOPKIT_STRIPE_WEBHOOK_SECRET
            )
        except (ValueError, stripe.SignatureVerificationError) as exc:
            raise WebhookError(_("The webhook signature is invalid.")) from exc
        try:
            return [self.event_of(event.to_dict())]
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            # Signed, but not the shape this gateway knows (another API version?).
            raise WebhookError(_("The webhook event is malformed: %(e)r") % {"e": exc}) from exc

    def event_of(self, event: Mapping[str, Any]) -> GatewayEvent:
        """Return the GatewayEvent of a verified Stripe event (as a dict)."""
        obj = event["data"]["object"]
        kind = event["type"]
        common: dict[str, Any] = {"id": event["id"], "type": kind, "payload": event}
        metadata = obj.get("metadata") or {}
        if kind.startswith("payment_intent."):
            result = self.result_of(obj)
            outcome: Outcome | None = result.outcome
            if kind not in HANDLED_EVENTS:
                outcome = None  # created, requires_action...: nothing to apply
            return GatewayEvent(
                reference=obj["id"],
                payment_key=str(metadata.get(METADATA_KEY, "")),
                outcome=outcome,
                message=result.message,
                amount=result.amount,
                **common,
            )
        if kind == "charge.refunded":
            return GatewayEvent(
                reference=str(obj.get("payment_intent") or ""),
                payment_key=str(metadata.get(METADATA_KEY, "")),
                amount_refunded=from_minor_units(obj["amount_refunded"], obj["currency"]),
                **common,
            )
        return GatewayEvent(**common)

    def get_payment_context(self, request: HttpRequest, order: Any, payment: Any) -> dict[str, Any]:
        """Add the publishable key and the open attempt's client secret for Stripe.js."""
        context = super().get_payment_context(request, order, payment)
        context["publishable_key"] = settings.SHOPKIT_STRIPE_PUBLISHABLE_KEY
        context["client_secret"] = (
            (payment.action or {}).get("client_secret", "") if payment else ""
        )
        # Where Stripe.js sends the buyer after confirming (and any redirect it needs).
        context["return_url"] = request.build_absolute_uri(
            reverse("shopkit_orders:order-return", args=[order.number])
        )
        return context

    @classmethod
    def check_configuration(cls) -> list[checks.CheckMessage]:
        """Report a missing stripe package, secret key or webhook signing secret."""
        errors: list[checks.CheckMessage] = []
        if stripe is None:
            errors.append(
                checks.Error(
                    "The Stripe gateway needs the stripe package.",
                    hint="pip install 'django-shopkit[stripe]'",
                    id="shopkit.E030",
                )
            )
        if not settings.SHOPKIT_STRIPE_SECRET_KEY:
            errors.append(
                checks.Error(
                    "SHOPKIT_STRIPE_SECRET_KEY is empty but the Stripe gateway is configured.",
                    hint="Set it to the secret key from the Stripe dashboard (sk_live_...), "
                    "read from the environment.",
                    id="shopkit.E031",
                )
            )
        if not settings.SHOPKIT_STRIPE_WEBHOOK_SECRET:
            errors.append(
                checks.Error(
                    "SHOPKIT_STRIPE_WEBHOOK_SECRET is empty but the Stripe gateway is configured: "
                    "no webhook could be verified.",
                    hint="Set it to the webhook endpoint's signing secret (whsec_...).",
                    id="shopkit.E032",
                )
            )
        return errors
