"""Host configuration 2: other class names, and a Product (``Item``) with an extra field."""

from django.db import models

from django_shopkit.catalog.abstract_models import (
    AbstractCategory,
    AbstractDiscount,
    AbstractProduct,
    AbstractReview,
    AbstractTag,
)
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


class Department(AbstractCategory):
    pass


class Label(AbstractTag):
    pass


class Item(AbstractProduct):
    sku = models.CharField(max_length=32, blank=True)


class Rating(AbstractReview):
    pass


class Markdown(AbstractDiscount):
    pass


class Basket(AbstractCart):
    pass


class BasketLine(AbstractCartItem):
    pass


class Purchase(AbstractOrder):
    pass


class PurchaseLine(AbstractOrderItem):
    pass


class Charge(AbstractPayment):
    pass


class ChargeRefund(AbstractRefund):
    pass


class ProviderEvent(AbstractPaymentEvent):
    pass


class PostalAddress(AbstractAddress):
    pass
