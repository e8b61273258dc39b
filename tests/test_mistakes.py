"""Each configuration mistake a newcomer makes is a system check error that names the fix.

Every case starts a fresh ``manage.py check`` process on the test settings with one mistake in
them: the check must be reported before any other app's check trips over the same mistake.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core import checks
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent
DUMMY = "django_shopkit.orders.payments.DummyGateway"


def run_check(tmp_path: Path, settings_source: str, *args: str) -> str:
    """Run ``django check`` with ``tests.settings`` plus ``settings_source``; return its output."""
    (tmp_path / "mistake_settings.py").write_text(
        "from tests.settings import *  # noqa: F403\n\n" + textwrap.dedent(settings_source)
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    # The package as installed (the built wheel in tox); ROOT for tests.settings.
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(ROOT)])
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--settings=mistake_settings", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == 1, output  # SystemCheckError, not a crash or a pass
    return output


def test_mistyped_models_app_names_the_setting_the_value_and_the_installed_labels(tmp_path):
    output = run_check(tmp_path, 'SHOPKIT_MODELS_APP = "shpo"\n')
    assert (
        "(shopkit.E002) SHOPKIT_MODELS_APP = 'shpo' names the app label 'shpo', which is not "
        "installed. Installed app labels: accounts, admin, auth, contenttypes, django_filters, "
        "messages, rest_framework, sessions, shop, shopkit, shopkit_catalog, shopkit_orders, "
        "staticfiles." in output
    )
    assert "HINT: Did you mean 'shop'? Set SHOPKIT_MODELS_APP to the label" in output
    # Reported once, not once per model derived from it.
    assert output.count("shopkit.E002") == 1


def test_mistyped_model_label_names_the_setting_and_the_installed_labels(tmp_path):
    output = run_check(tmp_path, 'SHOPKIT_PRODUCT_MODEL = "shpo.Product"\n')
    assert "(shopkit.E002) SHOPKIT_PRODUCT_MODEL = 'shpo.Product' names the app label 'shpo'" in (
        output
    )
    assert "Installed app labels: accounts, admin," in output
    assert "Did you mean 'shop'?" in output


def test_mistyped_model_class_names_the_close_one(tmp_path):
    output = run_check(tmp_path, 'SHOPKIT_PRODUCT_MODEL = "shop.Prodcut"\n')
    assert "(shopkit.E002) SHOPKIT_PRODUCT_MODEL refers to model 'shop.Prodcut' that has" in output
    assert (
        "HINT: Did you mean 'shop.Product'? Correct the class name in SHOPKIT_PRODUCT_MODEL;"
        in (output)
    )


@pytest.mark.parametrize("app", ["rest_framework", "django_filters"])
def test_missing_api_dependency(tmp_path, app):
    output = run_check(
        tmp_path, f"INSTALLED_APPS = [a for a in INSTALLED_APPS if a != {app!r}]  # noqa: F405\n"
    )
    assert f"(shopkit.E020) '{app}' is not in INSTALLED_APPS" in output
    assert f'HINT: Add "{app}" to INSTALLED_APPS' in output


def test_orders_without_the_catalog(tmp_path):
    output = run_check(
        tmp_path,
        """
        INSTALLED_APPS = [a for a in INSTALLED_APPS if a != "django_shopkit.catalog"]  # noqa: F405
        """,
    )
    assert (
        "(shopkit.E021) 'django_shopkit.orders' is installed without 'django_shopkit.catalog'"
        in (output)
    )
    assert 'HINT: Add "django_shopkit.catalog" to INSTALLED_APPS' in output


def deploy_messages():
    return [m for m in checks.run_checks(include_deployment_checks=True) if m.id == "shopkit.E022"]


@override_settings(DEBUG=False, SHOPKIT_PAYMENT_GATEWAY=DUMMY)
def test_dummy_gateway_in_production_is_a_deploy_error():
    [message] = deploy_messages()
    assert message.level == checks.ERROR
    assert "SHOPKIT_PAYMENT_GATEWAY is django_shopkit.orders.payments.DummyGateway" in message.msg
    assert "Set SHOPKIT_PAYMENT_GATEWAY to a real provider's gateway" in message.hint


class TestGateway:
    """Stands for a real provider's gateway in the deploy check test."""


@override_settings(
    DEBUG=True, SHOPKIT_PAYMENT_GATEWAY="django_shopkit.orders.payments.DummyGateway"
)
def test_dummy_gateway_is_fine_with_debug_on():
    assert deploy_messages() == []


def test_dummy_gateway_is_only_a_deploy_check():
    with override_settings(DEBUG=False):
        assert [m for m in checks.run_checks() if m.id == "shopkit.E022"] == []


def test_another_gateway_in_production_passes(tmp_path):
    with override_settings(DEBUG=False, SHOPKIT_PAYMENT_GATEWAY="tests.test_mistakes.TestGateway"):
        assert deploy_messages() == []
