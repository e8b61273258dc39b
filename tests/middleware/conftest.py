"""Fixtures of the middleware tests: one HTTP client interface over WSGI and ASGI."""

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.test import AsyncClient, Client
from django.urls import reverse

ACTIVE_USER = "django_shopkit.middleware.ActiveUserMiddleware"
REQUEST_LOGGING = "django_shopkit.middleware.RequestLoggingMiddleware"
AUTHENTICATION = "django.contrib.auth.middleware.AuthenticationMiddleware"
URLCONF = "tests.middleware.urls"

#: The host's middleware (test settings), without the shopkit ones.
BASE_MIDDLEWARE = [m for m in settings.MIDDLEWARE if m not in (ACTIVE_USER, REQUEST_LOGGING)]
#: The documented order: request logging first, active user after authentication.
FULL_MIDDLEWARE = [REQUEST_LOGGING, *BASE_MIDDLEWARE, ACTIVE_USER]
ACTIVE_USER_ONLY = [*BASE_MIDDLEWARE, ACTIVE_USER]
LOGGING_ONLY = [REQUEST_LOGGING, *BASE_MIDDLEWARE]


class Http:
    """Send requests through the WSGI ``Client`` or the ASGI ``AsyncClient`` alike."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.client = AsyncClient() if kind == "asgi" else Client()

    def get(self, path, **kwargs):
        if self.kind == "asgi":
            # async_to_sync from the test's thread: thread-sensitive ORM calls (the session,
            # aget_user, aupdate) run on this thread's connection, inside the test transaction.
            return async_to_sync(self.client.get)(path, **kwargs)
        return self.client.get(path, **kwargs)

    def force_login(self, user) -> None:
        self.client.force_login(user)


def url(http: Http, name: str) -> str:
    """Return the sync view ``mw-<name>`` under WSGI and its async twin under ASGI."""
    return reverse(f"mw-async-{name}" if http.kind == "asgi" else f"mw-{name}")


@pytest.fixture(params=["wsgi", "asgi"])
def http(request):
    return Http(request.param)
