"""ActiveUserMiddleware: one UPDATE per user per interval, under WSGI and ASGI."""

from datetime import timedelta
from importlib import import_module
from unittest import mock

import pytest
from asgiref.sync import iscoroutinefunction
from django.contrib.auth import get_user_model
from django.db import connection
from django.http import HttpResponse
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from django_shopkit.conf import settings
from django_shopkit.middleware import ActiveUserMiddleware
from django_shopkit.middleware.checks import check_middleware
from tests.middleware.conftest import ACTIVE_USER_ONLY, BASE_MIDDLEWARE, URLCONF, Http, url

pytestmark = pytest.mark.django_db


def field():
    return settings.SHOPKIT_ACTIVE_USER_FIELD


def interval():
    return timedelta(seconds=settings.SHOPKIT_ACTIVE_USER_INTERVAL)


def stored(user):
    return get_user_model()._base_manager.filter(pk=user.pk).values_list(field(), flat=True).get()


def set_stored(user, value):
    get_user_model()._base_manager.filter(pk=user.pk).update(**{field(): value})


def user_updates(ctx):
    table = get_user_model()._meta.db_table
    return [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].lstrip().upper().startswith("UPDATE") and table in q["sql"]
    ]


def logged_in(kind, user):
    http = Http(kind)
    http.force_login(user)
    return http


def run(http, path, times):
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(times):
            assert http.get(path).status_code == 200
    return ctx


@override_settings(MIDDLEWARE=ACTIVE_USER_ONLY, ROOT_URLCONF=URLCONF)
def test_twenty_requests_inside_interval_cause_one_update(http, user):
    http.force_login(user)
    # force_login() may have set the field (last_login does): start from "never active".
    set_stored(user, None)
    before = timezone.now()

    ctx = run(http, url(http, "ok"), 20)

    updates = user_updates(ctx)
    assert len(updates) == 1, updates
    assert field() in updates[0]
    assert before <= stored(user) <= timezone.now()


@override_settings(MIDDLEWARE=ACTIVE_USER_ONLY, ROOT_URLCONF=URLCONF)
def test_after_the_interval_one_more_update(http, user):
    http.force_login(user)
    set_stored(user, None)
    assert len(user_updates(run(http, url(http, "ok"), 1))) == 1
    # As if the last write was just over an interval ago.
    set_stored(user, timezone.now() - interval() - timedelta(seconds=1))

    ctx = run(http, url(http, "ok"), 20)

    assert len(user_updates(ctx)) == 1
    assert stored(user) > timezone.now() - timedelta(seconds=60)


@override_settings(MIDDLEWARE=ACTIVE_USER_ONLY, ROOT_URLCONF=URLCONF)
def test_clock_moving_past_the_interval_writes_again(http, user):
    http.force_login(user)
    set_stored(user, None)
    run(http, url(http, "ok"), 1)
    first = stored(user)
    just_inside = first + interval() - timedelta(seconds=1)
    just_past = first + interval() + timedelta(seconds=1)

    with mock.patch("django.utils.timezone.now", return_value=just_inside):
        assert user_updates(run(http, url(http, "ok"), 5)) == []
    with mock.patch("django.utils.timezone.now", return_value=just_past):
        assert len(user_updates(run(http, url(http, "ok"), 5))) == 1

    assert stored(user) == just_past


@override_settings(ROOT_URLCONF=URLCONF)
@pytest.mark.parametrize("kind", ["wsgi", "asgi"])
def test_recent_user_costs_no_query_beyond_authentication(kind, user):
    set_stored(user, timezone.now())
    path = reverse("mw-async-whoami" if kind == "asgi" else "mw-whoami")
    with override_settings(MIDDLEWARE=BASE_MIDDLEWARE):
        baseline = run(logged_in(kind, user), path, 5)
    with override_settings(MIDDLEWARE=ACTIVE_USER_ONLY):
        tracked = run(logged_in(kind, user), path, 5)

    assert len(baseline) > 0  # the session and the user are read: the comparison means something
    assert len(tracked) == len(baseline)
    assert user_updates(tracked) == []


