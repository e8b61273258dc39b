"""The cart service: add, change, remove and price the lines of a user's cart.

Hosts change a rule by subclassing :class:`CartService` and naming the subclass in
``SHOPKIT_CART_SERVICE``; library code always goes through :func:`get_cart_service`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from django_shopkit.conf import settings
from django_shopkit.loading import get_cart_item_model, get_cart_model, get_class, get_product_model
from django_shopkit.orders.exceptions import InvalidQuantity, ProductUnavailable
from django_shopkit.orders.pricing import LinePrice, Totals, line_price, totals

__all__ = ["CartService", "get_cart_service"]

_ADD_RETRIES = 3


class CartService:
    """Business rules of the cart. Override a method to change one rule."""

    def get_cart(self, user: Any, *, create: bool = True, lock: bool = False) -> Any:
        """Return the user's cart, creating it when ``create``; ``lock`` takes its row lock.

        Creation uses ``INSERT ... ON CONFLICT DO NOTHING`` so two first requests of one user
        racing each other both end up with the one cart the unique constraint allows.
        """
        manager = get_cart_model()._default_manager
        queryset = manager.select_for_update() if lock else manager.all()
        cart = queryset.filter(user=user).first()
        if cart is None and create:
            manager.bulk_create([manager.model(user=user)], ignore_conflicts=True)
            cart = queryset.get(user=user)
        return cart

    def lines(self, cart: Any) -> QuerySet[Any]:
        """Return the cart's lines with their products and discounts, in one query."""
        manager = get_cart_item_model()._default_manager
        if cart is None:
            return manager.none()
        return manager.filter(cart=cart).select_related("product", "product__discount")

    def get_product(self, product_id: Any) -> Any:
        """Return the active product ``product_id`` (with its discount) or raise."""
        product_model = get_product_model()
        try:
            # The stubs do not see the reverse one-to-one ``discount``.
            queryset = product_model._default_manager.select_related("discount")  # type: ignore[misc]
            return queryset.get(pk=product_id, is_active=True)
        except (product_model.DoesNotExist, ValueError, TypeError):
            raise ProductUnavailable(
                _("Product %(product)s does not exist or is not for sale.")
                % {"product": product_id}
            ) from None

    def validate_quantity(self, product: Any, quantity: int) -> None:
        """Raise InvalidQuantity unless ``1 <= quantity <= min(max per line, stock)``."""
        if quantity < 1:
            raise InvalidQuantity(_("Quantity must be at least 1."))
        maximum: int = settings.SHOPKIT_MAX_LINE_QUANTITY
        if quantity > maximum:
            raise InvalidQuantity(
                _("At most %(max)d units of one product fit in a cart line; %(qty)d requested.")
                % {"max": maximum, "qty": quantity}
            )
        if quantity > product.stock:
            raise InvalidQuantity(
                _("Only %(stock)d of “%(name)s” in stock; %(qty)d requested.")
                % {"stock": product.stock, "name": product.name, "qty": quantity}
            )

    def add(self, user: Any, product_id: Any, quantity: int = 1) -> tuple[Any, bool]:
        """Add ``quantity`` units to the user's cart; return the line and whether it is new.

        Adding a product already in the cart raises its line's quantity. No lock is held:
        the increment is one conditional UPDATE (``quantity <= limit - added``) and a new line
        relies on the unique (cart, product) constraint, so concurrent adds of one user never
        lose a unit.
        """
        if quantity < 1:
            raise InvalidQuantity(_("Quantity must be at least 1."))
        cart = self.get_cart(user)
        product = self.get_product(product_id)
        manager = get_cart_item_model()._default_manager
        for _attempt in range(_ADD_RETRIES):
            item = manager.filter(cart=cart, product=product).first()
            if item is None:
                self.validate_quantity(product, quantity)
                try:
                    with transaction.atomic():
                        item = manager.create(cart=cart, product=product, quantity=quantity)
                except IntegrityError:
                    continue  # a concurrent request created the line: increment it instead
                return item, True
            self.validate_quantity(product, item.quantity + quantity)
            # The limit is checked again by the database, on the row's latest version, so
            # concurrent adds all count and none pushes the line past the limit.
            limit = min(settings.SHOPKIT_MAX_LINE_QUANTITY, product.stock)
            updated = manager.filter(pk=item.pk, quantity__lte=limit - quantity).update(
                quantity=F("quantity") + quantity, updated_at=timezone.now()
            )
            if updated:
                # May trail the stored value if another add ran at the same moment.
                item.quantity += quantity
                item.product = product
                return item, False
            # Removed meanwhile (loop creates it again) or filled up by another add (loop
            # raises InvalidQuantity with the current figures).
        raise InvalidQuantity(_("The cart changed while adding; please try again."))

    def set_quantity(self, item: Any, quantity: int) -> Any:
        """Set a line's quantity, validated against the per-line maximum and the stock."""
        self.validate_quantity(item.product, quantity)
        item.quantity = quantity
        item.save(update_fields=["quantity", "updated_at"])
        return item

    def remove(self, item: Any) -> None:
        """Remove one line from its cart."""
        item.delete()

    def clear(self, cart: Any) -> int:
        """Remove every line of the cart; return how many were removed."""
        if cart is None:
            return 0
        count, _details = get_cart_item_model()._default_manager.filter(cart=cart).delete()
        return count

    def price_lines(self, items: Iterable[Any]) -> list[LinePrice]:
        """Price each line at current prices, set it as ``line.line_price``, return them in order.

        The views price a cart once and reuse each LinePrice for the line's fields and for
        :meth:`totals`. All lines are priced at one instant, so a discount that starts or ends
        mid-request cannot apply to some lines and not others.
        """
        now = timezone.now()
        prices: list[LinePrice] = []
        for item in items:
            item.line_price = line_price(item.product, item.quantity, now)
            prices.append(item.line_price)
        return prices

    def totals(self, prices: Iterable[LinePrice]) -> Totals:
        """Return subtotal, discounts and total of lines priced by :meth:`price_lines`."""
        return totals(prices)


def get_cart_service() -> CartService:
    """Return an instance of the class named by ``SHOPKIT_CART_SERVICE``."""
    service: CartService = get_class("CART_SERVICE")()
    return service
