"""Host configuration 1: every shopkit model under its default name."""

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
    pass


class Tag(AbstractTag):
    pass


class Product(AbstractProduct):
    pass


class Review(AbstractReview):
    pass


class Discount(AbstractDiscount):
    pass


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
