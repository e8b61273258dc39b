"""Log one record per request: method, path, status, duration, user id and request id.

The record goes to the logger named by ``SHOPKIT_REQUEST_LOG_LOGGER`` with every field also set
as an attribute of the record (``extra``), so a JSON formatter emits them as keys. The request
id comes from the ``SHOPKIT_REQUEST_ID_HEADER`` header when it is safe, otherwise a new one is
made; it is stored on ``request.request_id`` and sent back in the same response header.
"""

from __future__ import annotations

import functools
import logging
import re
import time
import uuid
from collections.abc import Awaitable
from typing import Any, cast

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase
from django.utils.deprecation import MiddlewareMixin
from django.utils.encoding import escape_uri_path

from django_shopkit.conf import settings
from django_shopkit.middleware.utils import loaded_user

__all__ = ["REQUEST_ID_PATTERN", "RequestLoggingMiddleware"]

#: Characters accepted in an incoming request id: enough for UUIDs, hex, and the dotted or
#: colon-separated ids of load balancers and tracing systems; never spaces or control
#: characters, which would let a client forge log lines.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]+")

# Where process_exception() leaves the view's exception for the 500 record.
_EXCEPTION_ATTR = "_shopkit_exception"


# Both are read on every request; the settings only change under override_settings, which
# clears them (below).
@functools.cache
def _skip_prefixes() -> tuple[str, ...]:
    """Return ``SHOPKIT_REQUEST_LOG_SKIP_PATHS`` as the tuple ``str.startswith`` takes."""
    return tuple(settings.SHOPKIT_REQUEST_LOG_SKIP_PATHS)


@functools.cache
def _logger() -> logging.Logger:
    """Return the logger named by ``SHOPKIT_REQUEST_LOG_LOGGER``."""
    return logging.getLogger(settings.SHOPKIT_REQUEST_LOG_LOGGER)


@receiver(setting_changed)
def _clear_setting_caches(*, setting: str, **kwargs: Any) -> None:
    if setting == "SHOPKIT_REQUEST_LOG_SKIP_PATHS":
        _skip_prefixes.cache_clear()
    elif setting == "SHOPKIT_REQUEST_LOG_LOGGER":
        _logger.cache_clear()


class RequestLoggingMiddleware(MiddlewareMixin):
    """Log each request once, with its request id, and echo the id in the response.

    Level: ``INFO`` below 400, ``WARNING`` for 4xx, ``ERROR`` for 5xx. Put it first in
    ``MIDDLEWARE`` so the duration includes every other middleware (check ``shopkit.W011``).
    Subclasses may override ``get_request_id()``, ``should_log()`` and ``get_level()``.
    """

    # MiddlewareMixin.__init__ sets async_mode and, in an async chain, marks the instance a
    # coroutine function so Django makes no thread hop around it; __call__ and __acall__ below
    # replace the mixin's process_request/process_response dispatch.

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        """Assign the request id, run the rest of the chain, log the outcome."""
        if self.async_mode:
            return self.__acall__(request)
        start = time.perf_counter()
        self.assign_request_id(request)
        try:
            response = cast("HttpResponseBase", self.get_response(request))
        except Exception as exc:
            # Only reached when exceptions propagate (DEBUG_PROPAGATE_EXCEPTIONS): Django
            # otherwise turns them into a 500 response before they get here.
            self.log(request, 500, start, exc)
            raise
        return self.finish(request, response, start)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        """Async version of ``__call__``."""
        start = time.perf_counter()
        self.assign_request_id(request)
        try:
            response = await cast("Awaitable[HttpResponseBase]", self.get_response(request))
        except Exception as exc:
            self.log(request, 500, start, exc)
            raise
        return self.finish(request, response, start)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        """Remember the view's exception so the 500 record carries its traceback."""
        setattr(request, _EXCEPTION_ATTR, exception)

    def assign_request_id(self, request: HttpRequest) -> str:
        """Set ``request.request_id`` and return it."""
        request_id = self.get_request_id(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        return request_id

    def get_request_id(self, request: HttpRequest) -> str:
        """Return the incoming request id if it is safe, else a new random one.

        Override this to accept another format or to generate ids differently.
        """
        incoming = request.headers.get(settings.SHOPKIT_REQUEST_ID_HEADER)
        if (
            incoming
            and len(incoming) <= settings.SHOPKIT_REQUEST_ID_MAX_LENGTH
            and REQUEST_ID_PATTERN.fullmatch(incoming)
        ):
            return incoming
        return uuid.uuid4().hex

    def should_log(self, request: HttpRequest) -> bool:
        """Return whether to log this request: not when its path starts with a skipped prefix.

        ``path_info`` is used, so prefixes do not depend on where the site is mounted.
        """
        return not request.path_info.startswith(_skip_prefixes())

    def get_level(self, status: int) -> int:
        """Return the log level for a response status."""
        if status >= 500:
            return logging.ERROR
        if status >= 400:
            return logging.WARNING
        return logging.INFO

    def finish(
        self, request: HttpRequest, response: HttpResponseBase, start: float
    ) -> HttpResponseBase:
        """Echo the request id on the response and log the request."""
        response[settings.SHOPKIT_REQUEST_ID_HEADER] = getattr(request, "request_id", "")
        exc = request.__dict__.pop(_EXCEPTION_ATTR, None)
        self.log(request, response.status_code, start, exc if response.status_code >= 500 else None)
        return response

    def log(
        self, request: HttpRequest, status: int, start: float, exc: BaseException | None = None
    ) -> None:
        """Emit the request's record, with ``exc``'s traceback if given."""
        if not self.should_log(request):
            return
        level = self.get_level(status)
        logger = _logger()
        if not logger.isEnabledFor(level):
            return
        duration_ms = round((time.perf_counter() - start) * 1000, 2)
        # Percent-encode control characters and spaces: the path is client input and must not
        # be able to start a new log line.
        path = escape_uri_path(request.path)
        fields: dict[str, Any] = {
            "method": request.method,
            "path": path,
            "status": status,
            "duration_ms": duration_ms,
            "user_id": _user_id(request),
            "request_id": getattr(request, "request_id", None),
        }
        logger.log(
            level,
            "%s %s %s %.1fms",
            request.method,
            path,
            status,
            duration_ms,
            extra=fields,
            exc_info=exc,
        )


def _user_id(request: HttpRequest) -> int | str | None:
    """Return the id of the request's user if authentication already ran, else ``None``.

    Never loads the user: logging must not add queries. ``ActiveUserMiddleware``, a view or
    Django REST framework reading ``request.user`` is enough for the id to be known.
    """
    user = loaded_user(request)
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    pk = user.pk
    return pk if isinstance(pk, int) else str(pk)
