"""The behavioural host's serializers: the overrides Django developers write every day."""

from decimal import Decimal

from rest_framework import serializers

from django_shopkit.catalog.serializers import ProductSerializer, ProductWriteSerializer
from django_shopkit.money import quantize

#: What a ``X-Member: gold`` visitor pays of the discounted price.
GOLD_SHARE = Decimal("0.90")


class BehaveProductSerializer(ProductSerializer):
    """Shows ``sku``, ``viewer`` and ``tag_slugs``; gold members see a lower discounted price."""

    viewer = serializers.SerializerMethodField()
    tag_slugs = serializers.SerializerMethodField()

    class Meta(ProductSerializer.Meta):
        fields = [*ProductSerializer.Meta.fields, "sku", "viewer", "tag_slugs"]
        read_only_fields = fields

    def get_discount_price(self, obj) -> str | None:
        # The everyday pattern: read the request from the context (a KeyError without one).
        request = self.context["request"]
        price = super().get_discount_price(obj)
        if price is not None and request.headers.get("X-Member") == "gold":
            price = format(quantize(Decimal(price) * GOLD_SHARE), "f")
        return price

    def get_viewer(self, obj):
        user = self.context["request"].user
        return user.get_username() if user.is_authenticated else None

    def get_tag_slugs(self, obj):
        # Reads the relation: the host's for_listing() prefetches it (with_tags()).
        return [tag.slug for tag in obj.tags.all()]


class BehaveProductWriteSerializer(ProductWriteSerializer):
    # No to_representation(): writes answer with the ViewSet's read serializer by themselves.
    class Meta(ProductWriteSerializer.Meta):
        fields = [*ProductWriteSerializer.Meta.fields, "sku"]
