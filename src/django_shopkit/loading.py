"""Find the host project's concrete models and the configured service classes.

The library ships abstract models only. These helpers, modelled on
``django.contrib.auth.get_user_model``, return the concrete model a project names in its
``SHOPKIT_<NAME>_MODEL`` setting (or derives from ``SHOPKIT_MODELS_APP``). Call them at run time
(in ``get_queryset()``, in a function body), never at import time of a module that the host's
``models.py`` imports.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from django.apps import apps as django_apps
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils.module_loading import import_string

from django_shopkit.conf import MODEL_SETTINGS, settings

if TYPE_CHECKING:
    from django_shopkit.catalog.abstract_models import (
        AbstractCategory,
        AbstractDiscount,
        AbstractProduct,
        AbstractReview,
        AbstractTag,
    )
    from django_shopkit.orders.abstract_models import (
        AbstractAddress,
        AbstractCart,
        AbstractCartItem,
        AbstractOrder,
        AbstractOrderItem,
        AbstractPayment,
        AbstractPaymentEvent,
        AbstractRefund,
    )

__all__ = [
    "get_address_model",
    "get_address_model_string",
    "get_cart_item_model",
    "get_cart_item_model_string",
    "get_cart_model",
    "get_cart_model_string",
    "get_category_model",
    "get_category_model_string",
    "get_class",
    "get_discount_model",
    "get_discount_model_string",
    "get_model_string",
    "get_order_item_model",
    "get_order_item_model_string",
    "get_order_model",
    "get_order_model_string",
    "get_payment_event_model",
    "get_payment_event_model_string",
    "get_payment_model",
    "get_payment_model_string",
    "get_product_model",
    "get_product_model_string",
    "get_refund_model",
    "get_refund_model_string",
    "get_review_model",
    "get_review_model_string",
    "get_tag_model",
    "get_tag_model_string",
    "relation_target",
]


def get_model_string(setting: str) -> str:
    """Return the ``"app_label.ModelName"`` named by a model setting such as ``PRODUCT_MODEL``.

    An unset setting falls back to ``SHOPKIT_MODELS_APP`` plus the default class name. The
    value is checked for shape only; :func:`get_model` checks that the model is installed.
    """
    if setting not in MODEL_SETTINGS:
        raise ValueError(f"Unknown shopkit model setting {setting!r}.")
    default_name = MODEL_SETTINGS[setting].default_name
    full_name = f"SHOPKIT_{setting}"
    value = getattr(settings, full_name, None)
    if value is None:
        app_label = getattr(settings, "SHOPKIT_MODELS_APP", None)
        if not app_label:
            raise ImproperlyConfigured(
                f"{full_name} is not set. Set it to the host app's concrete model, e.g. "
                f"'shop.{default_name}', or set SHOPKIT_MODELS_APP to the app "
                "label that holds every shopkit model."
            )
        if not isinstance(app_label, str) or "." in app_label:
            raise ImproperlyConfigured(
                f"SHOPKIT_MODELS_APP must be an app label such as 'shop', not {app_label!r}."
            )
        value = f"{app_label}.{default_name}"
    if not isinstance(value, str) or value.count(".") != 1 or not all(value.split(".")):
        raise ImproperlyConfigured(
            f"{full_name} must be of the form 'app_label.ModelName', not {value!r}."
        )
    return value


def get_model(setting: str) -> type[models.Model]:
    """Return the installed model class named by a model setting such as ``PRODUCT_MODEL``."""
    value = get_model_string(setting)
    try:
        return django_apps.get_model(value, require_ready=False)
    except LookupError:
        raise ImproperlyConfigured(
            f"SHOPKIT_{setting} refers to model {value!r} that has not been installed."
        ) from None


def relation_target(setting: str) -> str:
    """Return the model a shopkit abstract model's relation points at, without raising.

    The abstract models are imported at start-up (the admin's autodiscovery reaches them) even
    before the project names its models, e.g. when ``shopkit_startapp`` is about to write them.
    An unset or malformed setting gives a placeholder that no installed app defines; the
    ``shopkit.E001`` check reports the setting, and a concrete model cannot relate to it.
    """
    try:
        return get_model_string(setting)
    except ImproperlyConfigured:
        return f"shopkit.Unconfigured{MODEL_SETTINGS[setting].default_name}"


# One typed pair per model, so callers get precise types and hosts a discoverable API.


def get_category_model_string() -> str:
    """Return the ``"app_label.ModelName"`` of the project's Category model."""
    return get_model_string("CATEGORY_MODEL")


def get_category_model() -> type[AbstractCategory]:
    """Return the Category model that is active in this project."""
    return get_model("CATEGORY_MODEL")  # type: ignore[return-value]  # checked by shopkit.E003


def get_tag_model_string() -> str:
    """Return the ``"app_label.ModelName"`` of the project's Tag model."""
    return get_model_string("TAG_MODEL")


def get_tag_model() -> type[AbstractTag]:
    """Return the Tag model that is active in this project."""
    return get_model("TAG_MODEL")  # type: ignore[return-value]  # checked by shopkit.E003


def get_product_model_string() -> str:
    """Return the ``"app_label.ModelName"`` of the project's Product model."""
    return get_model_string("PRODUCT_MODEL")


def get_product_model() -> type[AbstractProduct]:
    """Return the Product model that is active in this project."""
    return get_model("PRODUCT_MODEL")  # type: ignore[return-value]  # checked by shopkit.E003


def get_review_model_string() -> str:
    """Return the ``"app_label.ModelName"`` of the project's Review model."""
    return get_model_string("REVIEW_MODEL")


def get_review_model() -> type[AbstractReview]:
    """Return the Review model that is active in this project."""
    return get_model("REVIEW_MODEL")  # type: ignore[return-value]  # checked by shopkit.E003


def get_discount_model_string() -> str:
    """Return the ``"app_label.ModelName"`` of the project's Discount model."""
    return get_model_string("DISCOUNT_MODEL")


def get_discount_model() -> type[AbstractDiscount]:
    """Return the Discount model that is active in this project."""
    return get_model("DISCOUNT_MODEL")  # type: ignore[return-value]  # checked by shopkit.E003


def get_cart_model_string() -> str:
    """Return the ``"app_label.ModelName"`` of the project's Cart model."""
    return get_model_string("CART_MODEL")


def get_cart_model() -> type[AbstractCart]:
    """Return the Cart model that is active in this project."""
    return get_model("CART_MODEL")  # type: ignore[return-value]  # checked by shopkit.E003


def get_cart_item_model_string() -> str:
    """Return the ``"app_label.ModelName"`` of the project's CartItem model."""
    return get_model_string("CART_ITEM_MODEL")


def get_cart_item_model() -> type[AbstractCartItem]:
    """Return the CartItem model that is active in this project."""
    return get_model("CART_ITEM_MODEL")  # type: ignore[return-value]  # checked by shopkit.E003


def get_order_model_string() -> str:
    """Return the ``"app_label.ModelName"`` of the project's Order model."""
    return get_model_string("ORDER_MODEL")


def get_order_model() -> type[AbstractOrder]:
    """Return the Order model that is active in this project."""
    return get_model("ORDER_MODEL")  # type: ignore[return-value]  # checked by shopkit.E003


def get_order_item_model_string() -> str:
    """Return the ``"app_label.ModelName"`` of the project's OrderItem model."""
    return get_model_string("ORDER_ITEM_MODEL")


def get_order_item_model() -> type[AbstractOrderItem]:
    """Return the OrderItem model that is active in this project."""
    return get_model("ORDER_ITEM_MODEL")  # type: ignore[return-value]  # checked by shopkit.E003


def get_payment_model_string() -> str:
    """Return the ``"app_label.ModelName"`` of the project's Payment model."""
    return get_model_string("PAYMENT_MODEL")


def get_payment_model() -> type[AbstractPayment]:
    """Return the Payment model that is active in this project."""
    return get_model("PAYMENT_MODEL")  # type: ignore[return-value]  # checked by shopkit.E003


def get_refund_model_string() -> str:
    """Return the ``"app_label.ModelName"`` of the project's Refund model."""
    return get_model_string("REFUND_MODEL")


def get_refund_model() -> type[AbstractRefund]:
    """Return the Refund model that is active in this project."""
    return get_model("REFUND_MODEL")  # type: ignore[return-value]  # checked by shopkit.E003


def get_payment_event_model_string() -> str:
    """Return the ``"app_label.ModelName"`` of the project's PaymentEvent model."""
    return get_model_string("PAYMENT_EVENT_MODEL")


def get_payment_event_model() -> type[AbstractPaymentEvent]:
    """Return the PaymentEvent model that is active in this project."""
    return get_model("PAYMENT_EVENT_MODEL")  # type: ignore[return-value]  # checked by E003


def get_address_model_string() -> str:
    """Return the ``"app_label.ModelName"`` of the project's Address model."""
    return get_model_string("ADDRESS_MODEL")


def get_address_model() -> type[AbstractAddress]:
    """Return the Address model that is active in this project."""
    return get_model("ADDRESS_MODEL")  # type: ignore[return-value]  # checked by shopkit.E003


@functools.cache
def get_class(setting: str) -> Any:
    """Import and return the class named by a dotted-path setting such as ``ORDER_SERVICE``.

    The import happens once per setting value; ``override_settings`` clears the cache.
    """
    full_name = f"SHOPKIT_{setting}"
    path = getattr(settings, full_name)
    try:
        return import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"{full_name} = {path!r} cannot be imported: {exc}") from exc


@receiver(setting_changed)
def _clear_class_cache(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("SHOPKIT_"):
        get_class.cache_clear()
