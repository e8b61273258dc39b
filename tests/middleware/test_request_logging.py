"""RequestLoggingMiddleware: one record per request, request ids in and out, WSGI and ASGI."""

import logging
import re

import pytest
from asgiref.sync import iscoroutinefunction
from django.db import connection
from django.http import HttpResponse
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from django_shopkit.conf import settings
from django_shopkit.middleware import RequestLoggingMiddleware
from tests.middleware.conftest import (
    BASE_MIDDLEWARE,
    FULL_MIDDLEWARE,
    LOGGING_ONLY,
    URLCONF,
    Http,
    url,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("log"),
]

NEW_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.INFO, logger=settings.SHOPKIT_REQUEST_LOG_LOGGER)
    return caplog


def records(caplog):
    return [r for r in caplog.records if r.name == settings.SHOPKIT_REQUEST_LOG_LOGGER]


def header():
    return settings.SHOPKIT_REQUEST_ID_HEADER


@override_settings(MIDDLEWARE=FULL_MIDDLEWARE, ROOT_URLCONF=URLCONF)
def test_record_fields_for_a_logged_in_user(http, user, log):
    http.force_login(user)
    path = url(http, "ok")

    response = http.get(path)

    [record] = records(log)
    assert record.levelno == logging.INFO
    assert record.method == "GET"
    assert record.path == path
    assert record.status == 200
    assert isinstance(record.duration_ms, float)
    assert 0 <= record.duration_ms < 10_000
    # ActiveUserMiddleware loaded the user, so its id is known without a query of our own.
    assert record.user_id == user.pk
    assert NEW_ID.fullmatch(record.request_id)
    assert response[header()] == record.request_id
    assert re.fullmatch(rf"GET {re.escape(path)} 200 \d+\.\dms", record.getMessage())


@override_settings(MIDDLEWARE=LOGGING_ONLY, ROOT_URLCONF=URLCONF)
def test_anonymous_user_id_is_none(http, log):
    http.get(url(http, "whoami"))

    [record] = records(log)
    assert record.user_id is None


@override_settings(ROOT_URLCONF=URLCONF)
@pytest.mark.parametrize("kind", ["wsgi", "asgi"])
def test_logging_adds_no_query(kind, user, log):
    path = reverse("mw-async-ok" if kind == "asgi" else "mw-ok")
    counts = []
    for middleware in (BASE_MIDDLEWARE, LOGGING_ONLY):
        http = Http(kind)
        http.force_login(user)
        with override_settings(MIDDLEWARE=middleware), CaptureQueriesContext(connection) as ctx:
            http.get(path)
        counts.append(len(ctx))

    # The view never looked at the user, so neither does the log line: no session, no user read.
    assert counts == [0, 0]
    assert records(log)[-1].user_id is None


@override_settings(MIDDLEWARE=LOGGING_ONLY, ROOT_URLCONF=URLCONF)
@pytest.mark.parametrize(
    "request_id", ["abc-123", "0f8fad5b-d9cb-469f-a165-70867728950e", "lb.1:x_Y"]
)
def test_valid_request_id_is_kept_and_echoed(http, log, request_id):
    response = http.get(url(http, "whoami"), headers={header(): request_id})

    assert response[header()] == request_id
    assert response.json()["request_id"] == request_id
    [record] = records(log)
    assert record.request_id == request_id


@override_settings(MIDDLEWARE=LOGGING_ONLY, ROOT_URLCONF=URLCONF)
@pytest.mark.parametrize(
    "request_id",
    [
        "a" * (128 + 1),
        "forged\nGET /admin 200",
        "bell\x07",
        "tab\there",
        "space here",
        'quote"',
        "<script>",
    ],
)
def test_invalid_request_id_is_replaced(http, log, request_id):
    response = http.get(url(http, "whoami"), headers={header(): request_id})

    [record] = records(log)
    assert NEW_ID.fullmatch(record.request_id)
    assert response[header()] == record.request_id
    assert response.json()["request_id"] == record.request_id


@override_settings(MIDDLEWARE=LOGGING_ONLY, ROOT_URLCONF=URLCONF, SHOPKIT_REQUEST_ID_MAX_LENGTH=8)
def test_max_length_is_a_setting(http, log):
    assert http.get(url(http, "ok"), headers={header(): "12345678"})[header()] == "12345678"
    assert NEW_ID.fullmatch(http.get(url(http, "ok"), headers={header(): "123456789"})[header()])


@override_settings(
    MIDDLEWARE=LOGGING_ONLY, ROOT_URLCONF=URLCONF, SHOPKIT_REQUEST_ID_HEADER="X-Correlation-ID"
)
def test_header_name_is_a_setting(http, log):
    response = http.get(url(http, "ok"), headers={"X-Correlation-ID": "corr-1"})

    assert response["X-Correlation-ID"] == "corr-1"
    assert "X-Request-ID" not in response
    assert records(log)[0].request_id == "corr-1"


