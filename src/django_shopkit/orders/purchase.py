"""Buy now: ``POST products/{id}/purchase/``, a route of the orders app.

The route is one of the orders app's own URL patterns (``django_shopkit.orders.urls`` and the
whole-API include), not an action of the product ViewSet, so it stays whatever product
ViewSet the host registers, and the catalog never imports orders.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from django_shopkit.loading import get_product_model
from django_shopkit.openapi import ERROR_RESPONSES
from django_shopkit.orders.schema import IDEMPOTENCY_PARAMETER, extend_schema
from django_shopkit.orders.serializers import OrderSerializer, PurchaseSerializer
from django_shopkit.orders.services import get_order_service
from django_shopkit.orders.views import OrderErrorsMixin, get_idempotency_key
from django_shopkit.parsers import PARSER_CLASSES
from django_shopkit.throttling import CHECKOUT, THROTTLE_CLASSES

__all__ = ["PurchaseView"]


class PurchaseView(OrderErrorsMixin, GenericAPIView[Any]):
    """``POST products/{id}/purchase/``: one product, one order (signed-in users)."""

    permission_classes = [IsAuthenticated]
    serializer_class = PurchaseSerializer
    parser_classes = PARSER_CLASSES
    throttle_classes = THROTTLE_CLASSES
    shopkit_throttle_scope = CHECKOUT

    def get_queryset(self) -> QuerySet[Any]:
        """Return the products that can be bought; override this to withhold more."""
        manager: Any = get_product_model()._default_manager
        queryset: QuerySet[Any] = manager.active().with_discount()
        return queryset

    @extend_schema(
        request=PurchaseSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: OrderSerializer, 200: OrderSerializer, 409: ERROR_RESPONSES.get(409)},
    )
    def post(self, request: Request, pk: str) -> Response:
        """Buy ``quantity`` units of this product now; honours ``Idempotency-Key``.

        201 with the new order; 200 with the existing order when the key was used before.
        """
        product = self.get_object()
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        order, created = get_order_service().place_purchase(
            product,
            request.user,
            data.validated_data["quantity"],
            idempotency_key=get_idempotency_key(request),
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(OrderSerializer(order).data, status=code)
