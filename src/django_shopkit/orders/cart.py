"""The cart service: add, change, remove and price the lines of a cart.

A cart belongs to a signed-in user or, for an anonymous visitor, to a :class:`SessionOwner`:
a random key kept in the visitor's session (:func:`cart_owner`). At login the session's cart
merges into the user's (:meth:`CartService.merge`).

Hosts change a rule by subclassing :class:`CartService` and naming the subclass in
``SHOPKIT_CART_SERVICE``; library code always goes through :func:`get_cart_service`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from django_shopkit.conf import settings
from django_shopkit.loading import get_cart_item_model, get_cart_model, get_class, get_product_model
from django_shopkit.orders.exceptions import (
    InvalidQuantity,
    ProductUnavailable,
    ShippingUnavailable,
)
from django_shopkit.orders.pricing import LinePrice, Totals, line_price, totals
from django_shopkit.orders.session_carts import (
    CART_SESSION_KEY,
    CappedLine,
    SessionOwner,
    cart_owner,
    session_owner,
)
from django_shopkit.orders.shipping import (
    ShippingQuote,
    ShippingRequest,
    available_methods,
    get_shipping_method,
)
from django_shopkit.orders.tax import get_tax_strategy

__all__ = [
    "CART_SESSION_KEY",
    "CappedLine",
    "CartService",
    "MergeResult",
    "Quote",
    "SessionOwner",
    "cart_owner",
    "get_cart_service",
    "session_owner",
]

_ADD_RETRIES = 3


@dataclass(frozen=True)
class Quote:
    """What :meth:`CartService.quote` computed: line prices, the shipping quote and totals."""

    prices: list[LinePrice]
    shipping: ShippingQuote | None
    totals: Totals


@dataclass
class MergeResult:
    """What :meth:`CartService.merge` did: the user's cart and the lines it had to cap."""

    cart: Any = None
    merged: int = 0
    capped: list[CappedLine] = field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        """Return one message per capped line."""
        return [line.message for line in self.capped]


