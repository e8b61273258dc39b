"""API views of the cart, checkout and orders; every queryset is limited to the request's user.

The cart endpoints also serve anonymous visitors: their cart is the session's
(:func:`~django_shopkit.orders.cart.cart_owner`), merged into the user's at login.

Hosts customise by subclassing a view and overriding a hook (``get_queryset``,
``get_serializer_class``...) and mounting the subclass; the business rules live in the cart and
order services named by ``SHOPKIT_CART_SERVICE`` and ``SHOPKIT_ORDER_SERVICE``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponseBase
from django.middleware.csrf import get_token
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from django_shopkit.catalog.services import OutOfStock
from django_shopkit.conf import settings
from django_shopkit.loading import get_cart_item_model, get_order_model
from django_shopkit.openapi import ERROR_RESPONSES
from django_shopkit.orders.addresses import resolve_address, snapshot_of
from django_shopkit.orders.cart import cart_owner
from django_shopkit.orders.exceptions import (
    AddressNotFound,
    EmptyCart,
    InvalidTransition,
    OrderError,
    PaymentActionRequired,
    PaymentDeclined,
    PaymentPending,
    PaymentProcessing,
    ShippingUnavailable,
)
from django_shopkit.orders.guests import (
    GuestLinkExpired,
    GuestLinkInvalid,
    make_guest_token,
)
from django_shopkit.orders.schema import IDEMPOTENCY_PARAMETER, extend_schema
from django_shopkit.orders.serializers import (
    AddToCartSerializer,
    CartItemSerializer,
    CartQuerySerializer,
    CartSerializer,
    CheckoutSerializer,
    OrderSerializer,
    PaymentPendingSerializer,
    PaySerializer,
    UpdateCartItemSerializer,
)
from django_shopkit.orders.services import (
    MAX_IDEMPOTENCY_KEY_LENGTH,
    CheckoutDetails,
    get_cart_service,
    get_order_service,
    is_valid_idempotency_key,
)
from django_shopkit.pagination import ShopkitPagination
from django_shopkit.parsers import PARSER_CLASSES
from django_shopkit.throttling import (
    CART,
    CHECKOUT,
    PAYMENT,
    THROTTLE_CLASSES,
)

__all__ = [
    "AnonymousCsrfMixin",
    "CartItemViewSet",
    "CartView",
    "CheckoutView",
    "Conflict",
    "OrderErrorsMixin",
    "OrderViewSet",
    "PaymentRequired",
    "PaymentUnavailable",
    "get_idempotency_key",
    "shipping_address_of",
]

IDEMPOTENCY_HEADER = "Idempotency-Key"


class Conflict(exceptions.APIException):
    """409: the request conflicts with the current state (stock, order status)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state.")
    default_code = "conflict"


class PaymentRequired(exceptions.APIException):
    """402: the payment was declined."""

    status_code = status.HTTP_402_PAYMENT_REQUIRED
    default_detail = _("The payment was declined.")
    default_code = "payment_declined"


class PaymentUnavailable(exceptions.APIException):
    """503: the payment provider gave no answer; retrying is safe."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("The payment could not be confirmed; try again.")
    default_code = "payment_pending"


def to_api_exception(exc: Exception) -> Exception:
    """Return the DRF exception for a cart or order error, or ``exc`` unchanged."""
    # Before OrderError: InsufficientStock is both, and a stock conflict is a 409, not a 400.
    if isinstance(exc, OutOfStock):
        return Conflict(str(exc), code="out_of_stock")
    if isinstance(exc, InvalidTransition | ShippingUnavailable):
        return Conflict(exc.message, code=exc.code)
    if isinstance(exc, PaymentDeclined):
        return PaymentRequired(exc.message, code=exc.code)
    if isinstance(exc, PaymentPending):
        return PaymentUnavailable(exc.message, code=exc.code)
    if isinstance(exc, GuestLinkExpired):
        return exceptions.PermissionDenied(exc.message, code=exc.code)
    if isinstance(exc, AddressNotFound | GuestLinkInvalid):
        return exceptions.NotFound(exc.message, code=exc.code)
    if isinstance(exc, OrderError):
        return exceptions.ValidationError({"detail": exc.message}, code=exc.code)
    return exc


def get_idempotency_key(request: Request) -> str | None:
    """Return the request's ``Idempotency-Key`` header, or None; raise 400 if malformed."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    key = key.strip()
    if not is_valid_idempotency_key(key):
        raise exceptions.ValidationError(
            {
                "detail": _("The %(header)s header must be 1 to %(max)d printable characters.")
                % {"header": IDEMPOTENCY_HEADER, "max": MAX_IDEMPOTENCY_KEY_LENGTH}
            }
        )
    return key


