"""Record when an authenticated user was last active, at most once per interval per user.

The stored time is compared with the value already loaded on ``request.user`` (the
authentication middleware read the whole row), so a recent visitor costs no query at all; a
stale one costs a single conditional ``UPDATE``: no ``save()``, no signals, no read-modify-write.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, MiddlewareNotUsed
from django.db import models
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.deprecation import MiddlewareMixin

from django_shopkit.conf import settings
from django_shopkit.middleware.utils import loaded_user

__all__ = ["ActiveUserMiddleware", "get_active_user_field"]


def get_active_user_field() -> models.DateTimeField[Any, Any] | None:
    """Return the user model's ``SHOPKIT_ACTIVE_USER_FIELD`` field, or ``None`` if unusable.

    The field must exist and be a ``DateTimeField``; the ``shopkit.W010`` check reports it
    otherwise.
    """
    try:
        field = get_user_model()._meta.get_field(settings.SHOPKIT_ACTIVE_USER_FIELD)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.DateTimeField) else None


class ActiveUserMiddleware(MiddlewareMixin):
    """Write the user's last-active time with one ``UPDATE``, at most once per interval.

    Place it after ``django.contrib.auth.middleware.AuthenticationMiddleware``. The work is done
    after the view, so a user who logged in, or was authenticated by Django REST framework,
    during the request is recorded too. Anonymous visitors cost no query beyond what reading
    ``request.user`` costs (none without a session cookie). When the configured field is missing
    the middleware takes itself out of the chain (``MiddlewareNotUsed``; check
    ``shopkit.W010``).
    """

    def __init__(
        self,
        get_response: Callable[[HttpRequest], HttpResponseBase]
        | Callable[[HttpRequest], Awaitable[HttpResponseBase]],
    ) -> None:
        field = get_active_user_field()
        if field is None:
            raise MiddlewareNotUsed(
                f"SHOPKIT_ACTIVE_USER_FIELD = {settings.SHOPKIT_ACTIVE_USER_FIELD!r} is not a "
                "DateTimeField of the user model (check shopkit.W010)."
            )
        self.field_name: str = field.name
        self.attname: str = field.attname
        self.user_model = get_user_model()
        # Sets async_mode and, in an async chain, marks the instance a coroutine function so
        # Django makes no thread hop around it; __call__ and __acall__ below replace the
        # mixin's process_request/process_response dispatch.
        super().__init__(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        """Run the view, then record the user's activity if it is due."""
        if self.async_mode:
            return self.__acall__(request)
        response = cast("HttpResponseBase", self.get_response(request))
        # Reading request.user is the authentication middleware's own (cached) load.
        user = getattr(request, "user", None)
        due = self.due(user)
        if due is not None:
            now, cutoff = due
            self.stale_queryset(user, cutoff).update(**{self.field_name: now})
            setattr(user, self.attname, now)
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        """Async version of ``__call__``: async ORM and ``request.auser()``, no thread hop."""
        response = await cast("Awaitable[HttpResponseBase]", self.get_response(request))
        user = loaded_user(request)
        # AuthenticationMiddleware sets request.auser next to the lazy request.user; without it
        # (check shopkit.E010) there is no user to record.
        if user is None and hasattr(request, "auser"):
            user = await request.auser()
        due = self.due(user)
        if due is not None:
            now, cutoff = due
            await self.stale_queryset(user, cutoff).aupdate(**{self.field_name: now})
            setattr(user, self.attname, now)
        return response

    def due(self, user: Any) -> tuple[datetime, datetime] | None:
        """Return ``(now, cutoff)`` if ``user``'s stored time is older than the interval.

        Reads only the value already on the instance: no query. Override this to skip some
        users (e.g. staff impersonating customers).
        """
        if (
            user is None
            or not getattr(user, "is_authenticated", False)
            or not isinstance(user, self.user_model)
            or user.pk is None
        ):
            return None
        now = timezone.now()
        cutoff = now - timedelta(seconds=settings.SHOPKIT_ACTIVE_USER_INTERVAL)
        # A deferred field would cost a query to read; let the conditional UPDATE decide.
        if self.attname not in user.get_deferred_fields():
            last = getattr(user, self.attname)
            if last is not None and last > cutoff:
                return None
        return now, cutoff

    def stale_queryset(self, user: Any, cutoff: datetime) -> models.QuerySet[Any]:
        """Return the user's row, only if its stored time is not later than ``cutoff``.

        The condition makes concurrent requests of one user (several workers) write once: the
        second ``UPDATE`` matches no row. ``_base_manager`` is what ``Model.save()`` uses, so a
        host's filtering default manager cannot hide the row.
        """
        name = self.field_name
        return self.user_model._base_manager.filter(
            models.Q(**{f"{name}__lte": cutoff}) | models.Q(**{f"{name}__isnull": True}),
            pk=user.pk,
        )
