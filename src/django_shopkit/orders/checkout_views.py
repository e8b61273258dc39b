"""API views of addresses, shipping methods and guests' orders.

``addresses/`` is the signed-in user's address book; ``shipping-methods/`` lists the methods
that can ship the visitor's cart to an address; ``guest-orders/{token}/`` is a guest's order
through the signed link of the confirmation e-mail.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from rest_framework import viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from django_shopkit.loading import get_address_model, get_order_model
from django_shopkit.openapi import ERROR_RESPONSES
from django_shopkit.orders.cart import cart_owner
from django_shopkit.orders.guests import get_guest_order
from django_shopkit.orders.schema import extend_schema
from django_shopkit.orders.serializers import (
    AddressSerializer,
    OrderSerializer,
    PaymentPendingSerializer,
    PaySerializer,
    ShippingQuerySerializer,
    ShippingQuoteSerializer,
)
from django_shopkit.orders.services import get_cart_service
from django_shopkit.orders.views import OrderErrorsMixin, OrderViewSet, shipping_address_of
from django_shopkit.pagination import ShopkitPagination
from django_shopkit.parsers import PARSER_CLASSES
from django_shopkit.throttling import CART, THROTTLE_CLASSES

__all__ = ["AddressViewSet", "GuestOrderViewSet", "ShippingMethodsView"]


class ShippingMethodsView(OrderErrorsMixin, APIView):
    """``GET shipping-methods/``: the methods that can ship the visitor's cart to an address."""

    permission_classes = [AllowAny]
    throttle_classes = THROTTLE_CLASSES
    shopkit_throttle_scope = CART
    serializer_class = ShippingQuoteSerializer

    @extend_schema(
        parameters=[ShippingQuerySerializer],
        responses={200: ShippingQuoteSerializer(many=True), 404: ERROR_RESPONSES.get(404)},
    )
    def get(self, request: Request) -> Response:
        """Return the available methods with their cost, in the shop's order."""
        query = ShippingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        address = shipping_address_of(request, query.validated_data)
        service = get_cart_service()
        items = list(service.lines(service.get_cart(cart_owner(request), create=False)))
        quotes = service.shipping_quotes(items, service.price_lines(items, address), address)
        return Response(self.serializer_class(quotes, many=True).data)


class AddressViewSet(OrderErrorsMixin, viewsets.ModelViewSet[Any]):
    """The signed-in user's address book: list, create, read, change and delete own addresses."""

    permission_classes = [IsAuthenticated]
    serializer_class = AddressSerializer
    pagination_class = ShopkitPagination
    parser_classes = PARSER_CLASSES
    throttle_classes = THROTTLE_CLASSES
    shopkit_throttle_scope = CART

    def get_queryset(self) -> QuerySet[Any]:
        """Return the request user's addresses only; anyone else's is a 404."""
        manager: Any = get_address_model()._default_manager
        if getattr(self, "swagger_fake_view", False):  # OpenAPI schema generation: no user
            none: QuerySet[Any] = manager.none()
            return none
        queryset: QuerySet[Any] = manager.filter(user=self.request.user)
        return queryset

    def perform_create(self, serializer: Any) -> None:
        """Save the new address in the request user's book."""
        serializer.save(user=self.request.user)


class GuestOrderViewSet(OrderViewSet):
    """A guest's order through its signed link: ``GET guest-orders/{token}/`` and ``pay``.

    The token (from the confirmation e-mail) is the only key: a tampered token, or one of an
    order that belongs to a user, is a ``404``; an expired one a ``403``.
    """

    permission_classes = [AllowAny]
    lookup_field = "token"
    lookup_url_kwarg = "token"

    def get_queryset(self) -> QuerySet[Any]:
        """Return guest orders (no user) only."""
        manager: Any = get_order_model()._default_manager
        queryset: QuerySet[Any] = manager.filter(user__isnull=True)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("items", "payments")
        return queryset

    def get_object(self) -> Any:
        """Return the guest order the URL's token names, or raise (404, or 403 if expired)."""
        return get_guest_order(self.kwargs["token"], self.get_queryset())

    def get_return_url(self, order: Any) -> str:
        """Return where a redirect flow sends the guest back to: the guest's order page."""
        token = self.kwargs["token"]
        try:
            path = reverse("shopkit_orders:guest-order", args=[token])
        except NoReverseMatch:
            path = reverse("shopkit-guest-order", args=[token])
        return self.request.build_absolute_uri(path)

    @extend_schema(
        request=PaySerializer,
        responses={
            200: OrderSerializer,
            202: PaymentPendingSerializer,
            **{code: ERROR_RESPONSES.get(code) for code in (402, 409, 503)},
        },
    )
    def pay(self, request: Request, token: str | None = None) -> Response:  # type: ignore[override]
        """Pay the guest's order, as ``orders/{id}/pay/`` does for a user's."""
        return self.pay_order(request)
