"""Serializers of the cart, checkout and order API.

Plain serializers with explicit fields: they never name a concrete model, so they work with
whatever classes the host configured. Prices of cart lines are computed at read time from the
product and its current discount, once per line (``CartService.price_lines``); order amounts
are the snapshot taken at checkout.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from django_shopkit.conf import settings
from django_shopkit.loading import get_address_model
from django_shopkit.orders.abstract_addresses import ADDRESS_FIELDS, validate_country
from django_shopkit.orders.cart import get_cart_service
from django_shopkit.orders.pricing import LinePrice
from django_shopkit.orders.shipping import get_shipping_method
from django_shopkit.validators import NoControlCharactersMixin

__all__ = [
    "AddToCartSerializer",
    "AddressSerializer",
    "AddressSnapshotSerializer",
    "CartItemSerializer",
    "CartQuerySerializer",
    "CartSerializer",
    "CheckoutSerializer",
    "CountryField",
    "ErrorSerializer",
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


class ShippingQuoteSerializer(serializers.Serializer[Any]):
    """An available shipping method and its cost for the cart and address."""

    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    cost = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)


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
    total = serializers.DecimalField(
        source="totals.total", max_digits=12, decimal_places=2, read_only=True
    )

    def get_currency(self, data: Any) -> str:
        """Return ``SHOPKIT_CURRENCY``."""
        currency: str = settings.SHOPKIT_CURRENCY
        return currency


class CountryField(serializers.CharField):
    """An ISO 3166-1 alpha-2 country code; lower case and spaces around are accepted."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 2)
        kwargs.setdefault("help_text", _("ISO 3166-1 alpha-2 country code, such as DE or US."))
        super().__init__(**kwargs)
        self.validators.append(validate_country)

    def to_internal_value(self, data: Any) -> str:
        """Return the code in upper case."""
        value: str = super().to_internal_value(data)
        return value.upper()


class AddressSerializer(NoControlCharactersMixin, serializers.Serializer[Any]):
    """An address of the user's address book (input and output); also an inline address."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=200)
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100)
    postcode = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    region = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    country = CountryField()
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def create(self, validated_data: dict[str, Any]) -> Any:
        """Add the address to the book of the user passed to ``save(user=...)``."""
        return get_address_model()._default_manager.create(**validated_data)

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        """Change the fields given (``PATCH``) or all of them (``PUT``); never the owner."""
        validated_data.pop("user", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        instance.save(update_fields=[*validated_data, "updated_at"])
        return instance


class AddressSnapshotSerializer(serializers.Serializer[Any]):
    """An address as the order stores it: a copy taken at checkout."""

    name = serializers.CharField(read_only=True)
    line1 = serializers.CharField(read_only=True)
    line2 = serializers.CharField(read_only=True)
    city = serializers.CharField(read_only=True)
    postcode = serializers.CharField(read_only=True)
    region = serializers.CharField(read_only=True)
    country = serializers.CharField(read_only=True)
    phone = serializers.CharField(read_only=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        """Return the stored snapshot's fields (blank for any it lacks)."""
        return {name: str(instance.get(name) or "") for name in ADDRESS_FIELDS}


class CheckoutSerializer(serializers.Serializer[Any]):
    """Input of ``POST checkout/``: each address by id from the book, or inline; all optional.

    The billing address defaults to the shipping address.
    """

    shipping_address_id = serializers.IntegerField(min_value=1, required=False)
    shipping_address = AddressSerializer(required=False)
    billing_address_id = serializers.IntegerField(min_value=1, required=False)
    billing_address = AddressSerializer(required=False)
    shipping_method = serializers.CharField(
        max_length=50,
        required=False,
        help_text=_("Code of a method from shipping-methods/; required when the shop has any."),
    )

    def validate_shipping_method(self, value: str) -> str:
        """Refuse a code that names no configured shipping method."""
        if get_shipping_method(value) is None:
            raise serializers.ValidationError(
                _("“%(code)s” is not a shipping method of this shop.") % {"code": value}
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Refuse an address given both by id and inline; require one where settings say so."""
        errors: dict[str, Any] = {}
        for role in ("shipping_address", "billing_address"):
            if role in attrs and f"{role}_id" in attrs:
                errors[role] = _("Give the address by id or inline, not both.")
        if (
            settings.SHOPKIT_REQUIRE_SHIPPING_ADDRESS
            and "shipping_address" not in attrs
            and "shipping_address_id" not in attrs
        ):
            errors["shipping_address"] = _("A shipping address is required.")
        if settings.SHOPKIT_SHIPPING_METHODS and not attrs.get("shipping_method"):
            errors["shipping_method"] = _("Choose a shipping method.")
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ShippingQuerySerializer(NoControlCharactersMixin, serializers.Serializer[Any]):
    """Query of ``shipping-methods/`` and ``cart/``: the address, by id or by its parts."""

    address_id = serializers.IntegerField(
        min_value=1, required=False, help_text=_("One of your addresses.")
    )
    country = CountryField(required=False)
    region = serializers.CharField(max_length=100, required=False)
    postcode = serializers.CharField(max_length=20, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Refuse an address given by id and by parts at once."""
        if "address_id" in attrs and {"country", "region", "postcode"} & set(attrs):
            raise serializers.ValidationError(
                {"address_id": _("Give the address by id or by its parts, not both.")}
            )
        return attrs


class CartQuerySerializer(ShippingQuerySerializer):
    """Query of ``cart/``: an address and a shipping method put shipping into the totals."""

    shipping_method = serializers.CharField(max_length=50, required=False)

    def validate_shipping_method(self, value: str) -> str:
        """Refuse a code that names no configured shipping method."""
        return CheckoutSerializer().validate_shipping_method(value)


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


class ErrorSerializer(serializers.Serializer[Any]):
    """An error answer: a message and a stable code."""

    detail = serializers.CharField(read_only=True)
    code = serializers.CharField(read_only=True, required=False)


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
