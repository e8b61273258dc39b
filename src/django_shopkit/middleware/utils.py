"""Helpers shared by the shopkit middlewares: reach the request's user without a query."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import LazyObject, empty

__all__ = ["loaded_user"]


def loaded_user(request: HttpRequest) -> Any | None:
    """Return the request's user if something already loaded it, else ``None``.

    ``AuthenticationMiddleware`` sets ``request.user`` to a lazy object that reads the session
    and the user row on first use, and ``request.auser()`` caches its own copy. Looking here
    never triggers either load, so callers that only want a user that is already known (a log
    line) add no query. A user set directly (``login()``, Django REST framework's
    authentication) is returned as is.
    """
    user = getattr(request, "user", None)
    if isinstance(user, LazyObject):
        wrapped = user._wrapped
        if wrapped is not empty:
            return wrapped
        # Loaded by ``await request.auser()`` (async views) rather than through the lazy object.
        return getattr(request, "_acached_user", None)
    return user
