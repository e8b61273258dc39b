"""Host configuration 3, "behavioural": a host that overrides what Django developers override.

The Product's manager has another name (``catalog``; ``objects`` is removed), so library code
must use ``_default_manager``; the Product has a ``sku``; the Discount has a field of its own
and an ``is_current()`` that reads its product, so the read path must price with real,
fully loaded Discount instances.
"""

from django.db import models

from django_shopkit.catalog.abstract_models import (
    AbstractCategory,
    AbstractDiscount,
    AbstractProduct,
    AbstractReview,
    AbstractTag,
)
from django_shopkit.catalog.managers import ProductManager
from django_shopkit.catalog.querysets import ProductQuerySet
from django_shopkit.orders.abstract_models import (
    AbstractAddress,
    AbstractCart,
    AbstractCartItem,
    AbstractOrder,
    AbstractOrderItem,
    AbstractPayment,
    AbstractPaymentEvent,
    AbstractRefund,
)


class Category(AbstractCategory):
    pass


class Tag(AbstractTag):
    pass


class BehaveProductQuerySet(ProductQuerySet):
    def cheap(self):
        return self.filter(price__lt=10)

    def for_listing(self):
        # The host's serializer reads product.tags (tag_slugs): every listing prefetches them.
        return super().for_listing().with_tags()


class Product(AbstractProduct):
    # Products the host hides from its API carry this SKU (see BehaveProductViewSet).
    sku = models.CharField(max_length=32, blank=True, default="SKU")

    objects = None
    catalog = ProductManager.from_queryset(BehaveProductQuerySet)()


class Review(AbstractReview):
    pass


class Discount(AbstractDiscount):
    #: The discount applies only while the product has at least this many units in stock.
    min_stock = models.PositiveIntegerField(default=0)

    def is_current(self, now=None):
        # Reads the product and a field of the host's own: both must be loaded for free.
        return super().is_current(now) and self.product.stock >= self.min_stock


class Cart(AbstractCart):
    pass


class CartItem(AbstractCartItem):
    pass


class Order(AbstractOrder):
    pass


class OrderItem(AbstractOrderItem):
    pass


class Payment(AbstractPayment):
    pass


class Refund(AbstractRefund):
    pass


class PaymentEvent(AbstractPaymentEvent):
    pass


class Address(AbstractAddress):
    pass
