"""The payment webhook endpoint: ``POST payments/webhook/``, verified by the gateway.

The raw body reaches the gateway untouched (its signature covers the exact bytes); the events it
returns are applied by the order service (:mod:`django_shopkit.orders.events`).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpResponseBase
from rest_framework import status
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from django_shopkit.orders.payments import WebhookError, get_payment_gateway
from django_shopkit.orders.schema import WEBHOOK_BODY, extend_schema
from django_shopkit.orders.serializers import WebhookAnswerSerializer
from django_shopkit.orders.services import get_order_service

__all__ = ["PaymentWebhookView", "RawBodyParser"]


class RawBodyParser(BaseParser):
    """Return the request body as bytes: a webhook's signature covers the exact bytes."""

    media_type = "*/*"

    def parse(  # type: ignore[override]  # DRF takes any object as request.data
        self, stream: Any, media_type: str | None = None, parser_context: Any = None
    ) -> bytes:
        """Read the whole body."""
        body: bytes = stream.read() if stream is not None else b""
        return body


class PaymentWebhookView(APIView):
    """``POST payments/webhook/``: events from the payment provider, verified by signature.

    No session, no CSRF: the provider's signature is the authentication. Each event id is
    processed once; a bad signature is a 400 and changes nothing.
    """

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    # The provider retries what it could not deliver; a per-client rate would only delay it.
    throttle_classes: list[Any] = []
    parser_classes = [RawBodyParser]

    @transaction.non_atomic_requests
    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """Serve the request outside ``ATOMIC_REQUESTS``: each event has its own transaction."""
        return super().dispatch(request, *args, **kwargs)

    @extend_schema(
        request=WEBHOOK_BODY,
        responses={200: WebhookAnswerSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        """Verify the webhook and apply its events."""
        body = request.data if isinstance(request.data, bytes) else b""
        gateway = get_payment_gateway()
        try:
            events = gateway.parse_webhook(body, request.headers)
        except WebhookError as exc:
            return Response(
                {"detail": str(exc), "code": "invalid_webhook"}, status=status.HTTP_400_BAD_REQUEST
            )
        processed = get_order_service().handle_events(gateway, events)
        return Response({"received": len(events), "processed": processed})
