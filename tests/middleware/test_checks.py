"""System checks shopkit.E010, W010 and W011: each triggered, each quiet when all is well."""

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from django_shopkit.middleware import ActiveUserMiddleware
from django_shopkit.middleware.checks import check_middleware
from tests.middleware.conftest import (
    ACTIVE_USER,
    AUTHENTICATION,
    BASE_MIDDLEWARE,
    FULL_MIDDLEWARE,
    REQUEST_LOGGING,
)


class MyActiveUserMiddleware(ActiveUserMiddleware):
    """A host's subclass: the checks must still recognise it."""


def ids(messages):
    return [m.id for m in messages]


@override_settings(MIDDLEWARE=FULL_MIDDLEWARE)
def test_documented_order_is_clean():
    assert check_middleware() == []


@override_settings(SHOPKIT_ACTIVE_USER_FIELD="no_such_field", MIDDLEWARE=BASE_MIDDLEWARE)
def test_nothing_is_checked_without_the_middlewares():
    assert check_middleware() == []


@override_settings(MIDDLEWARE=[ACTIVE_USER, *BASE_MIDDLEWARE])
def test_active_user_before_authentication_is_an_error():
    [error] = check_middleware()

    assert error.id == "shopkit.E010"
    assert error.is_serious()
    assert AUTHENTICATION in error.hint


@override_settings(MIDDLEWARE=[m for m in FULL_MIDDLEWARE if m != AUTHENTICATION])
def test_active_user_without_authentication_is_an_error():
    [error] = check_middleware()

    assert error.id == "shopkit.E010"
    assert "missing" in error.msg


@override_settings(
    MIDDLEWARE=[*BASE_MIDDLEWARE, "tests.middleware.test_checks.MyActiveUserMiddleware"]
)
def test_subclasses_are_recognised():
    # Placed correctly: clean. The same subclass before authentication is caught below.
    assert check_middleware() == []
    with override_settings(
        MIDDLEWARE=["tests.middleware.test_checks.MyActiveUserMiddleware", *BASE_MIDDLEWARE]
    ):
        assert ids(check_middleware()) == ["shopkit.E010"]


@pytest.mark.parametrize("field", ["no_such_field", "username"])
def test_unusable_active_user_field_warns(field):
    with override_settings(SHOPKIT_ACTIVE_USER_FIELD=field, MIDDLEWARE=FULL_MIDDLEWARE):
        [warning] = check_middleware()

    assert warning.id == "shopkit.W010"
    assert not warning.is_serious()
    assert field in warning.msg
    assert warning.hint


@override_settings(MIDDLEWARE=[*BASE_MIDDLEWARE, REQUEST_LOGGING])
def test_request_logging_not_first_warns():
    [warning] = check_middleware()

    assert warning.id == "shopkit.W011"
    assert "Move" in warning.hint


@override_settings(
    SHOPKIT_ACTIVE_USER_FIELD="no_such_field",
    MIDDLEWARE=[ACTIVE_USER, *BASE_MIDDLEWARE, REQUEST_LOGGING],
)
def test_checks_are_registered():
    found = {m.id for m in run_checks()}

    assert {"shopkit.E010", "shopkit.W010", "shopkit.W011"} <= found


@override_settings(MIDDLEWARE=[*FULL_MIDDLEWARE, "no.such.Middleware"])
def test_unimportable_middleware_is_left_to_django():
    assert check_middleware() == []
