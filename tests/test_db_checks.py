"""``shopkit.W040``: SQLite on disk without IMMEDIATE transactions."""

from types import SimpleNamespace

import pytest
from django.core import checks

from django_shopkit import db_checks


def w030(databases, monkeypatch):
    # Django warns against overriding DATABASES in tests; the check reads only this setting.
    monkeypatch.setattr(db_checks, "settings", SimpleNamespace(DATABASES=databases))
    return [m for m in db_checks.check_sqlite_transaction_mode() if m.id == "shopkit.W040"]


def test_the_check_is_registered():
    assert db_checks.check_sqlite_transaction_mode in checks.registry.registry.get_checks()


SQLITE = "django.db.backends.sqlite3"


@pytest.mark.parametrize(
    ("options", "warned"),
    [
        ({}, True),
        ({"transaction_mode": "DEFERRED"}, True),
        ({"transaction_mode": "EXCLUSIVE"}, True),
        ({"transaction_mode": "IMMEDIATE"}, False),
        ({"transaction_mode": "immediate", "timeout": 20}, False),
    ],
)
def test_sqlite_on_disk_needs_immediate_transactions(monkeypatch, tmp_path, options, warned):
    databases = {"default": {"ENGINE": SQLITE, "NAME": str(tmp_path / "db"), "OPTIONS": options}}
    messages = w030(databases, monkeypatch)
    assert len(messages) == int(warned)
    if warned:
        assert isinstance(messages[0], checks.Warning)
        assert "'default'" in messages[0].msg
        assert "IMMEDIATE" in messages[0].hint


def test_in_memory_sqlite_and_other_engines_are_not_warned(monkeypatch):
    databases = {
        "default": {"ENGINE": SQLITE, "NAME": ":memory:"},
        "other": {"ENGINE": "django.db.backends.postgresql", "NAME": "shop"},
    }
    assert w030(databases, monkeypatch) == []
