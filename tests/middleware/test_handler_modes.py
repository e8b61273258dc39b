"""Both middlewares fit a sync (WSGI) and an async (ASGI) chain without adaptation."""

import logging

import pytest
from asgiref.sync import iscoroutinefunction
from django.core.handlers.base import BaseHandler
from django.test import override_settings

from tests.middleware.conftest import FULL_MIDDLEWARE


@pytest.mark.parametrize("is_async", [False, True])
@override_settings(DEBUG=True, MIDDLEWARE=FULL_MIDDLEWARE)
def test_no_thread_hop_in_either_mode(caplog, is_async):
    caplog.set_level(logging.DEBUG, logger="django.request")
    handler = BaseHandler()

    handler.load_middleware(is_async=is_async)

    # Django logs each adaptation (a sync_to_async or async_to_sync wrapper, i.e. a thread hop)
    # when DEBUG is on; the exception hooks are always sync by Django's design and are left out.
    adapted = [
        r.getMessage()
        for r in caplog.records
        if "adapted" in r.getMessage() and "process_exception" not in r.getMessage()
    ]
    assert adapted == []
    assert iscoroutinefunction(handler._middleware_chain) is is_async
