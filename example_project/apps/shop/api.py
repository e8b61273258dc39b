"""How a host extends the shopkit API: ``brand`` in the serializers, a filter and a ViewSet.

Each class subclasses its shopkit counterpart and changes one thing; ``apps.shop.urls`` registers
the ViewSet in place of shopkit's, under the same basename, so URL names stay the same.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from django_shopkit.catalog.filters import ProductFilter
from django_shopkit.catalog.serializers import ProductSerializer, ProductWriteSerializer
from django_shopkit.catalog.views import ProductViewSet


class ShopProductSerializer(ProductSerializer):
    """Shopkit's product representation plus ``brand``."""

    class Meta(ProductSerializer.Meta):
        fields = [*ProductSerializer.Meta.fields, "brand"]
        read_only_fields = fields


class ShopProductWriteSerializer(ProductWriteSerializer):
    """Shopkit's product writes plus ``brand``; they answer with the ViewSet's read serializer."""

    class Meta(ProductWriteSerializer.Meta):
        fields = [*ProductWriteSerializer.Meta.fields, "brand"]


class ShopProductFilter(ProductFilter):
    """Shopkit's product filters plus ``?brand=`` (case-insensitive, exact)."""

    brand = django_filters.CharFilter(field_name="brand", lookup_expr="iexact", label=_("Brand"))


class ShopProductViewSet(ProductViewSet):
    """Shopkit's product API with the brand shown, writable, filterable and searchable.

    ``products/{id}/purchase/`` is the orders app's own route: it stays with any product ViewSet.
    """

    serializer_class = ShopProductSerializer
    write_serializer_class = ShopProductWriteSerializer
    filterset_class = ShopProductFilter
    search_fields = [*ProductViewSet.search_fields, "brand"]
    ordering_fields = [*ProductViewSet.ordering_fields, "brand"]
