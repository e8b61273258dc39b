"""The order service: checkout, buy-now, payment and the other moves of an order's status.

Hosts change a rule by subclassing :class:`OrderService` (or :class:`CartService`) and naming
the subclass in ``SHOPKIT_ORDER_SERVICE`` (``SHOPKIT_CART_SERVICE``); library code always goes
through :func:`get_order_service` and :func:`get_cart_service`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from django_shopkit.catalog.services import OutOfStock, get_catalog_service
from django_shopkit.conf import settings
from django_shopkit.loading import get_class, get_order_item_model, get_order_model
from django_shopkit.orders import signals
from django_shopkit.orders.cart import CartService, SessionOwner, get_cart_service
from django_shopkit.orders.charging import OrderPayments
from django_shopkit.orders.exceptions import (
    EmptyCart,
    GuestCheckoutUnavailable,
    InsufficientStock,
    InvalidIdempotencyKey,
    InvalidQuantity,
    ProductUnavailable,
)
from django_shopkit.orders.states import ALLOWED_TRANSITIONS

__all__ = [
    "ALLOWED_TRANSITIONS",
    "MAX_IDEMPOTENCY_KEY_LENGTH",
    "CartService",
    "CheckoutDetails",
    "OrderLine",
    "OrderService",
    "get_cart_service",
    "get_order_service",
    "is_valid_idempotency_key",
]

logger = logging.getLogger(__name__)

# ``checkout()``'s cart: whichever the user has when the lock is taken.
_USER_CART = object()

#: The length of the orders' ``idempotency_key`` column.
MAX_IDEMPOTENCY_KEY_LENGTH = 255


def is_valid_idempotency_key(key: str) -> bool:
    """Return whether ``key`` is 1 to 255 printable characters (no NUL, tab or newline)."""
    return 0 < len(key) <= MAX_IDEMPOTENCY_KEY_LENGTH and key.isprintable()


@dataclass(frozen=True)
class OrderLine:
    """A product and a quantity about to become an order item."""

    product: Any
    quantity: int


@dataclass(frozen=True)
class CheckoutDetails:
    """What a buyer gives at checkout besides the cart: the addresses, as order snapshots.

    Snapshots are plain dicts (``AbstractAddress.to_snapshot()``,
    :func:`~django_shopkit.orders.addresses.snapshot_of`); ``None`` is "not given".
    """

    shipping_address: dict[str, str] | None = None
    billing_address: dict[str, str] | None = None
    #: The code of the chosen shipping method (``SHOPKIT_SHIPPING_METHODS``), if any.
    shipping_method: str | None = None
    #: The buyer's e-mail address: required from a guest, else the user's is used.
    email: str = ""
    #: Builds the absolute URL of a guest's order page from the order (for the e-mail).
    order_link: Callable[[Any], str] | None = None


_NO_DETAILS = CheckoutDetails()


class OrderService(OrderPayments):
    """Business rules of orders. Override a method to change one rule."""

    # -- Placing orders ---------------------------------------------------------------------

    def create_order(
        self,
        user: Any,
        cart: Any,
        idempotency_key: str | None = None,
        *,
        details: CheckoutDetails | None = None,
    ) -> Any:
        """Turn the cart into an order in one transaction; see :meth:`place_order`."""
        return self.place_order(user, cart, idempotency_key=idempotency_key, details=details)[0]

    def place_order(
        self,
        user: Any,
        cart: Any,
        idempotency_key: str | None = None,
        *,
        details: CheckoutDetails | None = None,
    ) -> tuple[Any, bool]:
        """Turn the cart into an order; return it and whether it was created now.

        Stock of every line is reserved with conditional UPDATEs in primary-key order, prices
        are snapshotted, the order and its items are written and the cart is emptied, all or
        nothing. With an ``idempotency_key`` a retry returns the order the key created, even
        when the cart changed in between, and reserves nothing. The lines are read and the
        cart emptied through the cart service (``lines()``, ``clear()``), so a host's
        override of either applies. ``details`` (addresses) are snapshotted onto the order.
        """
        return self._place(user, cart, self.clean_idempotency_key(idempotency_key), details)

    def checkout(
        self,
        user: Any,
        idempotency_key: str | None = None,
        *,
        details: CheckoutDetails | None = None,
    ) -> tuple[Any, bool]:
        """Turn the user's cart into an order; return it and whether it was created now.

        As :meth:`place_order`, for the cart the user has when the transaction takes its
        lock: the cart is read once, locked, and the key looked up once, under that lock.
        """
        return self._place(user, _USER_CART, self.clean_idempotency_key(idempotency_key), details)

    def _place(
        self,
        user: Any,
        cart: Any,
        idempotency_key: str | None,
        details: CheckoutDetails | None = None,
    ) -> tuple[Any, bool]:
        cart_service = get_cart_service()
        if isinstance(user, SessionOwner):
            self.check_guest(details or _NO_DETAILS)
            idempotency_key = self.guest_key(user, idempotency_key)

        def checkout() -> tuple[Any, bool]:
            # Serialises concurrent checkouts of one cart: the second one waits here, then
            # finds the first one's order (same key) or an empty cart.
            locked = cart_service.get_cart(user, create=False, lock=True)
            if idempotency_key and (existing := self.find_by_key(user, idempotency_key)):
                return existing, False
            if locked is None or (
                cart is not _USER_CART and (cart is None or locked.pk != cart.pk)
            ):
                # No cart, or the cart was deleted since the caller read it (or is not the
                # user's): there is nothing of it to check out.
                raise EmptyCart()
            items = list(cart_service.lines(locked))
            if not items:
                raise EmptyCart()
            order = self._create(
                user, [OrderLine(i.product, i.quantity) for i in items], idempotency_key, details
            )
            cart_service.clear(locked)
            return order, True

        # The key is looked up under the cart's lock, not before it as well.
        return self.create_once(user, idempotency_key, checkout, look_up_first=False)

    def purchase(
        self,
        product: Any,
        user: Any,
        quantity: int = 1,
        idempotency_key: str | None = None,
    ) -> Any:
        """Buy ``quantity`` units of one product now, bypassing the cart; return the order."""
        return self.place_purchase(product, user, quantity, idempotency_key=idempotency_key)[0]

    def place_purchase(
        self,
        product: Any,
        user: Any,
        quantity: int = 1,
        idempotency_key: str | None = None,
    ) -> tuple[Any, bool]:
        """Buy ``quantity`` units of one product now; return the order and whether it is new.

        With an ``idempotency_key`` a retry returns the order the key created and reserves
        nothing, as :meth:`place_order` does.
        """
        idempotency_key = self.clean_idempotency_key(idempotency_key)
        return self.create_once(
            user,
            idempotency_key,
            lambda: (self._create(user, [OrderLine(product, quantity)], idempotency_key), True),
        )

    def create_once(
        self,
        user: Any,
        idempotency_key: str | None,
        create: Callable[[], tuple[Any, bool]],
        *,
        look_up_first: bool = True,
    ) -> tuple[Any, bool]:
        """Return the order ``idempotency_key`` made before and False, else ``create()``'s.

        ``create`` runs in a transaction and returns the order and whether it made it. The
        key must be cleaned already (:meth:`clean_idempotency_key`); without one, ``create``
        always runs. ``look_up_first=False`` skips the lookup before the transaction, for a
        ``create`` that looks the key up itself.
        """
        if (
            look_up_first
            and idempotency_key
            and (existing := self.find_by_key(user, idempotency_key))
        ):
            return existing, False
        try:
            with transaction.atomic():
                return create()
        except IntegrityError:
            # The unique (user, idempotency_key) constraint lost a race against a concurrent
            # request with the same key; our stock reservation was rolled back with it.
            if idempotency_key and (existing := self.find_by_key(user, idempotency_key)):
                return existing, False
            raise

    def clean_idempotency_key(self, idempotency_key: str | None) -> str | None:
        """Return the key stripped, ``None`` when blank; raise InvalidIdempotencyKey if malformed.

        Checked before any query: a longer key would not fit the column, and PostgreSQL
        refuses a NUL character in a parameter.
        """
        key = (idempotency_key or "").strip()
        if not key:
            return None
        if not is_valid_idempotency_key(key):
            raise InvalidIdempotencyKey(
                _("An idempotency key must be 1 to %(max)d printable characters.")
                % {"max": MAX_IDEMPOTENCY_KEY_LENGTH}
            )
        return key

    def find_by_key(self, user: Any, idempotency_key: str) -> Any:
        """Return the user's (or the guest session's) order created with the key, if any."""
        manager = get_order_model()._default_manager
        if isinstance(user, SessionOwner):
            # A guest's key is stored scoped to the session already (guest_key()).
            queryset = manager.filter(user__isnull=True, idempotency_key=idempotency_key)
        else:
            queryset = manager.filter(user=user, idempotency_key=idempotency_key)
        order: Any = queryset.first()
        return order

    def guest_key(self, owner: SessionOwner, idempotency_key: str | None) -> str | None:
        """Return a guest's key as stored: scoped to the session, so it is theirs only."""
        if not idempotency_key:
            return None
        digest = hashlib.sha256(idempotency_key.encode()).hexdigest()
        return f"guest:{owner.key}:{digest}"

    def check_guest(self, details: CheckoutDetails) -> None:
        """Raise unless guest checkout is on and the guest gave an e-mail address."""
        if not settings.SHOPKIT_GUEST_CHECKOUT:
            raise GuestCheckoutUnavailable(_("Please sign in to check out."))
        if not details.email:
            raise GuestCheckoutUnavailable(_("An e-mail address is required to check out."))

    def claim_guest_orders(self, user: Any, email: str) -> int:
        """Give ``user`` the guest orders placed with ``email``; return how many.

        Call it once the user has proved they own the address (a verified e-mail): shopkit
        does not know how your project verifies e-mail addresses, so nothing calls it for you.
        """
        updated: int = (
            get_order_model()
            ._default_manager.filter(user__isnull=True, email__iexact=email)
            .update(user=user, updated_at=timezone.now())
        )
        return updated

    def validate_lines(self, lines: Sequence[OrderLine]) -> None:
        """Raise unless every line is an active product in an allowed quantity."""
        maximum: int = settings.SHOPKIT_MAX_LINE_QUANTITY
        for line in lines:
            if not line.product.is_active:
                raise ProductUnavailable(
                    _("“%(name)s” is no longer for sale.") % {"name": line.product.name}
                )
            if not 1 <= line.quantity <= maximum:
                raise InvalidQuantity(
                    _("Quantity of “%(name)s” must be between 1 and %(max)d.")
                    % {"name": line.product.name, "max": maximum}
                )

    def reserve_stock(self, lines: Sequence[OrderLine]) -> None:
        """Take the lines' units out of stock, all or none, or raise InsufficientStock."""
        quantities: dict[int, int] = {}
        names: dict[int, str] = {}
        for line in lines:
            quantities[line.product.pk] = quantities.get(line.product.pk, 0) + line.quantity
            names[line.product.pk] = line.product.name
        try:
            # No savepoint of its own: a shortage fails the whole order transaction anyway.
            get_catalog_service().reserve_many(quantities, savepoint=False)
        except OutOfStock as exc:
            raise InsufficientStock(
                exc.product_id, exc.requested, exc.available, names.get(exc.product_id, "")
            ) from exc

    def _create(
        self,
        user: Any,
        lines: Sequence[OrderLine],
        idempotency_key: str | None,
        details: CheckoutDetails | None = None,
    ) -> Any:
        """Write an order for ``lines`` inside the caller's transaction."""
        details = details or _NO_DETAILS
        self.validate_lines(lines)
        quote = get_cart_service().quote(
            lines, details.shipping_address, details.shipping_method or None
        )
        prices, shipping, amounts = quote.prices, quote.shipping, quote.totals
        order_model = get_order_model()
        guest = isinstance(user, SessionOwner)
        email_field = getattr(user, "get_email_field_name", lambda: "email")()
        order: Any = order_model(
            user=None if guest else user,
            email=details.email or getattr(user, email_field, "") or "",
            currency=settings.SHOPKIT_CURRENCY,
            subtotal=amounts.subtotal,
            discount_total=amounts.discount_total,
            shipping_method=shipping.code if shipping else "",
            shipping_method_name=shipping.name if shipping else "",
            shipping_total=amounts.shipping_total,
            shipping_tax=amounts.shipping_tax,
            shipping_tax_rate=amounts.shipping_tax_rate,
            tax_total=amounts.tax_total,
            prices_include_tax=amounts.prices_include_tax,
            total=amounts.total,
            shipping_address=details.shipping_address,
            # Billed where it is shipped unless the buyer said otherwise.
            billing_address=details.billing_address or details.shipping_address,
            idempotency_key=idempotency_key or None,
        )
        # The order row goes first: a concurrent duplicate of the key fails here, before it
        # touches any stock.
        order.save()
        self.reserve_stock(lines)
        item_model = get_order_item_model()
        items = [
            item_model(
                order=order,
                product=line.product,
                product_name=line.product.name,
                product_slug=line.product.slug,
                unit_price=price.unit_price,
                original_unit_price=price.original_unit_price,
                quantity=line.quantity,
                line_total=price.line_total,
                tax_rate=price.tax_rate,
                net_total=price.tax.net,
                tax_total=price.tax.tax,
                gross_total=price.tax.gross,
            )
            for line, price in zip(lines, prices, strict=True)
        ]
        item_model._default_manager.bulk_create(items)
        # Read once, here: the confirmation e-mail (after commit) and the API response both
        # show the items, and would otherwise read them one time each.
        prefetch_related_objects([order], "items")
        if guest and details.order_link is not None:
            # Read by the confirmation e-mail: the guest's only way back to the order.
            order.shopkit_order_link = details.order_link(order)
        self.on_commit(self.order_placed, order)
        return order

    def order_placed(self, order: Any) -> None:
        """Run after an order was committed: send the confirmation, then ``order_placed``."""
        if settings.SHOPKIT_SEND_ORDER_EMAILS and order.email:
            from django_shopkit.orders.emails import send_order_confirmation

            send_order_confirmation(order)
        signals.order_placed.send_robust(sender=type(order), order=order)


def get_order_service() -> OrderService:
    """Return an instance of the class named by ``SHOPKIT_ORDER_SERVICE``."""
    service: OrderService = get_class("ORDER_SERVICE")()
    return service
