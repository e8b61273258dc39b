"""The pages a newcomer opens first all answer 200 with the demo data in place."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from django_shopkit.loading import get_product_model

PROJECT = Path(__file__).resolve().parent.parent


def test_product_list_page_shows_demo_products(client, demo_data):
    response = client.get(reverse("shopkit_catalog:product-list"))
    assert response.status_code == 200
    newest = (
        get_product_model()
        ._default_manager.filter(is_active=True)
        .order_by("-created_at", "-id")[0]
    )
    assert newest.name in response.content.decode()


def test_api_root_lists_the_endpoints(client, db):
    response = client.get(reverse("api-root"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "products" in response.json()


def test_admin_login_page(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_admin_login_works_for_the_demo_staff_user(client, demo_data):
    response = client.post(
        reverse("admin:login"),
        {"username": "admin@example.com", "password": "shopkit-admin"},
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_schema_and_docs_pages(client, db):
    schema = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/products/" in paths
    assert "/api/auth/register/" in paths
    for name in ("swagger-ui", "redoc"):
        page = client.get(reverse(name))
        assert page.status_code == 200
        # Sidecar assets, served from our own static files: no CDN.
        assert b"/static/drf_spectacular_sidecar/" in page.content
        assert b"cdn.jsdelivr.net" not in page.content


def test_health(client, db):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_seed_demo_is_idempotent(db):
    out = io.StringIO()
    call_command("seed_demo", products=40, stdout=out)
    counts = _counts()
    call_command("seed_demo", products=40, stdout=out)
    assert _counts() == counts
    assert counts["products"] == 40
    assert counts["reviews"] > 0
    assert counts["discounts"] > 0
    assert "customer@example.com / shopkit-customer" in out.getvalue()
    User = get_user_model()
    assert User.objects.get(email="admin@example.com").check_password("shopkit-admin")
    assert User.objects.get(email="customer@example.com").is_staff is False


def _counts():
    from django_shopkit.loading import (
        get_category_model,
        get_discount_model,
        get_review_model,
        get_tag_model,
    )

    return {
        "categories": get_category_model().objects.count(),
        "tags": get_tag_model().objects.count(),
        "products": get_product_model()._default_manager.count(),
        "reviews": get_review_model().objects.count(),
        "discounts": get_discount_model().objects.count(),
        "users": get_user_model().objects.count(),
    }


def test_seeded_ratings_match_the_reviews(demo_data):
    from django.db.models import Avg, Count

    for product in get_product_model()._default_manager.annotate(
        avg=Avg("reviews__rating"), total=Count("reviews")
    )[:20]:
        assert product.review_count == product.total
        if product.total:
            assert abs(float(product.average_rating) - product.avg) < 0.01
        else:
            assert product.average_rating is None


@pytest.mark.django_db
def test_no_missing_migrations():
    # Raises SystemExit(1) when a model change has no migration.
    call_command("makemigrations", check=True, dry_run=True, stdout=io.StringIO())


def _check_deploy(tmp_path, **extra_env):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.pop("SHOPKIT_PAYMENT_GATEWAY", None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="k" * 10 + "Zx8#Qw7!Lm2@Rt5$Yu9%Op4^As3&Df6*Gh1(Jk0)" + "z" * 10,
        DJANGO_ALLOWED_HOSTS="shop.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        **extra_env,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    # Any gateway but the development one; this test only needs it to import.
    status, output = _check_deploy(
        tmp_path, SHOPKIT_PAYMENT_GATEWAY="django_shopkit.orders.payments.PaymentGateway"
    )
    assert status == 0, output
    assert "System check identified no issues (0 silenced)." in output


def test_check_deploy_refuses_the_development_gateway(tmp_path):
    status, output = _check_deploy(tmp_path)
    assert status == 1, output
    assert (
        "(shopkit.E022) SHOPKIT_PAYMENT_GATEWAY is django_shopkit.orders.payments.DummyGateway"
        in (output)
    )
    assert "System check identified 1 issue (0 silenced)." in output


def test_production_settings_require_the_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production", DJANGO_ALLOWED_HOSTS="example.com"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_every_admin_changelist_and_add_page_opens(client, demo_data):
    from django.contrib import admin

    boss = get_user_model().objects.create_superuser("boss@example.com", "x-long-password-1")
    client.force_login(boss)

    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = boss
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        assert client.get(changelist, {"q": "a"}).status_code == 200, changelist
        add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        # Orders and payments are made by the services, never typed into the admin.
        expected = 200 if model_admin.has_add_permission(request) else 403
        assert client.get(add).status_code == expected, add


def test_system_checks_pass():
    # Includes the admin checks, which the request-level tests above never trigger.
    call_command("check", fail_level="WARNING", stdout=io.StringIO())


def test_wsgi_and_asgi_entry_points_serve_requests(db):
    import asyncio

    from django.core.handlers.asgi import ASGIHandler
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import AsyncClient

    from config.asgi import application as asgi_application
    from config.wsgi import application as wsgi_application

    assert isinstance(wsgi_application, WSGIHandler)
    assert isinstance(asgi_application, ASGIHandler)

    async def get_health():
        return await AsyncClient().get(reverse("health"))

    # The async path runs both shopkit middlewares in async mode.
    assert asyncio.run(get_health()).status_code == 200
