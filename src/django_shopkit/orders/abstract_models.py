"""Abstract cart, order and payment models; the host project subclasses each one.

Business rules (stock, state transitions, charging) live in :mod:`django_shopkit.orders.services`;
these models hold the data and the database constraints that back those rules up.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from django_shopkit.loading import relation_target
from django_shopkit.orders.abstract_addresses import AbstractAddress

__all__ = [
    "CAPTURED_PAYMENT_STATUSES",
    "OPEN_PAYMENT_STATUSES",
    "AbstractAddress",
    "AbstractCart",
    "AbstractCartItem",
    "AbstractOrder",
    "AbstractOrderItem",
    "AbstractPayment",
    "AbstractPaymentEvent",
    "AbstractRefund",
    "OrderStatus",
    "PaymentStatus",
    "RefundStatus",
    "generate_order_number",
]

# Crockford-style alphabet: no 0/O or 1/I/L to misread on the phone.
_NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def generate_order_number() -> str:
    """Return a random, unguessable order number such as ``SK-7KQ2-M9XD-4RTP``."""
    chars = "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(12))
    return f"SK-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


class OrderStatus(models.TextChoices):
    """The states of an order; the allowed moves are in the order service."""

    PENDING = "pending", _("Pending payment")
    PAID = "paid", _("Paid")
    FULFILLED = "fulfilled", _("Fulfilled")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


class PaymentStatus(models.TextChoices):
    """The states of one payment attempt; see the "Payments" docs page for the moves."""

    #: Recorded with its idempotency key; the provider's answer is not known yet.
    CREATED = "created", _("Created")
    #: The buyer must act: follow a redirect or confirm with a client secret.
    REQUIRES_ACTION = "requires_action", _("Requires action")
    #: The provider accepted it and settles later, or its answer was lost (timeout).
    PROCESSING = "processing", _("Processing")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    REFUNDED = "refunded", _("Refunded")


#: Attempts whose outcome is not final yet; at most one per order.
OPEN_PAYMENT_STATUSES: tuple[str, ...] = (
    PaymentStatus.CREATED,
    PaymentStatus.REQUIRES_ACTION,
    PaymentStatus.PROCESSING,
)
#: Attempts whose money was captured (some may have been refunded since); at most one per order.
CAPTURED_PAYMENT_STATUSES: tuple[str, ...] = (
    PaymentStatus.SUCCEEDED,
    PaymentStatus.PARTIALLY_REFUNDED,
    PaymentStatus.REFUNDED,
)


class RefundStatus(models.TextChoices):
    """The states of one refund."""

    #: Recorded and its amount reserved; the provider's answer is not known yet.
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class AbstractCart(models.Model):
    """A shopping cart, one per user.

    ``session_key`` is reserved for carts of anonymous visitors: shopkit never writes it yet
    (every cart view needs a logged-in user), but the column and its unique constraint are in
    the hosts' migrations already.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="%(app_label)s_%(class)s_set",
    )
    # NULL, not "", for "no session": the partial unique constraint must skip user carts.
    session_key = models.CharField(  # noqa: DJ001
        _("session key"), max_length=40, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(user__isnull=False),
                name="%(app_label)s_%(class)s_one_per_user",
            ),
            models.UniqueConstraint(
                fields=["session_key"],
                condition=models.Q(session_key__isnull=False),
                name="%(app_label)s_%(class)s_one_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('cart')} {self.pk}"


class AbstractCartItem(models.Model):
    """One product line in a cart; adding the same product again raises its quantity."""

    cart = models.ForeignKey(
        relation_target("CART_MODEL"),
        verbose_name=_("cart"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    product = models.ForeignKey(
        relation_target("PRODUCT_MODEL"),
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        related_name="cart_items",
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]
        verbose_name = _("cart item")
        verbose_name_plural = _("cart items")
        constraints = [
            models.UniqueConstraint(
                fields=["cart", "product"], name="%(app_label)s_%(class)s_one_line_per_product"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="%(app_label)s_%(class)s_quantity_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id}"


class AbstractOrder(models.Model):
    """A placed order: prices are snapshotted and the status only moves by allowed steps."""

    Status = OrderStatus

    number = models.CharField(
        _("number"), max_length=32, unique=True, editable=False, default=generate_order_number
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="%(app_label)s_%(class)s_set",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING
    )
    currency = models.CharField(_("currency"), max_length=3)
    subtotal = models.DecimalField(_("subtotal"), max_digits=12, decimal_places=2)
    discount_total = models.DecimalField(
        _("discount total"), max_digits=12, decimal_places=2, default=0
    )
    #: The shipping method chosen at checkout (its code and name then) and what it cost.
    shipping_method = models.CharField(_("shipping method"), max_length=50, blank=True)
    shipping_method_name = models.CharField(_("shipping method name"), max_length=200, blank=True)
    shipping_total = models.DecimalField(
        _("shipping total"), max_digits=12, decimal_places=2, default=0
    )
    #: The tax shipping holds (or carries) and its rate in percent.
    shipping_tax = models.DecimalField(
        _("shipping tax"), max_digits=12, decimal_places=2, default=0
    )
    shipping_tax_rate = models.DecimalField(
        _("shipping tax rate"), max_digits=6, decimal_places=3, default=0
    )
    #: Every tax of the order, the lines' (each rounded on its own) and shipping's.
    tax_total = models.DecimalField(_("tax total"), max_digits=12, decimal_places=2, default=0)
    #: Whether the amounts above were entered with tax (``total`` holds ``tax_total``) or
    #: without (``total`` adds it).
    prices_include_tax = models.BooleanField(_("prices include tax"), default=False)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    #: Captured by the order's payment; written by the payment service only.
    amount_paid = models.DecimalField(
        _("amount paid"), max_digits=12, decimal_places=2, default=0, editable=False
    )
    #: Refunded so far (settled refunds only); never more than ``amount_paid``.
    amount_refunded = models.DecimalField(
        _("amount refunded"), max_digits=12, decimal_places=2, default=0, editable=False
    )
    #: Copies of the addresses given at checkout (``AbstractAddress.to_snapshot()``: name,
    #: line1, line2, city, postcode, region, country, phone); never a link to the address book.
    shipping_address = models.JSONField(_("shipping address"), null=True, blank=True)
    billing_address = models.JSONField(_("billing address"), null=True, blank=True)
    # NULL, not "", for "no key": the partial unique constraint must skip keyless orders.
    idempotency_key = models.CharField(  # noqa: DJ001
        _("idempotency key"), max_length=255, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [models.Index(fields=["user", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="%(app_label)s_%(class)s_idempotency_per_user",
            ),
            # A guest's key is stored scoped to the session (OrderService.guest_key()). Only
            # those: orders of deleted users (user set NULL) keep keys that may repeat.
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=models.Q(user__isnull=True, idempotency_key__startswith="guest:"),
                name="%(app_label)s_%(class)s_idempotency_per_guest",
            ),
            models.CheckConstraint(
                condition=models.Q(total__gte=0, subtotal__gte=0, discount_total__gte=0),
                name="%(app_label)s_%(class)s_amounts_gte_0",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    amount_refunded__gte=0, amount_refunded__lte=models.F("amount_paid")
                ),
                name="%(app_label)s_%(class)s_refunded_within_paid",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def amount_outstanding(self) -> Decimal:
        """Return what is left to pay: the total less the captured amount, never below 0."""
        return max(self.total - self.amount_paid, Decimal("0.00"))


class AbstractOrderItem(models.Model):
    """One line of an order, with the product's name and price as they were at purchase."""

    order = models.ForeignKey(
        relation_target("ORDER_MODEL"),
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    # SET_NULL keeps order history when a product is deleted; the snapshot fields remain.
    product = models.ForeignKey(
        relation_target("PRODUCT_MODEL"),
        verbose_name=_("product"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="order_items",
    )
    product_name = models.CharField(_("product name"), max_length=200)
    product_slug = models.CharField(_("product slug"), max_length=250, blank=True)
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2)
    original_unit_price = models.DecimalField(
        _("original unit price"), max_digits=10, decimal_places=2
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    line_total = models.DecimalField(_("line total"), max_digits=12, decimal_places=2)
    #: The line total split at the rate applied (percent), rounded half-up per line.
    tax_rate = models.DecimalField(_("tax rate"), max_digits=6, decimal_places=3, default=0)
    net_total = models.DecimalField(
        _("net total"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    tax_total = models.DecimalField(_("tax total"), max_digits=12, decimal_places=2, default=0)
    gross_total = models.DecimalField(
        _("gross total"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        abstract = True
        ordering = ["id"]
        verbose_name = _("order item")
        verbose_name_plural = _("order items")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="%(app_label)s_%(class)s_quantity_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_name}"


class AbstractPayment(models.Model):
    """One payment attempt on an order through a payment gateway.

    ``amount`` is what the attempt asks for (the order's total); once captured,
    ``amount_refunded`` grows with each refund and can never exceed ``amount``.
    """

    Status = PaymentStatus

    order = models.ForeignKey(
        relation_target("ORDER_MODEL"),
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    gateway = models.CharField(_("gateway"), max_length=100)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    amount_refunded = models.DecimalField(
        _("amount refunded"), max_digits=12, decimal_places=2, default=0
    )
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.CREATED
    )
    reference = models.CharField(_("gateway reference"), max_length=255, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=255, unique=True)
    #: What the buyer must do while ``requires_action``: ``{"type": "redirect", "redirect_url":
    #: ...}`` or ``{"type": "client_secret", "client_secret": ...}``; empty otherwise.
    action = models.JSONField(_("action"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        indexes = [models.Index(fields=["gateway", "reference"])]
        constraints = [
            # The last line of defence against a double charge: one captured payment per order.
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(status__in=CAPTURED_PAYMENT_STATUSES),
                name="%(app_label)s_%(class)s_one_capture_per_order",
            ),
            # One attempt in flight per order: concurrent pay calls share it (and its key).
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(status__in=OPEN_PAYMENT_STATUSES),
                name="%(app_label)s_%(class)s_one_open_per_order",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    amount__gte=0, amount_refunded__gte=0, amount_refunded__lte=models.F("amount")
                ),
                name="%(app_label)s_%(class)s_refunded_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.amount} ({self.status})"


class AbstractRefund(models.Model):
    """One refund, full or partial, of a captured payment."""

    Status = RefundStatus

    order = models.ForeignKey(
        relation_target("ORDER_MODEL"),
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        related_name="refunds",
    )
    payment = models.ForeignKey(
        relation_target("PAYMENT_MODEL"),
        verbose_name=_("payment"),
        on_delete=models.PROTECT,
        related_name="refunds",
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=20, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    reference = models.CharField(_("gateway reference"), max_length=255, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=255, unique=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="%(app_label)s_%(class)s_amount_gt_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} ({self.status})"


class AbstractPaymentEvent(models.Model):
    """One verified event a provider sent by webhook, stored once per event id."""

    gateway = models.CharField(_("gateway"), max_length=100)
    event_id = models.CharField(_("event id"), max_length=255)
    event_type = models.CharField(_("event type"), max_length=100)
    payment = models.ForeignKey(
        relation_target("PAYMENT_MODEL"),
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-received_at", "-id"]
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")
        constraints = [
            # What makes "processed exactly once" hold across processes and retries.
            models.UniqueConstraint(
                fields=["gateway", "event_id"], name="%(app_label)s_%(class)s_once_per_event"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.event_type} {self.event_id}"
