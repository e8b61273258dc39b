"""System checks for the shopkit settings and the host's concrete models.

Ids:

* ``shopkit.E001``: a model setting is missing or not of the form ``app_label.ModelName``.
* ``shopkit.E002``: a model setting names a model that is not installed.
* ``shopkit.E003``: a configured model does not subclass its shopkit abstract base.
* ``shopkit.E004``: a ``SHOPKIT_*`` setting has the wrong type.
* ``shopkit.E005``: a class-path setting cannot be imported.
* ``shopkit.E020``: an app the shopkit API needs (``rest_framework``, ``django_filters``) is not
  installed.

The orders app adds ``shopkit.E021`` and ``shopkit.E022`` (:mod:`django_shopkit.orders.checks`).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig, apps
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from django_shopkit.conf import MODELS, SETTING_TYPES, settings
from django_shopkit.loading import get_class, get_model, get_model_string

#: Settings holding a dotted path to a class, and the app that needs each.
CLASS_SETTINGS: dict[str, str] = {
    "CATALOG_SERVICE": "django_shopkit.catalog",
    "PRODUCT_PAGINATION_CLASS": "django_shopkit.catalog",
    "CART_SERVICE": "django_shopkit.orders",
    "ORDER_SERVICE": "django_shopkit.orders",
    "PAYMENT_GATEWAY": "django_shopkit.orders",
}


def check_settings(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Report ``SHOPKIT_*`` settings of the wrong type and class paths that do not import."""
    errors: list[checks.CheckMessage] = []
    for name, expected in SETTING_TYPES.items():
        value = getattr(settings, f"SHOPKIT_{name}", None)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            types = expected if isinstance(expected, tuple) else (expected,)
            wanted = " or ".join("None" if t is type(None) else t.__name__ for t in types)
            errors.append(
                checks.Error(
                    f"SHOPKIT_{name} must be {wanted}, not {type(value).__name__} ({value!r}).",
                    hint=f"See the settings reference for SHOPKIT_{name}.",
                    id="shopkit.E004",
                )
            )
    for name, app_name in CLASS_SETTINGS.items():
        path = getattr(settings, f"SHOPKIT_{name}", None)
        if not apps.is_installed(app_name) or not isinstance(path, str):
            continue
        try:
            get_class(name)
        except ImproperlyConfigured as exc:
            errors.append(
                checks.Error(
                    str(exc),
                    hint="Give the dotted path of a class, e.g. 'myshop.services.MyService'.",
                    id="shopkit.E005",
                )
            )
    return errors


#: Apps the shopkit API and its filters need, with the app that needs them.
REQUIRED_APPS: dict[str, str] = {
    "rest_framework": "Django REST framework",
    "django_filters": "django-filter",
}


