"""Concrete shopkit models of the example shop.

Each class extends a shopkit abstract model; ``Product`` adds a ``brand``, which the subclassed
serializer and ViewSet in this app expose and filter on.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

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


class Category(AbstractCategory):
    """A product category."""


class Tag(AbstractTag):
    """A free label on products."""


class Product(AbstractProduct):
    """A product, with the brand this shop shows and filters on."""

    brand = models.CharField(_("brand"), max_length=100, blank=True, db_index=True)


class Review(AbstractReview):
    """A customer's review of a product."""


class Discount(AbstractDiscount):
    """A percentage off one product."""


class Cart(AbstractCart):
    """A shopping cart."""


class CartItem(AbstractCartItem):
    """One product line of a cart."""


class Order(AbstractOrder):
    """A placed order."""


class OrderItem(AbstractOrderItem):
    """One product line of an order."""


class Payment(AbstractPayment):
    """A payment attempt on an order."""


class Refund(AbstractRefund):
    """A full or partial refund of a payment."""


class PaymentEvent(AbstractPaymentEvent):
    """A payment provider's webhook event."""


class Address(AbstractAddress):
    """An address in a customer's address book."""
