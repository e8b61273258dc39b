"""System checks for the shopkit settings and the host's concrete models.

Ids:

* ``shopkit.E001``: a model setting is missing or not of the form ``app_label.ModelName``.
* ``shopkit.E002``: a model setting names a model that is not installed.
* ``shopkit.E003``: a configured model does not subclass its shopkit abstract base.
* ``shopkit.E004``: a ``SHOPKIT_*`` setting has the wrong type.
* ``shopkit.E005``: a class-path setting cannot be imported.
"""

from __future__ import annotations

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


def check_models(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Report model settings that are missing, malformed, uninstalled or of the wrong class."""
    errors: list[checks.CheckMessage] = []
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
            errors.append(
                checks.Error(
                    str(exc),
                    hint=f"Add the app that defines {value!r} to INSTALLED_APPS.",
                    id="shopkit.E002",
                )
            )
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
