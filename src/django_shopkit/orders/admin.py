"""ModelAdmin classes for the host's concrete order models.

Register them in the host's ``admin.py`` with two lines::

    from django_shopkit.orders.admin import register_orders_admin

    register_orders_admin()

or register one class yourself, e.g. ``admin.site.register(Order, OrderAdmin)``, or subclass
it first. Status changes go through the order service (admin actions), never a plain edit, so
stock and signals stay right.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from django_shopkit.checks import ModelSettingsAdminMixin
from django_shopkit.loading import (
    get_address_model,
    get_cart_item_model,
    get_cart_model,
    get_order_item_model,
    get_order_model,
    get_payment_event_model,
    get_payment_model,
    get_refund_model,
)
from django_shopkit.orders.exceptions import OrderError
from django_shopkit.orders.services import get_order_service

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
    _TabularInline = admin.TabularInline[Any, Any]
else:  # generic for type checkers only

    class _ModelAdmin(ModelSettingsAdminMixin, admin.ModelAdmin):
        """A ModelAdmin whose checks wait for valid shopkit model settings."""

    _TabularInline = admin.TabularInline

__all__ = [
    "AddressAdmin",
    "CartAdmin",
    "CartItemInline",
    "OrderAdmin",
    "OrderItemInline",
    "PaymentAdmin",
    "PaymentEventAdmin",
    "PaymentInline",
    "RefundInline",
    "register_orders_admin",
]


class _RuntimeModel:
    """Class attribute that resolves to the host's concrete model when read.

    Inlines need ``model`` on the class (the admin's checks read it there), but the concrete
    class is only known once the apps are loaded.
    """

    def __init__(self, getter: Callable[[], type[Model]]) -> None:
        self.getter = getter

    def __get__(self, instance: Any, owner: Any = None) -> type[Model] | None:
        try:
            return self.getter()
        except ImproperlyConfigured:
            return None  # shopkit.E001/E002 report the broken setting


_ITEM_FIELDS = ("product", "product_name", "quantity", "unit_price", "original_unit_price")
_PAYMENT_FIELDS = (
    "created_at",
    "gateway",
    "amount",
    "amount_refunded",
    "status",
    "reference",
    "message",
)
_REFUND_FIELDS = ("created_at", "payment", "amount", "status", "reference", "message")


class _ReadOnlyInline(_TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Refuse: lines and payments are written by the order service only."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Refuse: lines and payments are a record of what happened."""
        return False


class OrderItemInline(_ReadOnlyInline):
    """The order's lines, read-only."""

    fields = _ITEM_FIELDS
    readonly_fields = _ITEM_FIELDS

    model = _RuntimeModel(get_order_item_model)  # type: ignore[assignment]  # None only when misconfigured

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        """Return the lines with their products joined."""
        # The read-only ``product`` column shows each line's product: one query, not one a line.
        queryset: QuerySet[Any] = super().get_queryset(request).select_related("product")
        return queryset


class PaymentInline(_ReadOnlyInline):
    """The order's payment attempts, read-only."""

    fields = _PAYMENT_FIELDS
    readonly_fields = _PAYMENT_FIELDS

    model = _RuntimeModel(get_payment_model)  # type: ignore[assignment]  # None only when misconfigured


class RefundInline(_ReadOnlyInline):
    """The order's refunds, read-only; made with the order's "Refund" page or action."""

    fields = _REFUND_FIELDS
    readonly_fields = _REFUND_FIELDS

    model = _RuntimeModel(get_refund_model)  # type: ignore[assignment]  # None only when misconfigured


class RefundForm(forms.Form):
    """The amount of a refund; empty refunds all that is left."""

    amount = forms.DecimalField(
        label=gettext_lazy("Amount"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        help_text=gettext_lazy("Leave empty to refund everything that is left."),
    )


class OrderAdmin(_ModelAdmin):
    """Orders: read-only amounts, status filter, fulfil, cancel and refund actions."""

    list_display = ["number", "user", "status", "total", "currency", "created_at", "paid_at"]
    list_filter = ["status", "created_at"]
    list_select_related = ["user"]
    search_fields = ["number", "email"]
    date_hierarchy = "created_at"
    inlines = [OrderItemInline, PaymentInline, RefundInline]
    readonly_fields = [
        "number",
        "user",
        "email",
        "status",
        "currency",
        "subtotal",
        "discount_total",
        "total",
        "idempotency_key",
        "created_at",
        "updated_at",
        "paid_at",
        "fulfilled_at",
        "cancelled_at",
        "amount_paid",
        "amount_refunded",
        "amount_outstanding",
        "refund_link",
        "shipping_address_display",
        "billing_address_display",
    ]
    exclude = ["shipping_address", "billing_address"]
    actions = ["mark_fulfilled", "cancel_orders", "refund_orders"]
    refund_template = "admin/django_shopkit/orders/refund.html"

    @admin.display(description=gettext_lazy("Outstanding"))
    def amount_outstanding(self, order: Any) -> Decimal:
        """Return what is left to pay."""
        outstanding: Decimal = order.amount_outstanding
        return outstanding

    @admin.display(description=gettext_lazy("Shipping address"))
    def shipping_address_display(self, order: Any) -> str:
        """Return the shipping address the order was placed with, one line per field."""
        return format_address(order.shipping_address)

    @admin.display(description=gettext_lazy("Billing address"))
    def billing_address_display(self, order: Any) -> str:
        """Return the billing address the order was placed with, one line per field."""
        return format_address(order.billing_address)

    @admin.display(description=gettext_lazy("Refund"))
    def refund_link(self, order: Any) -> str:
        """Return a link to the refund page of a paid order."""
        if not order.pk or order.amount_paid <= order.amount_refunded:
            return "-"
        name = f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_refund"
        url = reverse(name, args=[order.pk])
        return format_html('<a href="{}">{}</a>', url, _("Refund all or part"))

    def get_urls(self) -> list[URLPattern]:
        """Add the refund page, ``<id>/refund/``."""
        custom = [
            path(
                "<path:object_id>/refund/",
                self.admin_site.admin_view(self.refund_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_refund",
            )
        ]
        return custom + super().get_urls()

    def refund_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Refund part or all of one order's payment through the order service."""
        order = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, order):
            raise PermissionDenied
        form = RefundForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                refund = get_order_service().refund(order, form.cleaned_data["amount"])
            except OrderError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("Refunded %(amount)s %(currency)s.")
                    % {"amount": refund.amount, "currency": order.currency},
                    messages.SUCCESS,
                )
                name = f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_change"
                return HttpResponseRedirect(reverse(name, args=[order.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "order": order,
            "form": form,
            "title": _("Refund order %(number)s") % {"number": order.number},
        }
        return TemplateResponse(request, self.refund_template, context)

    @admin.action(description=gettext_lazy("Refund selected orders in full"))
    def refund_orders(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        """Refund what is left of each selected order's payment through the order service."""
        self._apply(request, queryset, "refund", _("%(count)d order(s) refunded."))

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Refuse: orders come from checkout."""
        return False

    def _apply(self, request: HttpRequest, queryset: QuerySet[Any], method: str, done: str) -> None:
        service = get_order_service()
        succeeded = 0
        for order in queryset:
            try:
                getattr(service, method)(order)
            except OrderError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, done % {"count": succeeded}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Mark selected paid orders as fulfilled"))
    def mark_fulfilled(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        """Fulfil each selected order through the order service."""
        self._apply(request, queryset, "fulfil", _("%(count)d order(s) marked fulfilled."))

    @admin.action(description=gettext_lazy("Cancel selected pending orders"))
    def cancel_orders(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        """Cancel each selected order through the order service (releases its stock)."""
        self._apply(request, queryset, "cancel", _("%(count)d order(s) cancelled."))


class CartItemInline(_TabularInline):
    """The cart's lines."""

    model = _RuntimeModel(get_cart_item_model)  # type: ignore[assignment]  # None only when misconfigured
    extra = 0
    raw_id_fields = ("product",)


class CartAdmin(_ModelAdmin):
    """Carts, with their lines, for support staff."""

    list_display = ["pk", "user", "session_key", "updated_at"]
    list_select_related = ["user"]
    readonly_fields = ["created_at", "updated_at"]
    raw_id_fields = ["user"]
    inlines = [CartItemInline]


class PaymentAdmin(_ModelAdmin):
    """Payment attempts, read-only."""

    list_display = ["idempotency_key", "order", "gateway", "amount", "status", "created_at"]
    list_filter = ["status", "gateway"]
    list_select_related = ["order"]
    search_fields = ["reference", "idempotency_key", "order__number"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Refuse: payments are made by the order service."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Refuse: a payment is a record of what the gateway said."""
        return False


class PaymentEventAdmin(_ModelAdmin):
    """Provider webhook events as received, read-only."""

    list_display = ["event_id", "gateway", "event_type", "payment", "received_at"]
    list_filter = ["gateway", "event_type"]
    list_select_related = ["payment"]
    search_fields = ["event_id", "payment__reference", "payment__idempotency_key"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Refuse: events come from the provider."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Refuse: an event is a record of what the provider said."""
        return False


class AddressAdmin(_ModelAdmin):
    """Customers' address books: search by name, city, postcode or the user."""

    list_display = ["name", "line1", "city", "postcode", "country", "user", "updated_at"]
    list_filter = ["country"]
    list_select_related = ["user"]
    search_fields = ["name", "line1", "city", "postcode"]
    raw_id_fields = ["user"]


def format_address(snapshot: Any) -> str:
    """Return an order's address snapshot as escaped HTML lines, or "-" when there is none."""
    if not snapshot:
        return "-"
    from django_shopkit.orders.addresses import address_lines

    return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in address_lines(snapshot)))


def register_orders_admin(site: admin.AdminSite | None = None) -> None:
    """Register the host's Cart, Order, Payment, PaymentEvent and Address models.

    Models already registered (e.g. with the host's own subclass) are left alone.
    """
    site = site or admin.site
    pairs: list[tuple[Any, type[_ModelAdmin]]] = [
        (get_cart_model(), CartAdmin),
        (get_order_model(), OrderAdmin),
        (get_payment_model(), PaymentAdmin),
        (get_payment_event_model(), PaymentEventAdmin),
        (get_address_model(), AddressAdmin),
    ]
    for model, model_admin in pairs:
        if not site.is_registered(model):
            site.register(model, model_admin)