class CartService:
    """Business rules of the cart. Override a method to change one rule."""

    def owner_fields(self, owner: Any) -> dict[str, Any]:
        """Return the cart columns that identify ``owner`` (a user or a SessionOwner)."""
        if isinstance(owner, SessionOwner):
            return {"user": None, "session_key": owner.key}
        return {"user": owner}

    def owner_filter(self, owner: Any, prefix: str = "") -> Q:
        """Return the filter of ``owner``'s cart; ``prefix`` is the path to the cart."""
        if isinstance(owner, SessionOwner):
            return Q(**{f"{prefix}session_key": owner.key, f"{prefix}user__isnull": True})
        return Q(**{f"{prefix}user": owner})

    def get_cart(self, user: Any, *, create: bool = True, lock: bool = False) -> Any:
        """Return the cart of ``user`` (a user or a SessionOwner), creating it when ``create``.

        ``lock`` takes the cart's row lock. Creation uses ``INSERT ... ON CONFLICT DO
        NOTHING`` so two first requests of one owner racing each other both end up with the
        one cart the unique constraints allow. ``None`` (no owner) has no cart.
        """
        if user is None:
            return None
        manager = get_cart_model()._default_manager
        queryset = manager.select_for_update() if lock else manager.all()
        lookup = self.owner_filter(user)
        cart = queryset.filter(lookup).first()
        if cart is None and create:
            manager.bulk_create([manager.model(**self.owner_fields(user))], ignore_conflicts=True)
            cart = queryset.get(lookup)
        return cart

    def line_filter(self, owner: Any) -> Q:
        """Return the filter of the lines of ``owner``'s cart (nothing for no owner)."""
        if owner is None:
            return Q(pk__in=[])
        return self.owner_filter(owner, prefix="cart__")

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

    def merge(self, owner: SessionOwner, user: Any) -> MergeResult:
        """Move the lines of ``owner``'s session cart into ``user``'s cart; delete the former.

        Quantities of a product in both carts are added, capped at the stock and
        ``SHOPKIT_MAX_LINE_QUANTITY`` (a line the user had is never lowered); lines of products
        no longer for sale are dropped. Each cap is reported in the result. One transaction:
        the user's cart is locked first, then the session's, so two logins racing each other
        (same user, or same session) merge one after the other into the one user cart.
        """
        item_manager = get_cart_item_model()._default_manager
        result = MergeResult()
        with transaction.atomic():
            result.cart = target = self.get_cart(user, lock=True)
            source = self.get_cart(owner, create=False, lock=True)
            if source is None:
                return result
            incoming = list(self.lines(source))
            mine = {item.product_id: item for item in item_manager.filter(cart=target)}
            maximum: int = settings.SHOPKIT_MAX_LINE_QUANTITY
            now = timezone.now()
            new: list[Any] = []
            changed: list[Any] = []
            for item in incoming:
                product = item.product
                limit = min(maximum, product.stock) if product.is_active else 0
                current = mine.get(product.pk)
                have = current.quantity if current is not None else 0
                requested = have + item.quantity
                kept = max(have, min(requested, limit))
                if kept < requested:
                    result.capped.append(CappedLine(product, requested, kept))
                if current is None and kept > 0:
                    new.append(item_manager.model(cart=target, product=product, quantity=kept))
                elif current is not None and kept != have:
                    current.quantity, current.updated_at = kept, now
                    changed.append(current)
            item_manager.bulk_create(new)
            item_manager.bulk_update(changed, ["quantity", "updated_at"])
            result.merged = len(new) + len(changed)
            # The lines go with their cart (ON DELETE CASCADE through Django's collector).
            source.delete()
        return result

    def expired_session_carts(self, older_than: timedelta) -> QuerySet[Any]:
        """Return session carts neither they nor any of their lines changed in ``older_than``."""
        cutoff = timezone.now() - older_than
        recent_lines = get_cart_item_model()._default_manager.filter(
            cart=OuterRef("pk"), updated_at__gte=cutoff
        )
        return (
            get_cart_model()
            ._default_manager.filter(
                user__isnull=True, session_key__isnull=False, updated_at__lt=cutoff
            )
            .exclude(Exists(recent_lines))
        )

    def delete_expired_session_carts(self, older_than: timedelta) -> int:
        """Delete the carts :meth:`expired_session_carts` returns; return how many."""
        count: int = (
            self.expired_session_carts(older_than).delete()[1].get(get_cart_model()._meta.label, 0)
        )
        return count

    def price_lines(self, items: Iterable[Any], address: Any = None) -> list[LinePrice]:
        """Price each line at current prices, set it as ``line.line_price``, return them in order.

        The views price a cart once and reuse each LinePrice for the line's fields and for
        :meth:`totals`. All lines are priced at one instant, so a discount that starts or ends
        mid-request cannot apply to some lines and not others. Tax rates are the tax
        strategy's for ``address`` (a snapshot; None: the shop's default country).
        """
        items = list(items)
        prices = self.price(items, address)
        for item, price in zip(items, prices, strict=True):
            item.line_price = price
        return prices

    def price(self, lines: Iterable[Any], address: Any = None) -> list[LinePrice]:
        """Return the LinePrice of each line (anything with ``product`` and ``quantity``)."""
        now = timezone.now()
        strategy = get_tax_strategy()
        return [
            line_price(line.product, line.quantity, now, strategy.rate_for(line.product, address))
            for line in lines
        ]

    def totals(
        self,
        prices: Iterable[LinePrice],
        shipping: Decimal = Decimal(0),
        shipping_tax_rate: Decimal = Decimal(0),
    ) -> Totals:
        """Return subtotal, discounts, shipping, tax and total of lines priced by :meth:`price`."""
        return totals(prices, shipping, shipping_tax_rate)

    def quote(
        self,
        lines: Sequence[Any],
        address: Any = None,
        shipping_method: str | None = None,
        *,
        prices: Sequence[LinePrice] | None = None,
    ) -> Quote:
        """Price ``lines`` for ``address`` with the chosen shipping; the cart and checkout's sum.

        The cart view and checkout both come here, so a cart shows what its order will say.
        ``prices`` reuses lines priced already (:meth:`price_lines`). An unavailable
        ``shipping_method`` raises ShippingUnavailable.
        """
        if prices is None:
            prices = self.price(lines, address)
        shipping = None
        shipping_rate = Decimal(0)
        if shipping_method:
            shipping = self.quote_shipping(lines, prices, address, shipping_method)
            shipping_rate = get_tax_strategy().shipping_rate(address, [p.tax_rate for p in prices])
        amounts = self.totals(prices, shipping.cost if shipping else Decimal(0), shipping_rate)
        return Quote(list(prices), shipping, amounts)

    def shipping_quotes(
        self, items: Sequence[Any], prices: Sequence[LinePrice], address: Any
    ) -> list[ShippingQuote]:
        """Return the shipping methods available for the lines and address, with their cost."""
        if not items:
            return []
        return available_methods(ShippingRequest(items, prices, address))

    def quote_shipping(
        self, items: Sequence[Any], prices: Sequence[LinePrice], address: Any, code: str
    ) -> ShippingQuote:
        """Return method ``code``'s quote for the lines and address; raise ShippingUnavailable."""
        method = get_shipping_method(code)
        quote = method.quote(ShippingRequest(items, prices, address)) if method else None
        if quote is None:
            raise ShippingUnavailable(code)
        return quote


def get_cart_service() -> CartService:
    """Return an instance of the class named by ``SHOPKIT_CART_SERVICE``."""
    service: CartService = get_class("CART_SERVICE")()
    return service