def check_required_apps(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Report ``rest_framework`` or ``django_filters`` missing from ``INSTALLED_APPS``."""
    if not (
        apps.is_installed("django_shopkit.catalog") or apps.is_installed("django_shopkit.orders")
    ):
        return []
    return [
        checks.Error(
            f"{app!r} is not in INSTALLED_APPS; the shopkit API is built on {project}, whose "
            "templates and filters are found through its app.",
            hint=f'Add "{app}" to INSTALLED_APPS (before "django_shopkit").',
            id="shopkit.E020",
        )
        for app, project in REQUIRED_APPS.items()
        if not apps.is_installed(app)
    ]


def _shop_installed() -> bool:
    return apps.is_installed("django_shopkit.catalog") or apps.is_installed("django_shopkit.orders")


def _installed_labels() -> list[str]:
    return sorted(config.label for config in apps.get_app_configs())


def _unknown_label_message(setting: str, value: str, label: str) -> tuple[str, str]:
    """Return the message and hint for a setting naming an app label that is not installed."""
    labels = _installed_labels()
    message = (
        f"{setting} = {value!r} names the app label {label!r}, which is not installed. "
        f"Installed app labels: {', '.join(labels)}."
    )
    close = difflib.get_close_matches(label, labels, n=1)
    hint = f"Did you mean {close[0]!r}? " if close else ""
    hint += (
        f"Set {setting} to the label of the app that holds your shopkit models and add that app "
        "to INSTALLED_APPS."
    )
    return message, hint


def _unknown_model_hint(name: str, value: str) -> str:
    """Return the hint for a model setting naming a class its (installed) app does not have."""
    label, model_name = value.split(".")
    models = sorted(model.__name__ for model in apps.get_app_config(label).get_models())
    close = difflib.get_close_matches(model_name, models, n=1)
    hint = f"Did you mean '{label}.{close[0]}'? " if close else ""
    return hint + f"Correct the class name in SHOPKIT_{name}; {label!r} has: {', '.join(models)}."


def models_app_error() -> checks.Error | None:
    """Return the error for a ``SHOPKIT_MODELS_APP`` that is not an installed app label."""
    label = getattr(settings, "SHOPKIT_MODELS_APP", None)
    if not isinstance(label, str) or not label or "." in label:
        return None  # unset (the model settings are used) or malformed (shopkit.E001)
    try:
        apps.get_app_config(label)
    except LookupError:
        message, hint = _unknown_label_message("SHOPKIT_MODELS_APP", label, label)
        return checks.Error(message, hint=hint, id="shopkit.E002")
    return None


def model_settings_are_valid() -> bool:
    """Return whether every installed shopkit app's model settings resolve to the right models.

    The shopkit ModelAdmins run their own checks only then: a relation to a model that does not
    exist makes the admin's checks crash, and ``shopkit.E001``-``E003`` say what to fix.
    """
    return not check_models()


def check_models(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Report model settings that are missing, malformed, uninstalled or of the wrong class."""
    errors: list[checks.CheckMessage] = []
    models_app = models_app_error()
    if models_app is not None and _shop_installed():
        errors.append(models_app)
    for spec in MODELS:
        name = spec.setting
        if not apps.is_installed(spec.app_name):
            continue
        try:
            value = get_model_string(name)
        except ImproperlyConfigured as exc:
            errors.append(
                checks.Error(
                    str(exc),
                    hint=(
                        f"Set SHOPKIT_{name} = 'yourapp.{spec.default_name}' or "
                        "SHOPKIT_MODELS_APP = 'yourapp'; 'manage.py shopkit_startapp' writes such "
                        "an app."
                    ),
                    id="shopkit.E001",
                )
            )
            continue
        try:
            model = get_model(name)
        except ImproperlyConfigured as exc:
            label = value.split(".")[0]
            if models_app is not None and getattr(settings, f"SHOPKIT_{name}", None) is None:
                continue  # derived from the unknown SHOPKIT_MODELS_APP, reported once above
            if label in _installed_labels():
                message, hint = str(exc), _unknown_model_hint(name, value)
            else:
                message, hint = _unknown_label_message(f"SHOPKIT_{name}", value, label)
            errors.append(checks.Error(message, hint=hint, id="shopkit.E002"))
            continue
        base = import_string(spec.abstract_path)
        if not issubclass(model, base):
            errors.append(
                checks.Error(
                    f"SHOPKIT_{name} refers to {value!r}, which does not subclass "
                    f"{base.__module__}.{base.__qualname__}.",
                    hint=f"Make {model.__name__} inherit from {base.__qualname__}.",
                    obj=model,
                    id="shopkit.E003",
                )
            )
    return errors


class ModelSettingsAdminMixin:
    """Run a ModelAdmin's checks only once the shopkit model settings resolve.

    A relation to a model that is not installed (a mistyped ``SHOPKIT_MODELS_APP``, say) makes
    Django's admin checks crash with an ``AttributeError`` before ``shopkit.E002`` is printed;
    skipping them leaves the shopkit error, which names the fix, as the report.
    """

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        """Return the admin's own check messages, or none while the model settings are wrong."""
        if not model_settings_are_valid():
            return []
        messages: list[checks.CheckMessage] = super().check(**kwargs)  # type: ignore[misc]
        return messages
