"""The behavioural host's product ViewSet: hides products, caches per what it reads."""

from django_shopkit.catalog.views import ProductViewSet

from .serializers import BehaveProductSerializer, BehaveProductWriteSerializer

#: Products with this SKU are hidden from everyone but staff.
HIDDEN_SKU = "HIDDEN"


class BehaveProductViewSet(ProductViewSet):
    serializer_class = BehaveProductSerializer
    write_serializer_class = BehaveProductWriteSerializer
    search_fields = [*ProductViewSet.search_fields, "sku"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if not self.request.user.is_staff:
            queryset = queryset.exclude(sku=HIDDEN_SKU)
        return queryset

    def response_cache_key_parts(self):
        # The serializer reads the X-Member header: cached responses vary on it.
        parts = super().response_cache_key_parts()
        return None if parts is None else (*parts, self.request.headers.get("X-Member"))
