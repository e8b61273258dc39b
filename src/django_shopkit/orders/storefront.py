"""HTML storefront views of the cart, checkout and orders.

Templates live under ``django_shopkit/orders/`` and extend ``django_shopkit/base.html``; a host
overrides any of them by putting a file with the same name in its own templates directory.
The cart pages serve anonymous visitors too (a session cart, merged into the user's at login);
checkout and the order pages need a logged-in user. A view only ever shows the visitor's own
cart and orders.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView, TemplateView, View

from django_shopkit.conf import settings
from django_shopkit.loading import (
    get_cart_item_model,
    get_order_model,
    get_payment_model,
)
from django_shopkit.orders.abstract_models import (
    OPEN_PAYMENT_STATUSES,
    OrderStatus,
    PaymentStatus,
)
from django_shopkit.orders.addresses import address_lines
from django_shopkit.orders.cart import cart_owner
from django_shopkit.orders.exceptions import (
    OrderError,
    ShippingUnavailable,
)
from django_shopkit.orders.services import CheckoutDetails, get_cart_service, get_order_service
from django_shopkit.orders.storefront_checkout import (
    CHECKOUT_SESSION_KEY,
    checkout_needs_address,
    guest_order_url,
)
from django_shopkit.orders.storefront_pay import PayForm, order_page_context, pay_order

__all__ = [
    "AddToCartView",
    "CartItemRemoveView",
    "CartItemUpdateView",
    "CartView",
    "CheckoutView",
    "OrderCancelView",
    "OrderDetailView",
    "OrderListView",
    "OrderPayView",
    "OrderReturnView",
]


class QuantityForm(forms.Form):
    """A quantity of at least 1."""

    quantity = forms.IntegerField(label=gettext_lazy("Quantity"), min_value=1, initial=1)


class AddToCartForm(QuantityForm):
    """The product detail page's add-to-cart form."""

    product = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _form_error(form: forms.Form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


class ShopkitContextMixin:
    """Add ``shopkit_currency`` to the context, as the catalog's pages do."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add the currency code."""
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["shopkit_currency"] = settings.SHOPKIT_CURRENCY
        return context


class CartView(ShopkitContextMixin, TemplateView):
    """The visitor's cart: lines with quantity forms, totals and a link to checkout."""

    template_name = "django_shopkit/orders/cart.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add ``items``, ``lines`` (``{"item", "price"}`` pairs) and ``totals``."""
        context = super().get_context_data(**kwargs)
        service = get_cart_service()
        items = list(service.lines(service.get_cart(cart_owner(self.request), create=False)))
        prices = service.price_lines(items)
        lines = [{"item": i, "price": p} for i, p in zip(items, prices, strict=True)]
        context.update(items=items, lines=lines, totals=service.totals(prices))
        return context


class AddToCartView(View):
    """``POST`` product and quantity: add to the visitor's cart, then go to the cart.

    An anonymous visitor's line goes to the session's cart. Without a session (no
    ``SessionMiddleware``) the visitor is sent to log in, then back to the page the form
    was on.
    """

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        """Add the product and report the outcome as a message."""
        form = AddToCartForm(request.POST)
        if not form.is_valid():
            messages.error(request, _form_error(form))
            return self._back(request)
        owner = cart_owner(request, create=True)
        if owner is None:
            target = self._safe_next(request) or reverse("shopkit_orders:cart")
            return redirect_to_login(target)
        try:
            item, _created = get_cart_service().add(
                owner, form.cleaned_data["product"], form.cleaned_data["quantity"]
            )
        except OrderError as exc:
            messages.error(request, exc.message)
            return self._back(request)
        messages.success(
            request,
            _("“%(name)s” is in your cart (%(qty)d).")
            % {
                "name": item.product.name,
                "qty": item.quantity,
            },
        )
        return redirect("shopkit_orders:cart")

    def _safe_next(self, request: HttpRequest) -> str | None:
        target = request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
        return None

    def _back(self, request: HttpRequest) -> HttpResponse:
        target = self._safe_next(request)
        if target:
            return HttpResponseRedirect(target)
        return redirect("shopkit_orders:cart")


class _CartItemView(View):
    http_method_names = ["post"]

    def get_item(self, pk: int) -> Any:
        """Return a line of the visitor's own cart, or raise Http404."""
        owner_lines = get_cart_service().line_filter(cart_owner(self.request))
        queryset = get_cart_item_model()._default_manager.select_related(
            "product", "product__discount"
        )
        return get_object_or_404(queryset.filter(owner_lines), pk=pk)


class CartItemUpdateView(_CartItemView):
    """``POST quantity``: change one line of the cart."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Set the quantity, or report why not."""
        item = self.get_item(pk)
        form = QuantityForm(request.POST)
        if not form.is_valid():
            messages.error(request, _form_error(form))
        else:
            try:
                get_cart_service().set_quantity(item, form.cleaned_data["quantity"])
            except OrderError as exc:
                messages.error(request, exc.message)
        return redirect("shopkit_orders:cart")


class CartItemRemoveView(_CartItemView):
    """``POST``: remove one line from the cart."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Remove the line."""
        get_cart_service().remove(self.get_item(pk))
        return redirect("shopkit_orders:cart")


class CheckoutView(ShopkitContextMixin, TemplateView):
    """Choose the shipping method, review the cart and place the order (users and guests).

    The address comes from the address step (``checkout/address/``), which this page sends
    the buyer to first when the shop needs one. The form carries a one-time idempotency key,
    so a double-clicked or re-submitted form places one order.
    """

    template_name = "django_shopkit/orders/checkout.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """Send anonymous visitors to log in unless guests may check out."""
        if not request.user.is_authenticated and not settings.SHOPKIT_GUEST_CHECKOUT:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def checkout_data(self) -> dict[str, Any]:
        """Return the address step's answers kept in the session."""
        data: dict[str, Any] = self.request.session.get(CHECKOUT_SESSION_KEY) or {}
        return data

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Show the summary, or go to the cart when it is empty, or to the address step."""
        if checkout_needs_address(request) and not self.checkout_data().get("shipping_address"):
            return redirect("shopkit_orders:checkout-address")
        try:
            context = self.get_context_data(**kwargs)
        except OrderError as exc:  # the method asked for cannot ship there
            messages.error(request, exc.message)
            return redirect("shopkit_orders:checkout")
        if not context["items"]:
            messages.info(request, _("Your cart is empty."))
            return redirect("shopkit_orders:cart")
        return self.render_to_response(context)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add ``items``, ``totals``, the address, ``shipping_methods`` and an idempotency key."""
        context = super().get_context_data(**kwargs)
        service = get_cart_service()
        address = self.checkout_data().get("shipping_address")
        items = list(service.lines(service.get_cart(cart_owner(self.request), create=False)))
        prices = service.price_lines(items, address)
        methods = service.shipping_quotes(items, prices, address)
        chosen = self.request.GET.get("shipping_method") or (methods[0].code if methods else None)
        quote = service.quote(items, address, chosen, prices=prices)
        context.update(
            items=items,
            totals=quote.totals,
            shipping_methods=methods,
            shipping=quote.shipping,
            address_lines=address_lines(address or {}),
            email=self.checkout_data().get("email", ""),
            idempotency_key=uuid.uuid4().hex,
        )
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        """Place the order and show its page (a guest's: through its signed link)."""
        # The service checks the key: a tampered one is an error message, not a truncated key
        # that could match another order's.
        key = request.POST.get("idempotency_key") or None
        data = self.checkout_data()
        if checkout_needs_address(request) and not data.get("shipping_address"):
            return redirect("shopkit_orders:checkout-address")
        owner = cart_owner(request)
        cart = get_cart_service().get_cart(owner, create=False)
        details = CheckoutDetails(
            shipping_address=data.get("shipping_address"),
            shipping_method=request.POST.get("shipping_method") or None,
            email=data.get("email", ""),
            order_link=lambda order: request.build_absolute_uri(guest_order_url(order)),
        )
        try:
            order, _created = get_order_service().place_order(
                owner, cart, idempotency_key=key, details=details
            )
        except ShippingUnavailable as exc:
            messages.error(request, exc.message)
            return redirect("shopkit_orders:checkout")
        except OrderError as exc:  # InsufficientStock included
            messages.error(request, exc.message)
            return redirect("shopkit_orders:cart")
        request.session.pop(CHECKOUT_SESSION_KEY, None)
        if order.user_id is None:
            return redirect(guest_order_url(order))
        return redirect("shopkit_orders:order-detail", number=order.number)


class _UserOrdersMixin(LoginRequiredMixin):
    request: HttpRequest

    def get_queryset(self) -> QuerySet[Any]:
        """Return the request user's orders only; anyone else's is a 404."""
        manager: Any = get_order_model()._default_manager
        queryset: QuerySet[Any] = manager.filter(user=self.request.user)
        return queryset

    def get_order(self, number: str) -> Any:
        """Return the request user's order ``number``, or raise Http404."""
        # The URLs' slug converter already refused anything that is not an order number (a
        # NUL, which PostgreSQL refuses in a query parameter, among others).
        return get_object_or_404(self.get_queryset(), number=number)


class OrderListView(_UserOrdersMixin, ShopkitContextMixin, ListView):  # type: ignore[type-arg]
    """The user's orders, newest first."""

    template_name = "django_shopkit/orders/order_list.html"
    context_object_name = "orders"

    def get_paginate_by(self, queryset: QuerySet[Any]) -> int:
        """Return ``SHOPKIT_PAGE_SIZE``."""
        return settings.SHOPKIT_PAGE_SIZE


class OrderDetailView(_UserOrdersMixin, ShopkitContextMixin, DetailView):  # type: ignore[type-arg]
    """One order (the confirmation page after checkout), with pay and cancel forms."""

    template_name = "django_shopkit/orders/order_detail.html"
    context_object_name = "order"
    slug_field = "number"
    slug_url_kwarg = "number"

    def get_object(self, queryset: QuerySet[Any] | None = None) -> Any:
        """Return the request user's order named in the URL, or raise Http404."""
        return self.get_order(self.kwargs["number"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add ``items``, ``payments``, ``refunds`` and the gateway's pay step."""
        context = super().get_context_data(**kwargs)
        context.update(order_page_context(self.request, self.object))
        return context


class _OrderActionView(_UserOrdersMixin, View):
    http_method_names = ["post"]

    def done(self, order: Any) -> HttpResponse:
        """Go back to the order's page."""
        return redirect(reverse("shopkit_orders:order-detail", args=[order.number]))


class OrderPayView(_OrderActionView):
    """``POST token`` (or ``payment_method``): pay the order through the gateway.

    A redirect flow sends the buyer to the provider, which sends them back to
    :class:`OrderReturnView`; a client-secret flow goes back to the order page, where the
    gateway's payment step finishes it.
    """

    @transaction.non_atomic_requests
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """Serve the request outside ``ATOMIC_REQUESTS``: the provider is called from here."""
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest, number: str) -> HttpResponse:
        """Pay and report the outcome as a message, or follow the provider's redirect."""
        order = self.get_order(number)
        form = PayForm(request.POST)
        if not form.is_valid():
            messages.error(request, _form_error(form))
            return self.done(order)
        return_url = request.build_absolute_uri(
            reverse("shopkit_orders:order-return", args=[order.number])
        )
        return pay_order(request, order, form, return_url) or self.done(order)


class OrderReturnView(_UserOrdersMixin, View):
    """``GET``: where the provider sends the buyer back; settle the payment, show the order.

    If the provider's webhook came first the payment is final already; otherwise the open
    attempt is refreshed from the provider now.
    """

    http_method_names = ["get"]

    @transaction.non_atomic_requests
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """Serve the request outside ``ATOMIC_REQUESTS``: the provider is called from here."""
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, number: str) -> HttpResponse:
        """Refresh the order's open attempt, then redirect to the order page with a message."""
        order = self.get_order(number)
        service = get_order_service()
        payment = (
            get_payment_model()
            ._default_manager.filter(order=order, status__in=OPEN_PAYMENT_STATUSES)
            .first()
        )
        if payment is not None:
            try:
                payment = service.refresh_payment(payment)
            except OrderError as exc:
                messages.error(request, exc.message)
                return redirect("shopkit_orders:order-detail", number=order.number)
        order = self.get_order(number)
        if order.status == OrderStatus.PAID:
            messages.success(request, _("Thank you, your payment was received."))
        elif payment is not None and payment.status == PaymentStatus.FAILED:
            messages.error(request, _("The payment was declined: %(r)s") % {"r": payment.message})
        elif payment is not None and payment.status in OPEN_PAYMENT_STATUSES:
            messages.info(request, _("Your payment is being processed."))
        return redirect("shopkit_orders:order-detail", number=order.number)


class OrderCancelView(_OrderActionView):
    """``POST``: cancel a pending order."""

    def post(self, request: HttpRequest, number: str) -> HttpResponse:
        """Cancel and report the outcome as a message."""
        order = self.get_order(number)
        try:
            get_order_service().cancel(order)
        except OrderError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your order was cancelled."))
        return self.done(order)
