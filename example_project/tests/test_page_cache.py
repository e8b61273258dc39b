"""The example's storefront page shows the signed-in user; it is never served to anyone else."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client


@pytest.mark.usefixtures("demo_data")
def test_a_signed_in_page_never_reaches_another_visitor():
    alice = get_user_model().objects.create_user(email="alice@example.com", password="pw-a-123456")
    bob = get_user_model().objects.create_user(email="bob@example.com", password="pw-b-123456")
    for first in ("alice", "anonymous"):  # whoever comes first, nothing leaks
        from django.core.cache import cache

        cache.clear()
        clients = {"alice": Client(), "bob": Client(), "anonymous": Client()}
        clients["alice"].force_login(alice)
        clients["bob"].force_login(bob)
        order = [first, *(name for name in ("alice", "anonymous", "bob") if name != first)]
        pages = {name: clients[name].get("/").content.decode() for name in order}
        # Again: the anonymous page now comes from the cache.
        pages["anonymous-again"] = clients["anonymous"].get("/").content.decode()
        assert "alice@example.com" in pages["alice"]
        assert "bob@example.com" in pages["bob"]
        assert "alice@example.com" not in pages["bob"]
        for anonymous in ("anonymous", "anonymous-again"):
            assert "@example.com" not in pages[anonymous]
            assert "csrfmiddlewaretoken" not in pages[anonymous]