@override_settings(MIDDLEWARE=ACTIVE_USER_ONLY, ROOT_URLCONF=URLCONF)
def test_anonymous_requests_cause_no_query(http):
    ctx = run(http, url(http, "ok"), 20)

    assert ctx.captured_queries == []


@override_settings(ROOT_URLCONF=URLCONF)
@pytest.mark.parametrize("kind", ["wsgi", "asgi"])
def test_anonymous_with_a_session_costs_nothing_extra(kind, db):
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session["cart"] = "anonymous cart"
    session.save()
    path = reverse("mw-async-whoami" if kind == "asgi" else "mw-whoami")

    counts = []
    for middleware in (BASE_MIDDLEWARE, ACTIVE_USER_ONLY):
        http = Http(kind)
        http.client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
        with override_settings(MIDDLEWARE=middleware):
            ctx = run(http, path, 5)
        assert user_updates(ctx) == []
        counts.append(len(ctx))

    assert counts[0] == counts[1] > 0


@override_settings(MIDDLEWARE=ACTIVE_USER_ONLY, ROOT_URLCONF=URLCONF)
def test_user_authenticated_during_the_view_is_recorded(user):
    # Django REST framework sets request.user on the HttpRequest when it authenticates.
    set_stored(user, None)
    http = Http("wsgi")

    ctx = run(http, reverse("mw-set-user") + f"?pk={user.pk}", 3)

    assert len(user_updates(ctx)) == 1
    assert stored(user) is not None


@pytest.mark.parametrize("name", ["no_such_field", "username"])
@override_settings(ROOT_URLCONF=URLCONF)
def test_unusable_field_writes_nothing_and_warns(http, user, name):
    http.force_login(user)
    set_stored(user, None)
    with override_settings(SHOPKIT_ACTIVE_USER_FIELD=name, MIDDLEWARE=ACTIVE_USER_ONLY):
        ctx = run(http, url(http, "ok"), 5)
        messages = check_middleware()

    # The middleware took itself out: not even the session or the user is read.
    assert ctx.captured_queries == []
    assert [m.id for m in messages] == ["shopkit.W010"]
    assert name in messages[0].msg
    assert stored(user) is None


def test_concurrent_write_by_another_worker_is_not_repeated(user):
    middleware = ActiveUserMiddleware(lambda request: HttpResponse())
    attname = get_user_model()._meta.get_field(field()).attname
    # This worker loaded the row before another worker wrote a recent time.
    setattr(user, attname, timezone.now() - interval() * 2)
    recent = timezone.now()
    set_stored(user, recent)

    now, cutoff = middleware.due(user)

    assert middleware.stale_queryset(user, cutoff).update(**{field(): now}) == 0
    assert stored(user) == recent


def test_deferred_field_is_not_read(user):
    middleware = ActiveUserMiddleware(lambda request: HttpResponse())
    set_stored(user, timezone.now())
    deferred = get_user_model()._base_manager.defer(field()).get(pk=user.pk)

    with CaptureQueriesContext(connection) as ctx:
        due = middleware.due(deferred)
        assert due is not None
        # The conditional UPDATE, not a read, decides: the row is recent, nothing is written.
        assert middleware.stale_queryset(deferred, due[1]).update(**{field(): due[0]}) == 0
    assert len(ctx) == 1


def test_sync_and_async_modes():
    async def async_get_response(request):
        return HttpResponse()

    sync_middleware = ActiveUserMiddleware(lambda request: HttpResponse())
    async_middleware = ActiveUserMiddleware(async_get_response)

    assert ActiveUserMiddleware.sync_capable
    assert ActiveUserMiddleware.async_capable
    assert not iscoroutinefunction(sync_middleware)
    assert iscoroutinefunction(async_middleware)
