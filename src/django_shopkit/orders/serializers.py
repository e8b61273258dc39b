"""Serializers of the cart, checkout and order API.

Plain serializers with explicit fields: they never name a concrete model, so they work with
whatever classes the host configured. Prices of cart lines are computed at read time from the
product and its current discount, once per line (``CartService.price_lines``); order amounts
are the snapshot taken at checkout.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from django_shopkit.conf import settings
from django_shopkit.orders.cart import get_cart_service
from django_shopkit.orders.checkout_serializers import (
    AddressSerializer,
    AddressSnapshotSerializer,
    CartQuerySerializer,
    CheckoutSerializer,
    CountryField,
    ShippingQuerySerializer,
    ShippingQuoteSerializer,
)
from django_shopkit.orders.pricing import LinePrice

__all__ = [
    "AddToCartSerializer",
    "AddressSerializer",
    "AddressSnapshotSerializer",
    "CartItemSerializer",
    "CartQuerySerializer",
    "CartSerializer",
    "CheckoutSerializer",
    "CountryField",
    "OrderItemSerializer",
    "OrderSerializer",
    "PaySerializer",
    "PaymentActionSerializer",
    "PaymentPendingSerializer",
    "PaymentSerializer",
    "PurchaseSerializer",
    "ShippingQuerySerializer",
    "ShippingQuoteSerializer",
    "UpdateCartItemSerializer",
    "WebhookAnswerSerializer",
]


_RATE_PLACES = Decimal("0.001")


def _max_quantity() -> int:
    maximum: int = settings.SHOPKIT_MAX_LINE_QUANTITY
    return maximum


class CartItemSerializer(serializers.Serializer[Any]):
    """One cart line with its current prices."""

    id = serializers.IntegerField(read_only=True)
    product = serializers.IntegerField(source="product_id", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)
    product_slug = serializers.CharField(source="product.slug", read_only=True)
    quantity = serializers.IntegerField(read_only=True)
    original_unit_price = serializers.SerializerMethodField()
    unit_price = serializers.SerializerMethodField()
    line_total = serializers.SerializerMethodField()
    tax_rate = serializers.SerializerMethodField()
    net_total = serializers.SerializerMethodField()
    tax_total = serializers.SerializerMethodField()
    gross_total = serializers.SerializerMethodField()

    def to_representation(self, instance: Any) -> dict[str, Any]:
        """Return the line's fields, pricing the line first unless the cart service did."""
        # The cart view prices every line once for the lines and the totals; a line added or
        # changed on its own (POST, PATCH), or whose quantity changed since, is priced here.
        price: LinePrice | None = getattr(instance, "line_price", None)
        if price is None or price.quantity != instance.quantity:
            get_cart_service().price_lines([instance])
        data: dict[str, Any] = super().to_representation(instance)
        return data

    def get_original_unit_price(self, item: Any) -> str:
        """Return the list price of one unit."""
        price: LinePrice = item.line_price
        return str(price.original_unit_price)

    def get_unit_price(self, item: Any) -> str:
        """Return the price of one unit with its current discount."""
        price: LinePrice = item.line_price
        return str(price.unit_price)

    def get_line_total(self, item: Any) -> str:
        """Return unit price times quantity."""
        price: LinePrice = item.line_price
        return str(price.line_total)

    def get_tax_rate(self, item: Any) -> str:
        """Return the tax rate applied, in percent, with the three places orders store."""
        price: LinePrice = item.line_price
        return str(price.tax_rate.quantize(_RATE_PLACES))

    def get_net_total(self, item: Any) -> str:
        """Return the line total without tax."""
        price: LinePrice = item.line_price
        return str(price.tax.net)

    def get_tax_total(self, item: Any) -> str:
        """Return the tax of the line, rounded on its own."""
        price: LinePrice = item.line_price
        return str(price.tax.tax)

    def get_gross_total(self, item: Any) -> str:
        """Return the line total with tax."""
        price: LinePrice = item.line_price
        return str(price.tax.gross)


class AddToCartSerializer(serializers.Serializer[Any]):
    """Input of ``POST cart/items/``."""

    product = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(default=1, min_value=1)

    def validate_quantity(self, value: int) -> int:
        """Refuse quantities above ``SHOPKIT_MAX_LINE_QUANTITY``."""
        if value > _max_quantity():
            raise serializers.ValidationError(
                _("At most %(max)d units fit in one cart line.") % {"max": _max_quantity()}
            )
        return value


class UpdateCartItemSerializer(AddToCartSerializer):
    """Input of ``PATCH cart/items/{id}/``."""

    product = None  # type: ignore[assignment]  # the product of a line does not change
    quantity = serializers.IntegerField(min_value=1)


