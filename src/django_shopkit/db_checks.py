"""System check of the database configuration: SQLite must take the write lock up front.

Ids:

* ``shopkit.W040``: a SQLite database is used without ``"transaction_mode": "IMMEDIATE"``.

With Django's default (deferred) transactions on SQLite, a checkout's transaction starts as a
reader and must upgrade to a writer at its first UPDATE; when another worker writes meanwhile
the upgrade fails at once with "database is locked" (``busy_timeout`` does not apply to the
upgrade), a 500. ``BEGIN IMMEDIATE`` takes the write lock when the transaction starts, so a
concurrent checkout waits (up to the ``timeout`` option) instead of failing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

__all__ = ["check_sqlite_transaction_mode", "sqlite_aliases_without_immediate"]


def _in_memory(name: object) -> bool:
    # An in-memory database belongs to one process: no other worker can contend for it.
    text = str(name or "")
    return text in ("", ":memory:") or "mode=memory" in text


def _modes() -> dict[str, str]:
    modes: dict[str, str] = {}
    for alias, config in settings.DATABASES.items():
        if not str(config.get("ENGINE", "")).endswith("sqlite3") or _in_memory(config.get("NAME")):
            continue
        options: Any = config.get("OPTIONS") or {}
        mode = str(options.get("transaction_mode") or "DEFERRED")
        if mode.upper() != "IMMEDIATE":
            modes[alias] = mode
    return modes


def sqlite_aliases_without_immediate() -> list[str]:
    """Return the aliases of SQLite databases on disk not opened in IMMEDIATE mode."""
    return list(_modes())


def check_sqlite_transaction_mode(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Warn about each SQLite database (on disk) not opened with ``transaction_mode`` IMMEDIATE."""
    warnings: list[checks.CheckMessage] = []
    for alias, mode in _modes().items():
        warnings.append(
            checks.Warning(
                f"SQLite database {alias!r} uses {mode} transactions: concurrent checkouts "
                "from several workers or threads fail with 'database is locked'.",
                hint=(
                    f'Add "OPTIONS": {{"transaction_mode": "IMMEDIATE"}} to '
                    f'DATABASES[{alias!r}] (and a "timeout" of a few seconds), or use '
                    "PostgreSQL."
                ),
                id="shopkit.W040",
            )
        )
    return warnings