@override_settings(MIDDLEWARE=LOGGING_ONLY, ROOT_URLCONF=URLCONF)
def test_skipped_path_logs_nothing_but_keeps_the_request_id(http, log):
    health = reverse("mw-health")
    with override_settings(SHOPKIT_REQUEST_LOG_SKIP_PATHS=[health]):
        response = http.get(health, headers={header(): "probe-1"})
        http.get(health + "deeper/")  # a prefix: 404, still skipped

    assert response.status_code == 200
    assert response[header()] == "probe-1"
    assert records(log) == []


@override_settings(MIDDLEWARE=LOGGING_ONLY, ROOT_URLCONF=URLCONF)
def test_exception_in_view_logs_500_and_is_reraised(http, log):
    with pytest.raises(ValueError, match="boom"):
        http.get(url(http, "boom"))

    [record] = records(log)
    assert record.levelno == logging.ERROR
    assert record.status == 500
    assert record.exc_info[0] is ValueError
    assert NEW_ID.fullmatch(record.request_id)


@override_settings(MIDDLEWARE=LOGGING_ONLY, ROOT_URLCONF=URLCONF, DEBUG_PROPAGATE_EXCEPTIONS=True)
def test_propagated_exception_is_logged_and_reraised(http, log):
    # Exceptions reach the middleware itself only when Django propagates them.
    with pytest.raises(ValueError, match="boom"):
        http.get(url(http, "boom"))

    [record] = records(log)
    assert record.status == 500
    assert record.levelno == logging.ERROR
    assert record.exc_info[0] is ValueError


@override_settings(MIDDLEWARE=LOGGING_ONLY, ROOT_URLCONF=URLCONF)
def test_client_error_is_a_warning(http, log):
    response = http.get(url(http, "ok") + "missing/")

    assert response.status_code == 404
    [record] = records(log)
    assert record.levelno == logging.WARNING
    assert record.status == 404
    assert record.exc_info is None


@override_settings(MIDDLEWARE=LOGGING_ONLY, ROOT_URLCONF=URLCONF)
def test_control_characters_in_the_path_cannot_forge_lines(http, log):
    http.get(url(http, "ok") + "x%0Aforged%20200")

    [record] = records(log)
    assert "\n" not in record.getMessage()
    assert record.path.endswith("x%0Aforged%20200")


@override_settings(MIDDLEWARE=LOGGING_ONLY, ROOT_URLCONF=URLCONF)
def test_disabled_logger_emits_nothing(http, log):
    log.set_level(logging.ERROR, logger=settings.SHOPKIT_REQUEST_LOG_LOGGER)

    response = http.get(url(http, "ok"))

    assert records(log) == []
    assert NEW_ID.fullmatch(response[header()])


@override_settings(
    MIDDLEWARE=LOGGING_ONLY, ROOT_URLCONF=URLCONF, SHOPKIT_REQUEST_LOG_LOGGER="acme.http"
)
def test_logger_name_is_a_setting(http, log):
    log.set_level(logging.INFO, logger="acme.http")

    http.get(url(http, "ok"))

    assert [r.name for r in log.records] == ["acme.http"]


@override_settings(MIDDLEWARE=LOGGING_ONLY, ROOT_URLCONF=URLCONF)
def test_logger_and_skipped_paths_follow_settings_changed_after_a_request(http, log):
    default = settings.SHOPKIT_REQUEST_LOG_LOGGER
    ok, health = url(http, "ok"), reverse("mw-health")
    log.set_level(logging.INFO, logger="acme.http")

    http.get(ok)  # the default logger and prefixes are in use from here on
    with override_settings(
        SHOPKIT_REQUEST_LOG_LOGGER="acme.http", SHOPKIT_REQUEST_LOG_SKIP_PATHS=[ok]
    ):
        http.get(ok)
        http.get(health)
    http.get(ok)

    # Only the request loggers: under ASGI other loggers (asyncio, django) may record too.
    request_records = [r for r in log.records if r.name in (default, "acme.http")]
    assert [(r.name, r.path) for r in request_records] == [
        (default, ok),
        ("acme.http", health),
        (default, ok),
    ]


def test_sync_and_async_modes():
    async def async_get_response(request):
        return HttpResponse()

    assert RequestLoggingMiddleware.sync_capable
    assert RequestLoggingMiddleware.async_capable
    assert not iscoroutinefunction(RequestLoggingMiddleware(lambda request: HttpResponse()))
    assert iscoroutinefunction(RequestLoggingMiddleware(async_get_response))
