"""System checks for the shopkit middlewares; each runs only when its middleware is installed.

Ids:

* ``shopkit.E010``: ``ActiveUserMiddleware`` is not after ``AuthenticationMiddleware`` (or that
  middleware is missing).
* ``shopkit.W010``: ``SHOPKIT_ACTIVE_USER_FIELD`` is not a ``DateTimeField`` of the user model;
  ``ActiveUserMiddleware`` then does nothing.
* ``shopkit.W011``: ``RequestLoggingMiddleware`` is not first in ``MIDDLEWARE``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.contrib.auth import get_user_model
from django.core import checks
from django.utils.module_loading import import_string

from django_shopkit.conf import settings
from django_shopkit.middleware.active_user import ActiveUserMiddleware, get_active_user_field
from django_shopkit.middleware.request_logging import RequestLoggingMiddleware

__all__ = ["check_middleware"]

AUTHENTICATION_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"


def _index_of(middleware: Sequence[str], base: type) -> int | None:
    """Return the position of the first entry that is ``base`` or a subclass of it."""
    for index, path in enumerate(middleware):
        try:
            cls = import_string(path)
        except Exception:
            # Not ours to report: Django fails loudly on a middleware that does not import
            # when it builds the chain; a check must not crash the whole check run over it.
            continue
        if isinstance(cls, type) and issubclass(cls, base):
            return index
    return None


def check_middleware(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Report shopkit middlewares that are misplaced or misconfigured."""
    middleware = list(getattr(settings, "MIDDLEWARE", None) or [])
    messages: list[checks.CheckMessage] = []

    active_user = _index_of(middleware, ActiveUserMiddleware)
    if active_user is not None:
        auth_cls = import_string(AUTHENTICATION_MIDDLEWARE)
        auth = _index_of(middleware, auth_cls)
        if auth is None or auth > active_user:
            messages.append(
                checks.Error(
                    "ActiveUserMiddleware must come after AuthenticationMiddleware in "
                    "MIDDLEWARE" + (" (it is missing)." if auth is None else "."),
                    hint=f"Move {middleware[active_user]!r} below {AUTHENTICATION_MIDDLEWARE!r}.",
                    id="shopkit.E010",
                )
            )
        if get_active_user_field() is None:
            user_model = get_user_model()
            messages.append(
                checks.Warning(
                    f"SHOPKIT_ACTIVE_USER_FIELD = {settings.SHOPKIT_ACTIVE_USER_FIELD!r} is not "
                    f"a DateTimeField of {user_model._meta.label}; ActiveUserMiddleware will "
                    "record nothing.",
                    hint=(
                        "Add e.g. 'last_active = models.DateTimeField(null=True, blank=True)' "
                        "to the user model, or set SHOPKIT_ACTIVE_USER_FIELD to an existing "
                        "DateTimeField such as 'last_login'."
                    ),
                    obj=user_model,
                    id="shopkit.W010",
                )
            )

    request_logging = _index_of(middleware, RequestLoggingMiddleware)
    if request_logging is not None and request_logging != 0:
        messages.append(
            checks.Warning(
                "RequestLoggingMiddleware is not first in MIDDLEWARE: the durations it logs "
                "miss the time spent in the middleware before it.",
                hint=f"Move {middleware[request_logging]!r} to the top of MIDDLEWARE.",
                id="shopkit.W011",
            )
        )
    return messages
