"""Who owns a cart: a signed-in user, or an anonymous visitor's session; merge results.

An anonymous visitor's cart is found by a random key kept in the session's data
(:data:`CART_SESSION_KEY`), not by the session's own key: Django gives the session a new key
at login, and the cart must still be found then to merge it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

__all__ = [
    "CART_SESSION_KEY",
    "CappedLine",
    "SessionOwner",
    "cart_owner",
    "session_owner",
]

#: Key of the session entry that holds an anonymous visitor's cart key.
CART_SESSION_KEY = "shopkit_cart"
# ``secrets.token_urlsafe(30)`` is 40 characters: the width of the ``session_key`` column.
_CART_KEY_BYTES = 30
_CART_KEY_LENGTH = 40


@dataclass(frozen=True)
class SessionOwner:
    """The anonymous visitor whose session holds the cart key ``key``.

    The key is random and kept in the session's data, not the session's own key: Django
    gives the session a new key at login (``cycle_key()``), and the cart must still be found
    then to merge it.
    """

    key: str


def cart_owner(request: HttpRequest, *, create: bool = False) -> Any:
    """Return who owns the request's cart: the user, a SessionOwner, or None.

    An anonymous visitor without a cart key gets one when ``create`` (it is stored in the
    session, which the session middleware saves); without ``create``, or without a session
    (no ``SessionMiddleware``), the answer is None: the visitor has no cart.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    session = getattr(request, "session", None)
    if session is None:
        return None
    return session_owner(session, create=create)


def session_owner(session: Any, *, create: bool = False) -> SessionOwner | None:
    """Return the SessionOwner of the cart key in ``session``, making one when ``create``."""
    key = session.get(CART_SESSION_KEY)
    if isinstance(key, str) and len(key) == _CART_KEY_LENGTH:
        return SessionOwner(key)
    if not create:
        return None
    key = secrets.token_urlsafe(_CART_KEY_BYTES)
    session[CART_SESSION_KEY] = key
    return SessionOwner(key)


@dataclass(frozen=True)
class CappedLine:
    """A line whose merged quantity was cut to what the stock and the line maximum allow."""

    product: Any
    requested: int
    kept: int

    @property
    def message(self) -> str:
        """Return a sentence for the buyer saying what was kept of what."""
        if self.kept == 0:
            return _("“%(name)s” could not be kept in your cart: it is no longer available.") % {
                "name": self.product.name
            }
        return _(
            "Only %(kept)d of “%(name)s” could be kept in your cart (%(requested)d requested)."
        ) % {"kept": self.kept, "name": self.product.name, "requested": self.requested}
