"""Each ``shopkit.E00x`` system check, triggered through Django's check framework."""

import pytest
from django.core import checks
from django.test import override_settings

from django_shopkit.conf import MODEL_SETTINGS
from django_shopkit.loading import get_model_string, get_tag_model

MODEL_CHECK_IDS = {"shopkit.E001", "shopkit.E002", "shopkit.E003"}


def shopkit_messages(*, include_deployment_checks=False):
    """Run every registered check and keep shopkit's own messages."""
    return [
        message
        for message in checks.run_checks(include_deployment_checks=include_deployment_checks)
        if (message.id or "").startswith("shopkit.")
    ]


def model_messages():
    """Return shopkit's messages about model settings (E001-E003)."""
    return [m for m in shopkit_messages() if m.id in MODEL_CHECK_IDS]


def ids(messages):
    return [message.id for message in messages]


def test_checks_are_registered_with_django():
    registered = {check.__name__ for check in checks.registry.registry.get_checks()}
    assert {"check_settings", "check_models"} <= registered


def test_clean_configuration_has_no_shopkit_errors():
    assert [str(m) for m in shopkit_messages() if m.level >= checks.ERROR] == []


def test_e001_missing_model_setting():
    # Name every model explicitly but the review model, so that only it is missing.
    configured = {f"SHOPKIT_{name}": get_model_string(name) for name in MODEL_SETTINGS}
    configured["SHOPKIT_REVIEW_MODEL"] = None
    with override_settings(SHOPKIT_MODELS_APP=None, **configured):
        messages = model_messages()
    assert ids(messages) == ["shopkit.E001"]
    assert "SHOPKIT_REVIEW_MODEL is not set" in messages[0].msg
    assert "SHOPKIT_REVIEW_MODEL" in messages[0].hint


def test_e001_every_model_setting_missing_reports_each_one():
    unset = {f"SHOPKIT_{name}": None for name in MODEL_SETTINGS}
    with override_settings(SHOPKIT_MODELS_APP=None, **unset):
        messages = model_messages()
    assert ids(messages) == ["shopkit.E001"] * len(MODEL_SETTINGS)
    for message, name in zip(messages, MODEL_SETTINGS, strict=True):
        assert f"SHOPKIT_{name} is not set" in message.msg


def test_e001_malformed_model_setting():
    with override_settings(SHOPKIT_PRODUCT_MODEL="Product"):
        messages = model_messages()
    assert ids(messages) == ["shopkit.E001"]
    assert "SHOPKIT_PRODUCT_MODEL" in messages[0].msg
    assert "'Product'" in messages[0].msg
    assert messages[0].hint


def test_e002_model_of_an_unknown_app():
    with override_settings(SHOPKIT_PRODUCT_MODEL="nope.Product"):
        messages = model_messages()
    assert ids(messages) == ["shopkit.E002"]
    assert messages[0].msg.startswith(
        "SHOPKIT_PRODUCT_MODEL = 'nope.Product' names the app label 'nope', which is not "
        "installed. Installed app labels: "
    )
    assert "INSTALLED_APPS" in messages[0].hint


def test_e002_unknown_model_of_an_installed_app():
    label = get_model_string("PRODUCT_MODEL").split(".")[0]
    with override_settings(SHOPKIT_PRODUCT_MODEL=f"{label}.Nope"):
        messages = model_messages()
    assert ids(messages) == ["shopkit.E002"]
    assert messages[0].msg == (
        f"SHOPKIT_PRODUCT_MODEL refers to model '{label}.Nope' that has not been installed."
    )
    assert messages[0].hint.startswith(
        f"Correct the class name in SHOPKIT_PRODUCT_MODEL; '{label}' has:"
    )
    assert get_model_string("PRODUCT_MODEL").split(".")[1] in messages[0].hint


def test_e003_model_not_a_subclass_of_its_abstract_base():
    from django.contrib.auth.models import Group

    with override_settings(SHOPKIT_TAG_MODEL="auth.Group"):
        messages = model_messages()
    assert ids(messages) == ["shopkit.E003"]
    assert messages[0].obj is Group
    assert "AbstractTag" in messages[0].msg
    assert "'auth.Group'" in messages[0].msg
    assert "Group" in messages[0].hint


def test_e003_model_of_another_kind():
    # A shopkit model configured in the wrong slot is caught too.
    with override_settings(SHOPKIT_CATEGORY_MODEL=get_tag_model()._meta.label):
        messages = model_messages()
    assert ids(messages) == ["shopkit.E003"]
    assert "AbstractCategory" in messages[0].msg


@pytest.mark.parametrize(
    ("setting", "value", "wanted"),
    [
        ("SHOPKIT_PAGE_SIZE", "20", "must be int, not str ('20')"),
        ("SHOPKIT_PAGE_SIZE", True, "must be int, not bool (True)"),
        ("SHOPKIT_CURRENCY", None, "must be str, not NoneType (None)"),
        ("SHOPKIT_SEND_ORDER_EMAILS", "yes", "must be bool, not str ('yes')"),
        ("SHOPKIT_REQUEST_LOG_SKIP_PATHS", "/health", "must be list or tuple, not str"),
        ("SHOPKIT_ORDER_EMAIL_FROM", 1, "must be str or None, not int (1)"),
    ],
)
def test_e004_setting_of_the_wrong_type(setting, value, wanted):
    with override_settings(**{setting: value}):
        messages = [m for m in shopkit_messages() if m.id == "shopkit.E004"]
    assert len(messages) == 1
    assert messages[0].msg.startswith(f"{setting} {wanted}")
    assert setting in messages[0].hint


@pytest.mark.parametrize("setting", ["SHOPKIT_CATALOG_SERVICE", "SHOPKIT_PRODUCT_PAGINATION_CLASS"])
def test_e005_class_path_that_does_not_import(setting):
    with override_settings(**{setting: "nope.services.Missing"}):
        messages = [m for m in shopkit_messages() if m.id == "shopkit.E005" and setting in m.msg]
    assert len(messages) == 1
    assert messages[0].msg.startswith(f"{setting} = 'nope.services.Missing' cannot be imported")
    assert messages[0].hint


def test_e005_skips_settings_of_apps_that_are_not_installed():
    with override_settings(SHOPKIT_ORDER_SERVICE="nope.services.Missing"):
        assert "shopkit.E005" in ids(shopkit_messages())
        # Without the orders app, its class-path settings are irrelevant.
        from django.conf import settings

        apps_without_orders = [
            app for app in settings.INSTALLED_APPS if app != "django_shopkit.orders"
        ]
        with override_settings(INSTALLED_APPS=apps_without_orders):
            assert "SHOPKIT_ORDER_SERVICE" not in " ".join(m.msg for m in shopkit_messages())
