"""schemathesis against the example's OpenAPI schema, signed in: 0 server errors, 0 responses
that break the schema, every status code documented.

Slow-ish (minutes), so marked ``schemathesis`` and run by its own tox env in parallel with the
rest (``tox -e schemathesis``); ``pytest -m schemathesis`` from example_project/ runs it too.
"""

import base64
import io
import os

import pytest

schemathesis = pytest.importorskip("schemathesis")
from django.core.management import call_command  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis import checks  # noqa: E402

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]

PASSWORD = "schemathesis-password-42"
EMAIL = "schemathesis@example.com"


def _load_schema():
    # pytest-django has configured Django before collection; generating the schema needs no
    # database.
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


schema = _load_schema()


@pytest.fixture
def signed_in(db, settings):
    from django.contrib.auth import get_user_model

    # The run must not be slowed or refused by the shop's own rate limits.
    settings.SHOPKIT_THROTTLE_RATES = dict.fromkeys(settings.SHOPKIT_THROTTLE_RATES)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"register": None},
    }
    settings.LOGIN_FAILURE_THROTTLE_RATE = "100000/minute"
    call_command("seed_demo", products=10, stdout=io.StringIO())
    get_user_model().objects.create_user(email=EMAIL, password=PASSWORD)
    token = base64.b64encode(f"{EMAIL}:{PASSWORD}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case, signed_in):
    # No 5xx, and responses (status, content type, headers, body) as documented. Not run:
    # ``ignored_auth`` (it re-sends the request with broken credentials while our header still
    # signs in; the suite's forbidden-access tests cover authentication),
    # ``positive_data_acceptance`` (a schema-valid body may name a category id that does not
    # exist, a 400 no schema can express) and ``negative_data_rejection`` (DRF's pagination
    # ignores a malformed ``page_size`` and serves the default, by design).
    case.call_and_validate(
        headers=signed_in,
        checks=[
            checks.not_a_server_error,
            checks.status_code_conformance,
            checks.content_type_conformance,
            checks.response_headers_conformance,
            checks.response_schema_conformance,
        ],
    )
