"""Order e-mails, rendered from templates the host can override, sent through Django's mail API.

Templates (override them in the host's ``templates/`` directory):

* ``django_shopkit/orders/email/order_confirmation_subject.txt``
* ``django_shopkit/orders/email/order_confirmation.txt``
* ``django_shopkit/orders/email/order_confirmation.html``
"""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from django_shopkit.conf import settings
from django_shopkit.orders.addresses import address_lines

__all__ = ["get_from_email", "send_order_confirmation"]

TEMPLATE_PREFIX = "django_shopkit/orders/email/"


def get_from_email() -> str:
    """Return ``SHOPKIT_ORDER_EMAIL_FROM``, or ``DEFAULT_FROM_EMAIL`` when it is unset."""
    sender: str = settings.SHOPKIT_ORDER_EMAIL_FROM or django_settings.DEFAULT_FROM_EMAIL
    return sender


def send_order_confirmation(order: Any) -> int:
    """Send the confirmation of ``order`` to its e-mail address; return the number sent.

    Call it after the order committed (the order service does, with ``on_commit``).
    """
    if not order.email:
        return 0
    # Through the relation, so items the order service already read are not read again.
    items = list(order.items.all())
    context = {
        "order": order,
        "items": items,
        "shipping_lines": address_lines(order.shipping_address or {}),
        # A guest's signed link to the order page (see guests.py); "" for users' orders.
        "order_link": getattr(order, "shopkit_order_link", ""),
    }
    raw_subject = render_to_string(f"{TEMPLATE_PREFIX}order_confirmation_subject.txt", context)
    # A header cannot span lines; templates usually end with a newline.
    subject = settings.SHOPKIT_ORDER_EMAIL_SUBJECT_PREFIX + " ".join(raw_subject.split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{TEMPLATE_PREFIX}order_confirmation.txt", context),
        from_email=get_from_email(),
        to=[order.email],
    )
    message.attach_alternative(
        render_to_string(f"{TEMPLATE_PREFIX}order_confirmation.html", context), "text/html"
    )
    return message.send()
