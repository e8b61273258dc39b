"""Helpers of the orders tests: fill carts and place orders through the services."""

from django_shopkit.loading import get_order_model
from django_shopkit.orders.services import get_cart_service, get_order_service


def fill_cart(user, *lines):
    """Add ``(product, quantity)`` pairs to the user's cart and return the cart."""
    service = get_cart_service()
    for product, quantity in lines:
        service.add(user, product.pk, quantity)
    return service.get_cart(user)


def place_order(user, *lines, key=None):
    """Fill the cart with ``lines`` and check out; return the order."""
    cart = fill_cart(user, *lines)
    return get_order_service().create_order(user, cart, idempotency_key=key)


def reload(obj):
    return type(obj)._default_manager.get(pk=obj.pk)


def order_count():
    return get_order_model()._default_manager.count()
