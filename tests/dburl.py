"""Turn ``DATABASE_URL`` into a ``DATABASES`` entry for the test settings."""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit


def database_from_env() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:", "TEST": {"NAME": None}}
    parts = urlsplit(url)
    if parts.scheme in ("postgres", "postgresql", "pgsql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")) or "postgres",
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            # Separate test databases per xdist/tox run would go here; one is enough.
            "TEST": {"NAME": os.environ.get("SHOPKIT_TEST_DB_NAME", "test_shopkit")},
        }
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(Path(parts.path))}
    raise ValueError(f"Unsupported DATABASE_URL scheme: {parts.scheme!r}")
