"""A production-like run: gunicorn, several workers, PostgreSQL, Redis, whitenoise.

Needs a PostgreSQL server and Redis (``EXAMPLE_GUNICORN_POSTGRES`` and ``EXAMPLE_GUNICORN_REDIS``
override where); skipped when they are missing, failed when ``CI`` is set.
"""

import html
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import require_service

PROJECT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("EXAMPLE_GUNICORN_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("EXAMPLE_GUNICORN_REDIS", "redis://127.0.0.1:6379/12")
DB_NAME = os.environ.get("EXAMPLE_GUNICORN_DB_NAME", "shopkit_example_gunicorn")
WORKERS = 3

pytestmark = pytest.mark.services


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url, headers=None):
    """Return (status, headers, body) without following redirects."""
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", **(headers or {})})
    try:
        with OPENER.open(request, timeout=15) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def _services():
    try:
        import psycopg
        import redis
    except ImportError as exc:
        require_service(f"psycopg and redis are needed: {exc}")
    try:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=2) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    except psycopg.OperationalError as exc:
        require_service(f"PostgreSQL at {POSTGRES} is not reachable: {exc}")
    try:
        client = redis.Redis.from_url(REDIS, socket_connect_timeout=1)
        client.flushdb()
    except redis.RedisError as exc:
        require_service(f"Redis at {REDIS} is not reachable: {exc}")
    return client


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _children(pid):
    """Return the pids of the processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command name may hold spaces; the parent pid follows the closing parenthesis.
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.fixture
def production_env(tmp_path):
    redis_client = _services()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="gunicorn-test-" + "Zx8#Qw7!Lm2@Rt5$Yu9%Op4^As3&Df6*Gh1(Jk0)-0123456789",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"{POSTGRES}/{DB_NAME}",
        CACHE_URL=REDIS,
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_LOG_LEVEL="WARNING",
    )
    _manage(env, "migrate", "--no-input")
    _manage(env, "seed_demo", "--products", "40")
    _manage(env, "collectstatic", "--no-input")
    yield env, redis_client
    redis_client.flushdb()
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def test_gunicorn_serves_pages_api_and_static_files(production_env):
    env, redis_client = production_env
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-w",
            str(WORKERS),
            "-b",
            f"127.0.0.1:{port}",
        ],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, server.stdout.read()
            try:
                if fetch(f"{base}/health/")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
            time.sleep(0.2)  # polling a port that is not open yet

        assert len(_children(server.pid)) == WORKERS

        status, headers, body = fetch(f"{base}/api/products/", {"Accept": "application/json"})
        assert status == 200
        assert headers["Content-Type"].startswith("application/json")
        newest = json.loads(body)["results"][0]
        assert newest["brand"]  # the shop's extended serializer

        # The storefront lists the same newest product first, from PostgreSQL.
        status, _, body = fetch(f"{base}/")
        assert status == 200
        assert html.escape(newest["name"]) in body.decode()

        # Static files: hashed names from the manifest storage, served by whitenoise,
        # compressed and cached for good.
        status, _, body = fetch(f"{base}/admin/login/")
        assert status == 200
        css = re.search(r"/static/admin/css/base\.[0-9a-f]{12}\.css", body.decode())
        assert css, "admin CSS is not referenced by its hashed name"
        status, headers, body = fetch(base + css.group(0), {"Accept-Encoding": "gzip"})
        assert status == 200
        assert headers["Content-Encoding"] == "gzip"
        assert "immutable" in headers["Cache-Control"]

        # The cache is Redis, shared by the workers (the product list page is cached there).
        assert redis_client.dbsize() > 0

        # Plain HTTP is redirected to HTTPS.
        request = urllib.request.Request(f"{base}/")
        try:
            OPENER.open(request, timeout=10)
            redirected = None
        except urllib.error.HTTPError as exc:
            redirected = (exc.code, exc.headers["Location"])
        assert redirected == (301, f"https://127.0.0.1:{port}/")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        # Shown by pytest only when the test failed: gunicorn's and Django's logs (tracebacks).
        print(server.stdout.read())
        server.stdout.close()
