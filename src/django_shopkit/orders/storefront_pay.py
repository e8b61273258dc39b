"""The storefront's payment step, shared by the buyer's order page and the guest's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from django_shopkit.loading import get_order_item_model
from django_shopkit.orders.abstract_models import OPEN_PAYMENT_STATUSES
from django_shopkit.orders.exceptions import OrderError, PaymentActionRequired, PaymentProcessing
from django_shopkit.orders.services import get_order_service

__all__ = ["PayForm", "order_page_context", "pay_order"]


class PayForm(forms.Form):
    """What the gateway's payment step posts: a token or a provider's payment method id."""

    token = forms.CharField(label=gettext_lazy("Payment token"), max_length=255, required=False)
    payment_method = forms.CharField(max_length=255, required=False, widget=forms.HiddenInput)


def pay_order(
    request: HttpRequest, order: Any, form: PayForm, return_url: str
) -> HttpResponse | None:
    """Pay ``order`` with a valid ``form``; return the provider's redirect, or ``None``.

    ``None`` means the outcome was reported as a message and the caller shows the order page;
    ``return_url`` is where a redirect flow sends the buyer back.
    """
    data = {key: value for key, value in form.cleaned_data.items() if value}
    try:
        get_order_service().process_payment(order, data, return_url=return_url)
    except PaymentActionRequired as exc:
        action = exc.payment.action
        if action.get("type") == "redirect" and action.get("redirect_url"):
            return HttpResponseRedirect(action["redirect_url"])
        messages.info(request, exc.message)
    except PaymentProcessing as exc:
        messages.info(request, exc.message)
    except OrderError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you, your payment was received."))
    return None


def order_page_context(request: HttpRequest, order: Any, **step: Any) -> dict[str, Any]:
    """Return what the order page shows: lines, payments, refunds and the gateway's pay step.

    ``step`` adds to (or replaces) what the gateway puts in its pay step's context, e.g. the
    guest's ``pay_url``.
    """
    payments = list(order.payments.all())
    open_payment = next((p for p in payments if p.status in OPEN_PAYMENT_STATUSES), None)
    gateway = get_order_service().get_gateway()
    return {
        "items": get_order_item_model()._default_manager.filter(order=order),
        "payments": payments,
        "refunds": order.refunds.all(),
        "open_payment": open_payment,
        "pay_form": PayForm(),
        "payment_template": gateway.payment_template_name,
        "payment_step": {**gateway.get_payment_context(request, order, open_payment), **step},
    }