class OrderErrorsMixin(APIView):
    """Turn cart and order errors into 4xx responses with the error's message."""

    def handle_exception(self, exc: Exception) -> Response:
        """Map domain errors to DRF exceptions, then let DRF render them."""
        return super().handle_exception(to_api_exception(exc))


class AnonymousCsrfMixin(APIView):
    """Check CSRF on an anonymous visitor's writes, as DRF does for signed-in session users.

    DRF's ``SessionAuthentication`` enforces CSRF only for authenticated users; a session
    cart (and a guest's checkout) is the anonymous visitor's own state, which another site
    must not change by posting a form.
    """

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """Refuse (403) an unsafe anonymous request without a valid CSRF token."""
        super().initial(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE") and not (
            request.user and request.user.is_authenticated
        ):
            SessionAuthentication().enforce_csrf(request)


class CartView(AnonymousCsrfMixin, OrderErrorsMixin, APIView):
    """``GET`` the visitor's cart with lines and totals; ``DELETE`` empties it.

    A signed-in user's cart, else the session's: anonymous visitors shop too.
    """

    permission_classes = [AllowAny]
    parser_classes = PARSER_CLASSES
    throttle_classes = THROTTLE_CLASSES
    shopkit_throttle_scope = CART
    serializer_class = CartSerializer

    @extend_schema(
        parameters=[CartQuerySerializer],
        responses={
            200: CartSerializer,
            404: ERROR_RESPONSES.get(404),
            409: ERROR_RESPONSES.get(409),
        },
    )
    def get(self, request: Request) -> Response:
        """Return the cart; a visitor who never added anything gets an empty one.

        With ``shipping_method`` and an address (``address_id``, or ``country`` and maybe
        ``region`` and ``postcode``) the totals include shipping: ``409`` when that method
        cannot ship this cart there. The answer sets Django's ``csrftoken`` cookie, which an
        anonymous client sends back in ``X-CSRFToken`` on its cart writes.
        """
        get_token(request)  # Django then sets the CSRF cookie on the response
        query = CartQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        address = shipping_address_of(request, query.validated_data)
        service = get_cart_service()
        cart = service.get_cart(cart_owner(request), create=False)
        items = list(service.lines(cart))
        # Priced once: the serializer reads each line's price that price_lines() set.
        prices = service.price_lines(items, address)
        code = query.validated_data.get("shipping_method")
        quote = service.quote(items, address, code, prices=prices)
        data = {
            "cart": cart,
            "items": items,
            "totals": quote.totals,
            "shipping_method": quote.shipping,
        }
        return Response(self.serializer_class(data).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request) -> Response:
        """Remove every line of the cart."""
        service = get_cart_service()
        service.clear(service.get_cart(cart_owner(request), create=False))
        return Response(status=status.HTTP_204_NO_CONTENT)


def shipping_address_of(request: Request, data: dict[str, Any]) -> dict[str, str] | None:
    """Return the address of a validated ShippingQuerySerializer: own by id, parts, or None."""
    if data.get("address_id") is not None:
        return resolve_address(request.user, {"address_id": data["address_id"]}, "address")
    if data.get("country"):
        return snapshot_of(data)
    return None


