"""HTML storefront of checkout's steps (address, shipping), the address book and guests' orders.

Checkout is two pages: ``checkout/address/`` (an address from the book, or typed in, and a
guest's e-mail address), kept in the session, then ``checkout/`` (the shipping methods that can
ship the cart there, with their cost, the totals, and the button that places the order). A shop
without shipping methods, addresses required or guests skips the first page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from django_countries import countries

from django_shopkit.conf import settings
from django_shopkit.loading import get_address_model
from django_shopkit.orders.abstract_addresses import validate_country
from django_shopkit.orders.addresses import address_lines
from django_shopkit.orders.guests import (
    GuestLinkExpired,
    GuestLinkInvalid,
    get_guest_order,
    make_guest_token,
)
from django_shopkit.orders.storefront_pay import PayForm, order_page_context, pay_order
from django_shopkit.validators import validate_no_control_characters

__all__ = [
    "AddressBookView",
    "AddressForm",
    "CheckoutAddressView",
    "GuestOrderDetailView",
    "GuestOrderPayView",
    "checkout_needs_address",
]

#: Session key of the address step's answers (snapshots and e-mail), read by the next step.
CHECKOUT_SESSION_KEY = "shopkit_checkout"


def checkout_needs_address(request: HttpRequest) -> bool:
    """Return whether checkout asks for an address (and a guest's e-mail) first."""
    user = getattr(request, "user", None)
    return bool(
        settings.SHOPKIT_SHIPPING_METHODS
        or settings.SHOPKIT_REQUIRE_SHIPPING_ADDRESS
        or not (user and user.is_authenticated)
    )


def _country_choices() -> list[tuple[str, str]]:

    return [("", "---------"), *((code, str(name)) for code, name in countries)]


class AddressForm(forms.Form):
    """An address typed in: the fields of ``AbstractAddress``, checked the same way."""

    name = forms.CharField(label=gettext_lazy("Full name"), max_length=200)
    line1 = forms.CharField(label=gettext_lazy("Address"), max_length=200)
    line2 = forms.CharField(label=gettext_lazy("Address line 2"), max_length=200, required=False)
    postcode = forms.CharField(label=gettext_lazy("Postal code"), max_length=20, required=False)
    city = forms.CharField(label=gettext_lazy("City"), max_length=100)
    region = forms.CharField(label=gettext_lazy("Region"), max_length=100, required=False)
    country = forms.ChoiceField(label=gettext_lazy("Country"), choices=_country_choices)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "country":
                field.validators.append(validate_no_control_characters)
        self.fields["country"].validators.append(validate_country)


class CheckoutAddressForm(AddressForm):
    """The address step: a book address (users) or one typed in, and a guest's e-mail."""

    # Which fields are required depends on the choice of a book address: the server decides.
    use_required_attribute = False

    email = forms.EmailField(label=gettext_lazy("E-mail address"), required=False)
    address_id = forms.TypedChoiceField(
        label=gettext_lazy("Ship to"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None and user.is_authenticated:
            book = get_address_model()._default_manager.filter(user=user)
            choice: Any = self.fields["address_id"]
            choice.choices = [
                ("", _("A new address (below)")),
                *((a.pk, str(a)) for a in book),
            ]
            del self.fields["email"]
        else:
            del self.fields["address_id"]
            self.fields["email"].required = True
        if self.data.get("address_id"):
            # The book address replaces the typed-in one: its fields are not needed.
            for name in ("name", "line1", "city", "country"):
                self.fields[name].required = False


class CheckoutAddressView(View):
    """``checkout/address/``: the address step, for users and guests."""

    template_name = "django_shopkit/orders/checkout_address.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """Send anonymous visitors to log in unless guests may check out."""
        if not request.user.is_authenticated and not settings.SHOPKIT_GUEST_CHECKOUT:
            return redirect_to_login(reverse("shopkit_orders:checkout"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        """Show the form, filled with the answers given before."""
        initial = request.session.get(CHECKOUT_SESSION_KEY, {})
        form = CheckoutAddressForm(
            user=request.user,
            initial={**(initial.get("shipping_address") or {}), "email": initial.get("email")},
        )
        return self.render(request, form)

    def post(self, request: HttpRequest) -> HttpResponse:
        """Keep the address (a snapshot) in the session and go to the shipping step."""
        form = CheckoutAddressForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render(request, form)
        data = form.cleaned_data
        if data.get("address_id"):
            address = get_object_or_404(
                get_address_model()._default_manager, pk=data["address_id"], user=request.user
            )
            snapshot = address.to_snapshot()
        else:
            snapshot = {k: str(data.get(k) or "") for k in AddressForm.base_fields}
        request.session[CHECKOUT_SESSION_KEY] = {
            "shipping_address": snapshot,
            "email": data.get("email") or "",
        }
        return redirect("shopkit_orders:checkout")

    def render(self, request: HttpRequest, form: forms.Form) -> HttpResponse:
        """Render the step's template."""
        return render(
            request,
            self.template_name,
            {"form": form, "shopkit_currency": settings.SHOPKIT_CURRENCY},
        )


class AddressBookView(LoginRequiredMixin, TemplateView):
    """``addresses/``: the user's address book; add an address, delete one."""

    template_name = "django_shopkit/orders/address_book.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add ``addresses`` (each with ``lines``) and the ``form``."""
        context: dict[str, Any] = super().get_context_data(**kwargs)
        manager: Any = get_address_model()._default_manager
        addresses = list(manager.filter(user=self.request.user))
        for address in addresses:
            address.lines = address_lines(address.to_snapshot())
        context.setdefault("form", AddressForm())
        context["addresses"] = addresses
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        """Add the address, or delete ``delete`` (one of the user's own; others are a 404)."""
        if delete := request.POST.get("delete"):
            if not delete.isdigit():
                return redirect("shopkit_orders:address-book")
            address = get_object_or_404(
                get_address_model()._default_manager, pk=int(delete), user=request.user
            )
            address.delete()
            messages.success(request, _("The address was deleted."))
            return redirect("shopkit_orders:address-book")
        form = AddressForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        manager: Any = get_address_model()._default_manager
        manager.create(user=request.user, **form.cleaned_data)
        messages.success(request, _("The address was added."))
        return redirect("shopkit_orders:address-book")


class _GuestOrderMixin:
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_order(self, number: str = "") -> Any:
        """Return the guest order of the URL's token; 404 when invalid, 403 when expired."""
        try:
            return get_guest_order(self.kwargs["token"])
        except GuestLinkExpired as exc:
            raise PermissionDenied(exc.message) from None
        except GuestLinkInvalid:
            raise Http404 from None


class GuestOrderDetailView(_GuestOrderMixin, TemplateView):
    """``orders/guest/<token>/``: a guest's order through the link of the e-mail, to pay."""

    template_name = "django_shopkit/orders/order_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add what the order page shows, its pay form pointing at the guest's pay URL."""
        context: dict[str, Any] = super().get_context_data(**kwargs)
        order = self.get_order()
        token = self.kwargs["token"]
        context.update(
            order_page_context(
                self.request,
                order,
                pay_url=reverse("shopkit_orders:guest-order-pay", args=[token]),
                return_url=self.request.build_absolute_uri(
                    reverse("shopkit_orders:guest-order", args=[token])
                ),
            ),
            order=order,
            guest=True,
            shopkit_currency=settings.SHOPKIT_CURRENCY,
        )
        return context


class GuestOrderPayView(_GuestOrderMixin, View):
    """``POST orders/guest/<token>/pay/``: pay a guest's order, back to its page."""

    http_method_names = ["post"]

    @transaction.non_atomic_requests
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """Serve the request outside ``ATOMIC_REQUESTS``: the provider is called from here."""
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        """Pay and report the outcome as a message, or follow the provider's redirect."""
        order = self.get_order()
        back = reverse("shopkit_orders:guest-order", args=[token])
        form = PayForm(request.POST)
        if not form.is_valid():
            return redirect(back)
        return pay_order(request, order, form, request.build_absolute_uri(back)) or redirect(back)


def guest_order_url(order: Any) -> str:
    """Return the storefront path of a guest's order page (with a fresh signed token)."""
    return reverse("shopkit_orders:guest-order", args=[make_guest_token(order)])
