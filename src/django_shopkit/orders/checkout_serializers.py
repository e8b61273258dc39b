"""Serializers of addresses, shipping and the checkout input.

Re-exported by :mod:`django_shopkit.orders.serializers`, where the cart and order serializers
use them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from django_shopkit.conf import settings
from django_shopkit.loading import get_address_model
from django_shopkit.orders.abstract_addresses import ADDRESS_FIELDS, validate_country
from django_shopkit.orders.shipping import get_shipping_method
from django_shopkit.validators import NoControlCharactersMixin

__all__ = [
    "AddressSerializer",
    "AddressSnapshotSerializer",
    "CartQuerySerializer",
    "CheckoutSerializer",
    "CountryField",
    "ShippingQuerySerializer",
    "ShippingQuoteSerializer",
]


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


class ShippingQuoteSerializer(serializers.Serializer[Any]):
    """An available shipping method and its cost for the cart and address."""

    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    cost = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)


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
    email = serializers.EmailField(
        max_length=254,
        required=False,
        help_text=_("The buyer's e-mail address: required for a guest (not signed in)."),
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
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None and not user.is_authenticated and not attrs.get("email"):
            errors["email"] = _("An e-mail address is required to check out as a guest.")
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
