"""The stdlib JsonFormatter, and the documented LOGGING example run for real."""

import json
import logging
import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from django_shopkit.middleware.formatters import JsonFormatter

ROOT = Path(__file__).resolve().parents[2]
#: The attributes docs/middleware.rst lists for each record.
RECORD_FIELDS = {"method", "path", "status", "duration_ms", "user_id", "request_id"}


def make_record(**extra):
    record = logging.LogRecord("shop", logging.INFO, __file__, 1, "GET %s %s", ("/a", 200), None)
    record.__dict__.update(extra)
    return record


def test_format_is_one_json_line_with_extra_fields():
    line = JsonFormatter().format(make_record(status=200, user_id=uuid.UUID(int=1)))

    assert "\n" not in line
    data = json.loads(line)
    assert data["message"] == "GET /a 200"
    assert data["level"] == "INFO"
    assert data["logger"] == "shop"
    assert data["status"] == 200
    assert data["user_id"] == str(uuid.UUID(int=1))  # not JSON-native: written with str()
    assert "time" in data
    assert "args" not in data  # standard LogRecord attributes are left out


def test_exception_is_formatted():
    try:
        raise ValueError("bad")
    except ValueError:
        record = make_record(exc_info=sys.exc_info())

    data = json.loads(JsonFormatter().format(record))

    assert "ValueError: bad" in data["exc_info"]


SCRIPT = textwrap.dedent(
    """
    import logging.config
    import sys

    import django

    django.setup()

    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from tests.middleware.conftest import LOGGING_ONLY, URLCONF
    from tests.middleware import logging_settings

    LOGGING = logging_settings.LOGGING
    if sys.argv[1:] == ["python-json-logger"]:
        LOGGING["formatters"]["json"] = logging_settings.PYTHON_JSON_LOGGER_FORMATTER
    logging.config.dictConfig(LOGGING)
    with override_settings(MIDDLEWARE=LOGGING_ONLY, ROOT_URLCONF=URLCONF):
        client = Client(raise_request_exception=False)
        client.get(reverse("mw-ok"), headers={"X-Request-ID": "json-1"})
        client.get(reverse("mw-boom"))
    """
)


@pytest.mark.parametrize("formatter", ["stdlib", "python-json-logger"])
def test_documented_logging_config_emits_json(formatter):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, formatter],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    ok, boom = (json.loads(line) for line in result.stdout.splitlines())
    assert set(ok) >= RECORD_FIELDS
    assert ok["request_id"] == "json-1"
    assert ok["status"] == 200
    level = "level" if formatter == "stdlib" else "levelname"
    assert ok[level] == "INFO"
    assert ok["method"] == "GET"
    assert boom["status"] == 500
    assert boom[level] == "ERROR"
    assert "ValueError: boom" in boom["exc_info"]
