"""The catalog's product API with the buy-now action of the orders app composed in.

``django_shopkit.urls`` registers :class:`PurchaseProductViewSet` instead of the catalog's
``ProductViewSet`` when the orders app is installed, so ``products/{id}/purchase/`` exists
without the catalog importing orders.
"""

from __future__ import annotations

from django_shopkit.catalog.views import ProductViewSet
from django_shopkit.orders.views import PurchaseMixin

__all__ = ["PurchaseProductViewSet"]


class PurchaseProductViewSet(PurchaseMixin, ProductViewSet):
    """The catalog's ProductViewSet plus ``POST products/{id}/purchase/``."""