class CartSerializer(serializers.Serializer[Any]):
    """The cart: lines and totals.

    Pass ``{"cart": cart, "items": [...], "totals": Totals, "shipping_method": quote}``; the
    quote (a ShippingQuote, or None) is the shipping method the totals include.
    """

    id = serializers.IntegerField(source="cart.pk", read_only=True, allow_null=True)
    items = CartItemSerializer(many=True, read_only=True)
    item_count = serializers.IntegerField(source="totals.quantity", read_only=True)
    currency = serializers.SerializerMethodField()
    subtotal = serializers.DecimalField(
        source="totals.subtotal", max_digits=12, decimal_places=2, read_only=True
    )
    discount_total = serializers.DecimalField(
        source="totals.discount_total", max_digits=12, decimal_places=2, read_only=True
    )
    shipping_method = ShippingQuoteSerializer(read_only=True, allow_null=True)
    shipping_total = serializers.DecimalField(
        source="totals.shipping_total", max_digits=12, decimal_places=2, read_only=True
    )
    shipping_tax = serializers.DecimalField(
        source="totals.shipping_tax", max_digits=12, decimal_places=2, read_only=True
    )
    tax_total = serializers.DecimalField(
        source="totals.tax_total", max_digits=12, decimal_places=2, read_only=True
    )
    prices_include_tax = serializers.BooleanField(
        source="totals.prices_include_tax", read_only=True
    )
    total = serializers.DecimalField(
        source="totals.total", max_digits=12, decimal_places=2, read_only=True
    )

    def get_currency(self, data: Any) -> str:
        """Return ``SHOPKIT_CURRENCY``."""
        currency: str = settings.SHOPKIT_CURRENCY
        return currency


class OrderItemSerializer(serializers.Serializer[Any]):
    """One order line as it was bought."""

    id = serializers.IntegerField(read_only=True)
    product = serializers.IntegerField(source="product_id", read_only=True, allow_null=True)
    product_name = serializers.CharField(read_only=True)
    product_slug = serializers.CharField(read_only=True)
    quantity = serializers.IntegerField(read_only=True)
    original_unit_price = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True)
    unit_price = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True)
    line_total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    tax_rate = serializers.DecimalField(max_digits=6, decimal_places=3, read_only=True)
    net_total = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, allow_null=True
    )
    tax_total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    gross_total = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, allow_null=True
    )


class PaymentActionSerializer(serializers.Serializer[Any]):
    """What the client must do to finish a payment."""

    type = serializers.ChoiceField(
        choices=["redirect", "client_secret"],
        read_only=True,
        help_text=_(
            "redirect: send the buyer to redirect_url; client_secret: confirm with the "
            "provider's script (Stripe.js) and client_secret."
        ),
    )
    redirect_url = serializers.CharField(read_only=True)
    client_secret = serializers.CharField(read_only=True)


class PaymentSerializer(serializers.Serializer[Any]):
    """One payment attempt."""

    id = serializers.IntegerField(read_only=True)
    status = serializers.CharField(read_only=True)
    gateway = serializers.CharField(read_only=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    amount_refunded = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    currency = serializers.CharField(read_only=True)
    reference = serializers.CharField(read_only=True)
    message = serializers.CharField(read_only=True)
    action = PaymentActionSerializer(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        """Return the attempt; ``action`` is null unless the buyer must act."""
        data: dict[str, Any] = super().to_representation(instance)
        if instance.status != "requires_action" or not instance.action:
            data["action"] = None
        return data


class OrderSerializer(serializers.Serializer[Any]):
    """An order with its lines and payment attempts."""

    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    currency = serializers.CharField(read_only=True)
    subtotal = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    discount_total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    shipping_method = serializers.CharField(read_only=True)
    shipping_method_name = serializers.CharField(read_only=True)
    shipping_total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    shipping_tax = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    shipping_tax_rate = serializers.DecimalField(max_digits=6, decimal_places=3, read_only=True)
    tax_total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    prices_include_tax = serializers.BooleanField(read_only=True)
    total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    amount_paid = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    amount_refunded = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    amount_outstanding = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    paid_at = serializers.DateTimeField(read_only=True, allow_null=True)
    fulfilled_at = serializers.DateTimeField(read_only=True, allow_null=True)
    cancelled_at = serializers.DateTimeField(read_only=True, allow_null=True)
    shipping_address = AddressSnapshotSerializer(read_only=True, allow_null=True)
    billing_address = AddressSnapshotSerializer(read_only=True, allow_null=True)
    items = OrderItemSerializer(many=True, read_only=True)
    payments = PaymentSerializer(many=True, read_only=True)


class PaySerializer(serializers.Serializer[Any]):
    """Input of ``POST orders/{id}/pay/``: what the gateway needs to start the payment."""

    token = serializers.CharField(
        max_length=255,
        required=False,
        help_text=_("A payment token (the dummy gateway's tok_... test tokens)."),
    )
    payment_method = serializers.CharField(
        max_length=255,
        required=False,
        help_text=_("A Stripe PaymentMethod id; without it the answer carries a client secret."),
    )
    return_url = serializers.URLField(
        max_length=2000,
        required=False,
        help_text=_("Where a redirect flow sends the buyer back to; default: the order page."),
    )


class PaymentPendingSerializer(serializers.Serializer[Any]):
    """Answer of ``pay`` when the payment is not finished: the action the client must take."""

    detail = serializers.CharField(read_only=True)
    code = serializers.ChoiceField(choices=["requires_action", "processing"], read_only=True)
    payment = PaymentSerializer(read_only=True)


class WebhookAnswerSerializer(serializers.Serializer[Any]):
    """Answer of the payment webhook: how many events came and how many were new."""

    received = serializers.IntegerField(read_only=True)
    processed = serializers.IntegerField(read_only=True)


class PurchaseSerializer(serializers.Serializer[Any]):
    """Input of ``POST products/{id}/purchase/``."""

    quantity = serializers.IntegerField(default=1, min_value=1)

    def validate_quantity(self, value: int) -> int:
        """Refuse quantities above ``SHOPKIT_MAX_LINE_QUANTITY``."""
        if value > _max_quantity():
            raise serializers.ValidationError(
                _("At most %(max)d units of one product per order.") % {"max": _max_quantity()}
            )
        return value
