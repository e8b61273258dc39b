"""Guest checkout: orders of anonymous visitors, reached through a signed, expiring link.

A guest's order has no user; its e-mail is what identifies the buyer. The confirmation e-mail
carries a link with a token signed by Django's ``django.core.signing`` (salted, timestamped:
``SHOPKIT_GUEST_ORDER_LINK_MAX_AGE``), never the order's id or number alone.
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.utils.translation import gettext as _

from django_shopkit.conf import settings
from django_shopkit.loading import get_order_model
from django_shopkit.orders.exceptions import OrderError

__all__ = [
    "GuestLinkExpired",
    "GuestLinkInvalid",
    "get_guest_order",
    "make_guest_token",
    "read_guest_token",
]

_SALT = "django_shopkit.orders.guest-order"


class GuestLinkInvalid(OrderError):
    """Raised for a token that was tampered with or names no guest order (a 404)."""

    code = "guest_link_invalid"

    def __init__(self) -> None:
        super().__init__(_("This order link is not valid."))


class GuestLinkExpired(OrderError):
    """Raised for a token older than ``SHOPKIT_GUEST_ORDER_LINK_MAX_AGE`` (a 403)."""

    code = "guest_link_expired"

    def __init__(self) -> None:
        super().__init__(
            _("This order link has expired. Sign up with your e-mail address to see your order.")
        )


def make_guest_token(order: Any) -> str:
    """Return the signed, timestamped token of a guest's ``order``."""
    return signing.dumps({"n": order.number}, salt=_SALT, compress=True)


def read_guest_token(token: str) -> str:
    """Return the order number in ``token``; raise GuestLinkExpired or GuestLinkInvalid."""
    max_age: int = settings.SHOPKIT_GUEST_ORDER_LINK_MAX_AGE
    try:
        data = signing.loads(token, salt=_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise GuestLinkExpired() from None
    except signing.BadSignature:
        raise GuestLinkInvalid() from None
    number = data.get("n") if isinstance(data, dict) else None
    if not isinstance(number, str):
        raise GuestLinkInvalid()
    return number


def get_guest_order(token: str, queryset: Any = None) -> Any:
    """Return the guest order (no user) the token names; raise like :func:`read_guest_token`.

    A valid token of an order that belongs to a user (claimed since) is invalid here: that
    order is the user's, behind their login.
    """
    number = read_guest_token(token)
    if queryset is None:
        queryset = get_order_model()._default_manager.all()
    order = queryset.filter(number=number, user__isnull=True).first()
    if order is None:
        raise GuestLinkInvalid()
    return order