class CartItemViewSet(AnonymousCsrfMixin, OrderErrorsMixin, viewsets.GenericViewSet[Any]):
    """``POST cart/items/`` adds (or increments), ``PATCH``/``DELETE cart/items/{id}/``.

    For a signed-in user or an anonymous visitor with a session (a session cart).
    """

    permission_classes = [AllowAny]
    parser_classes = PARSER_CLASSES
    throttle_classes = THROTTLE_CLASSES
    shopkit_throttle_scope = CART
    serializer_class = CartItemSerializer

    def get_queryset(self) -> QuerySet[Any]:
        """Return the lines of the visitor's own cart only; other lines are a 404."""
        manager = get_cart_item_model()._default_manager
        if getattr(self, "swagger_fake_view", False):  # OpenAPI schema generation: no user
            return manager.none()
        service = get_cart_service()
        return manager.filter(service.line_filter(cart_owner(self.request))).select_related(
            "product", "product__discount"
        )

    @extend_schema(
        request=AddToCartSerializer,
        responses={201: CartItemSerializer, 200: CartItemSerializer},
    )
    def create(self, request: Request) -> Response:
        """Add a product to the cart; 201 for a new line, 200 when a line was incremented."""
        data = AddToCartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        owner = cart_owner(request, create=True)
        if owner is None:
            # Anonymous and no session to keep a cart in (no SessionMiddleware).
            raise exceptions.NotAuthenticated()
        item, created = get_cart_service().add(
            owner, data.validated_data["product"], data.validated_data["quantity"]
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(item).data, status=code)

    @extend_schema(request=UpdateCartItemSerializer, responses=CartItemSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Set the quantity of one line."""
        item = self.get_object()
        data = UpdateCartItemSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = get_cart_service().set_quantity(item, data.validated_data["quantity"])
        return Response(self.get_serializer(item).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        """Remove one line."""
        get_cart_service().remove(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class GuestCheckoutAllowed(BasePermission):
    """Allow signed-in users, and anonymous visitors with a session when guests may check out."""

    def has_permission(self, request: Request, view: Any) -> bool:
        """Return whether the request may check out."""
        if request.user and request.user.is_authenticated:
            return True
        return bool(settings.SHOPKIT_GUEST_CHECKOUT) and hasattr(request, "session")


class CheckoutView(AnonymousCsrfMixin, OrderErrorsMixin, APIView):
    """``POST checkout/``: turn the cart into an order; honours ``Idempotency-Key``.

    201 with the new order; 200 with the existing order when the key was used before. With
    ``SHOPKIT_GUEST_CHECKOUT`` an anonymous visitor checks out the session cart with an
    e-mail address; the key is then the session's.
    """

    permission_classes = [GuestCheckoutAllowed]
    serializer_class = OrderSerializer
    parser_classes = PARSER_CLASSES
    throttle_classes = THROTTLE_CLASSES
    shopkit_throttle_scope = CHECKOUT

    @extend_schema(
        request=CheckoutSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={
            201: OrderSerializer,
            200: OrderSerializer,
            404: ERROR_RESPONSES.get(404),
            409: ERROR_RESPONSES.get(409),
        },
    )
    def post(self, request: Request) -> Response:
        """Place the order; addresses by id (your own: 404 otherwise) or inline."""
        key = get_idempotency_key(request)
        data = CheckoutSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        details = self.get_checkout_details(request, data.validated_data)
        owner = cart_owner(request)
        if owner is None:  # a guest who never added anything
            raise EmptyCart()
        order, created = get_order_service().checkout(owner, idempotency_key=key, details=details)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.serializer_class(order).data, status=code)

    def get_checkout_details(self, request: Request, data: dict[str, Any]) -> CheckoutDetails:
        """Return the addresses of the validated input as snapshots, and the shipping method."""
        return CheckoutDetails(
            shipping_address=resolve_address(request.user, data, "shipping_address"),
            billing_address=resolve_address(request.user, data, "billing_address"),
            shipping_method=data.get("shipping_method") or None,
            email=data.get("email", ""),
            order_link=lambda order: self.get_guest_order_link(request, order),
        )

    def get_guest_order_link(self, request: Request, order: Any) -> str:
        """Return the absolute URL of a guest's order: the storefront's page, else the API's."""
        token = make_guest_token(order)
        try:
            path = reverse("shopkit_orders:guest-order", args=[token])
        except NoReverseMatch:
            path = reverse("shopkit-guest-order", args=[token])
        return request.build_absolute_uri(path)


class OrderViewSet(OrderErrorsMixin, viewsets.ReadOnlyModelViewSet[Any]):
    """The request user's orders, with ``pay`` and ``cancel`` actions."""

    permission_classes = [IsAuthenticated]
    serializer_class = OrderSerializer
    pagination_class = ShopkitPagination
    parser_classes = PARSER_CLASSES
    throttle_classes = THROTTLE_CLASSES
    shopkit_throttle_scope = PAYMENT
    shopkit_throttle_scopes = {"cancel": CHECKOUT}

    def get_queryset(self) -> QuerySet[Any]:
        """Return the request user's orders only; another user's order is a 404."""
        # Typed Any: the reverse relations exist on the host's concrete model only.
        manager: Any = get_order_model()._default_manager
        if getattr(self, "swagger_fake_view", False):  # OpenAPI schema generation: no user
            none: QuerySet[Any] = manager.none()
            return none
        queryset: QuerySet[Any] = manager.filter(user=self.request.user)
        if self.action in ("list", "retrieve"):
            # Only these serialize the orders as read; pay and cancel answer with a re-read.
            queryset = queryset.prefetch_related("items", "payments")
        return queryset

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        """Return the input serializer of ``pay``, else the order serializer."""
        if self.action == "pay":
            return PaySerializer
        return OrderSerializer

    def _respond(self, order: Any) -> Response:
        # Re-read after the change, with the payments including the one just made.
        fresh = self.get_queryset().prefetch_related("items", "payments").get(pk=order.pk)
        return Response(OrderSerializer(fresh).data)

    @transaction.non_atomic_requests
    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """Serve the request outside ``ATOMIC_REQUESTS``' transaction.

        ``pay`` calls the payment provider, which must never happen inside a transaction;
        every write of these views has its own short transaction in the order service.
        """
        return super().dispatch(request, *args, **kwargs)

    def get_return_url(self, order: Any) -> str:
        """Return where a redirect flow sends the buyer back to: the storefront's return page.

        Override for an app or a single-page front end; "" when the storefront is not mounted.
        """
        try:
            path = reverse("shopkit_orders:order-return", args=[order.number])
        except NoReverseMatch:
            return ""
        return self.request.build_absolute_uri(path)

    @extend_schema(
        request=PaySerializer,
        responses={
            200: OrderSerializer,
            202: PaymentPendingSerializer,
            **{code: ERROR_RESPONSES.get(code) for code in (402, 409, 503)},
        },
    )
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, pk: str | None = None) -> Response:
        """Pay the order: 200 paid, 202 with the action the buyer must take, 402 declined.

        503 means the provider's answer is unknown; retrying is safe (the attempt keeps its
        idempotency key). An order is charged at most once.
        """
        return self.pay_order(request)

    def pay_order(self, request: Request) -> Response:
        """Pay the order of the URL through the gateway; the body of ``pay``."""
        order = self.get_object()
        data = PaySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment_data = dict(data.validated_data)
        return_url = payment_data.pop("return_url", "") or self.get_return_url(order)
        try:
            get_order_service().process_payment(order, payment_data, return_url=return_url)
        except (PaymentActionRequired, PaymentProcessing) as exc:
            body = {"detail": exc.message, "code": exc.code, "payment": exc.payment}
            return Response(PaymentPendingSerializer(body).data, status=status.HTTP_202_ACCEPTED)
        except (PaymentDeclined, PaymentPending) as exc:
            # Answered, not raised: DRF's exception handler would roll back ATOMIC_REQUESTS in
            # a host's subclass that turns it back on, and the failed or pending attempt must
            # stay recorded (its key is what makes a retry safe).
            error = to_api_exception(exc)
            assert isinstance(error, exceptions.APIException)
            return Response({"detail": error.detail, "code": exc.code}, status=error.status_code)
        return self._respond(order)

    @extend_schema(request=None, responses={200: OrderSerializer, 409: ERROR_RESPONSES.get(409)})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Cancel a pending order and release its stock."""
        order = self.get_object()
        get_order_service().cancel(order)
        return self._respond(order)
