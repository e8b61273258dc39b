"""Errors raised by the cart and order services; each carries a message fit for a buyer."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from django_shopkit.catalog.services import OutOfStock

__all__ = [
    "AddressNotFound",
    "EmptyCart",
    "GuestCheckoutUnavailable",
    "InsufficientStock",
    "InvalidIdempotencyKey",
    "InvalidQuantity",
    "InvalidRefund",
    "InvalidTransition",
    "OrderError",
    "PaymentActionRequired",
    "PaymentDeclined",
    "PaymentError",
    "PaymentPending",
    "PaymentProcessing",
    "ProductUnavailable",
    "ShippingUnavailable",
]


class OrderError(Exception):
    """Base class of the errors of the orders app; ``code`` is stable, ``message`` translated."""

    code = "order_error"

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class EmptyCart(OrderError):
    """Raised when checking out a cart without lines."""

    code = "empty_cart"

    def __init__(self) -> None:
        super().__init__(_("Your cart is empty."))


class InvalidIdempotencyKey(OrderError):
    """Raised for an idempotency key that is too long or holds non-printable characters."""

    code = "invalid_idempotency_key"


class InvalidQuantity(OrderError):
    """Raised for a quantity below 1, above the per-line maximum or above the stock."""

    code = "invalid_quantity"


class ProductUnavailable(OrderError):
    """Raised when a product does not exist or is not for sale."""

    code = "product_unavailable"


class InvalidTransition(OrderError):
    """Raised when an order cannot move from its current status to the one asked for."""

    code = "invalid_transition"

    def __init__(self, order: Any, target: str, reason: str | None = None) -> None:
        self.order = order
        self.current = str(order.status)
        self.target = target
        message = _("Order %(number)s is %(current)s and cannot become %(target)s.") % {
            "number": order.number,
            "current": self.current,
            "target": target,
        }
        if reason:
            message = f"{message} {reason}"
        super().__init__(message)


class InvalidRefund(OrderError):
    """Raised for a refund of zero, or of more than what is left of the captured amount."""

    code = "invalid_refund"


class PaymentError(OrderError):
    """Base class of payment failures; ``payment`` is the attempt that was recorded."""

    code = "payment_error"

    def __init__(self, message: str, payment: Any = None) -> None:
        self.payment = payment
        super().__init__(message)


class PaymentDeclined(PaymentError):
    """Raised when the gateway declined the charge; the order stays payable."""

    code = "payment_declined"


class PaymentPending(PaymentError):
    """Raised when the gateway gave no answer; retrying reuses the same idempotency key."""

    code = "payment_pending"


class PaymentActionRequired(PaymentError):
    """Raised when the buyer must act (3-D Secure, a redirect); ``payment.action`` says how."""

    code = "requires_action"


class PaymentProcessing(PaymentError):
    """Raised when the provider accepted the payment but settles it later (webhook, refresh)."""

    code = "processing"


class InsufficientStock(OutOfStock, OrderError):
    """:class:`~django_shopkit.catalog.services.OutOfStock` naming the product, for buyers.

    Also an :class:`OrderError`, so code that handles the orders app's errors handles this one
    (``message``, ``code``) without a case of its own.
    """

    code = "out_of_stock"

    def __init__(self, product_id: int, requested: int, available: int, product_name: str) -> None:
        super().__init__(product_id, requested, available)
        self.product_name = product_name
        if available:
            self.message = _(
                "Only %(available)d of “%(name)s” left in stock; %(requested)d requested."
            ) % {"available": available, "name": product_name, "requested": requested}
        else:
            self.message = _("“%(name)s” is out of stock.") % {"name": product_name}
        self.args = (self.message,)


class AddressNotFound(OrderError):
    """Raised when an address id is not one of the user's own addresses (a 404 in the API)."""

    code = "address_not_found"

    def __init__(self, address_id: Any) -> None:
        self.address_id = address_id
        super().__init__(_("Address %(id)s is not in your address book.") % {"id": address_id})


class ShippingUnavailable(OrderError):
    """Raised when the chosen shipping method cannot ship this cart to this address (a 409)."""

    code = "shipping_unavailable"

    def __init__(self, method: str) -> None:
        self.method = method
        super().__init__(
            _(
                "The shipping method “%(method)s” is not available for this cart and address "
                "(any more); please choose another."
            )
            % {"method": method}
        )


class GuestCheckoutUnavailable(OrderError):
    """Raised when a guest may not check out: guest checkout is off, or no e-mail was given."""

    code = "guest_checkout_unavailable"
