"""Concurrent checkouts through gunicorn on SQLite, the example's default database.

Three worker processes with four threads each share one SQLite file; 120 buyers check out at
once, each with one unit of a product that has 50 in stock. With ``transaction_mode``
IMMEDIATE every checkout either places its order (201) or finds the product sold out (409):
no 5xx ("database is locked"), no unit sold twice.
"""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
WORKERS = 3
THREADS = 4
BUYERS = 120
STOCK = 50
CSRF = "a" * 32  # any 32-character secret: cookie and header only have to match

SETUP = f"""
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django_shopkit.loading import get_category_model, get_product_model
from django_shopkit.orders.services import get_cart_service

category = get_category_model().objects.create(name="Load")
product = get_product_model()._default_manager.create(
    name="Contended", price="20.00", stock={STOCK}, category=category
)
cookies = []
for n in range({BUYERS}):
    user = get_user_model()(email=f"buyer{{n}}@example.com")
    user.set_unusable_password()  # no password hashing: sessions are made directly
    user.save()
    get_cart_service().add(user, product.pk, 1)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    cookies.append(session.session_key)
print(json.dumps({{"product": product.pk, "sessions": cookies}}))
"""


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
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


# The example ships: every checkout names an address and a shipping method.
CHECKOUT_BODY = json.dumps(
    {
        "shipping_address": {"name": "A", "line1": "1 Road", "city": "Berlin", "country": "DE"},
        "shipping_method": "standard",
    }
).encode()


def _checkout(base, port, session_key, number):
    request = urllib.request.Request(
        f"{base}/api/checkout/",
        data=CHECKOUT_BODY,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Forwarded-Proto": "https",
            "Referer": f"https://127.0.0.1:{port}/",
            "Cookie": f"sessionid={session_key}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
            "Idempotency-Key": f"load-{number}",
            "Accept": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_concurrent_checkouts_on_sqlite_under_gunicorn(tmp_path):
    database = tmp_path / "shop.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="gunicorn-sqlite-Zx8#Qw7!Lm2@Rt5$Yu9%Op4^As3&Df6*Gh1(Jk0)-0123456789",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{database}",
        CACHE_URL="locmem://",
        DJANGO_LOG_LEVEL="WARNING",
        SHOP_MINIMUM_ORDER_TOTAL="0",
        EMAIL_URL="memorymail://",
    )
    _manage(env, "migrate", "--no-input")
    setup = json.loads(_manage(env, "shell", "-c", SETUP).strip().splitlines()[-1])

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    # A file, not a pipe: a pipe nobody reads fills up and blocks the workers' logging.
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-w",
            str(WORKERS),
            "--threads",
            str(THREADS),
            "-b",
            f"127.0.0.1:{port}",
        ],
        cwd=PROJECT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, log.read()
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
                time.sleep(0.2)  # polling a port that is not open yet

        with ThreadPoolExecutor(max_workers=60) as pool:
            results = list(
                pool.map(
                    lambda args: _checkout(base, port, *args),
                    [(key, n) for n, key in enumerate(setup["sessions"])],
                )
            )
        statuses = [status for status, _ in results]
        errors = [(s, body[:300]) for s, body in results if s >= 500]
        assert errors == [], errors
        assert statuses.count(201) == STOCK, sorted(set(statuses))
        assert statuses.count(409) == BUYERS - STOCK
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.seek(0)
        print(log.read()[-20000:])  # shown by pytest when the test failed
        log.close()

    with sqlite3.connect(database) as connection:
        (stock,) = connection.execute(
            "SELECT stock FROM shop_product WHERE id = ?", (setup["product"],)
        ).fetchone()
        (sold,) = connection.execute(
            "SELECT COALESCE(SUM(quantity), 0) FROM shop_orderitem WHERE product_id = ?",
            (setup["product"],),
        ).fetchone()
        (orders,) = connection.execute("SELECT COUNT(*) FROM shop_order").fetchone()
    assert stock + sold == STOCK  # nothing oversold, nothing lost
    assert (stock, sold, orders) == (0, STOCK, STOCK)
