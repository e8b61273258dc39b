"""Receivers the orders app connects at start-up: the session cart's merge at login."""

from __future__ import annotations

from typing import Any

from django.contrib import messages

from django_shopkit.conf import settings
from django_shopkit.orders.cart import CART_SESSION_KEY, get_cart_service, session_owner

__all__ = ["merge_session_cart"]


def merge_session_cart(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Merge the visitor's session cart into the user's cart on ``user_logged_in``.

    Does nothing when ``SHOPKIT_MERGE_CART_AT_LOGIN`` is off, without a request or a session,
    or when the session holds no cart. Each line cut to the stock or the line maximum is
    reported with ``django.contrib.messages`` (silently skipped where messages are not set up).
    """
    if not settings.SHOPKIT_MERGE_CART_AT_LOGIN or request is None:
        return
    session = getattr(request, "session", None)
    if session is None:
        return
    # ``login()`` has set request.user already: read the session's cart key directly.
    owner = session_owner(session)
    if owner is None:
        return
    result = get_cart_service().merge(owner, user)
    # Only after the merge committed: were it to fail, the cart is still there to retry.
    session.pop(CART_SESSION_KEY, None)
    for message in result.messages:
        messages.warning(request, message, fail_silently=True)
