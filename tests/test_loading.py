"""The model loading helpers and ``get_class``, under whichever host configuration is active."""

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils.module_loading import import_string

from django_shopkit import loading
from django_shopkit.catalog.services import CatalogService
from django_shopkit.conf import MODEL_SETTINGS, settings

#: Setting suffix -> the public helper name, e.g. "CART_ITEM_MODEL" -> "cart_item".
HELPERS = {name: name.removesuffix("_MODEL").lower() for name in MODEL_SETTINGS}


class SpecialCatalogService(CatalogService):
    """A host's replacement service, named by SHOPKIT_CATALOG_SERVICE in a test."""


def test_every_model_setting_has_a_public_pair_of_helpers():
    for helper in HELPERS.values():
        assert f"get_{helper}_model" in loading.__all__
        assert f"get_{helper}_model_string" in loading.__all__


@pytest.mark.parametrize("setting", list(MODEL_SETTINGS))
def test_get_model_returns_the_configured_model(setting):
    helper = HELPERS[setting]
    model = getattr(loading, f"get_{helper}_model")()
    model_string = getattr(loading, f"get_{helper}_model_string")()

    # The configured string is the explicit setting, or SHOPKIT_MODELS_APP + default class name.
    explicit = getattr(settings, f"SHOPKIT_{setting}")
    default_name = MODEL_SETTINGS[setting].default_name
    expected = explicit or f"{settings.SHOPKIT_MODELS_APP}.{default_name}"
    assert model_string == expected
    assert model is apps.get_model(expected)
    assert model._meta.label == model_string
    assert issubclass(model, import_string(MODEL_SETTINGS[setting].abstract_path))
    assert not model._meta.abstract


@pytest.mark.parametrize("setting", list(MODEL_SETTINGS))
def test_missing_model_setting_names_the_setting(setting):
    helper = HELPERS[setting]
    with (
        override_settings(SHOPKIT_MODELS_APP=None, **{f"SHOPKIT_{setting}": None}),
        pytest.raises(ImproperlyConfigured) as excinfo,
    ):
        getattr(loading, f"get_{helper}_model")()
    message = str(excinfo.value)
    assert f"SHOPKIT_{setting} is not set" in message
    assert "SHOPKIT_MODELS_APP" in message


@pytest.mark.parametrize("value", ["Product", "a.b.Product", ".Product", "shop.", 42])
def test_malformed_model_setting_names_the_setting_and_the_value(value):
    with override_settings(SHOPKIT_PRODUCT_MODEL=value):
        with pytest.raises(ImproperlyConfigured) as excinfo:
            loading.get_product_model_string()
        with pytest.raises(ImproperlyConfigured):
            loading.get_product_model()
    message = str(excinfo.value)
    assert "SHOPKIT_PRODUCT_MODEL" in message
    assert repr(value) in message
    assert "'app_label.ModelName'" in message


def test_uninstalled_model_names_the_setting_and_the_value():
    with override_settings(SHOPKIT_PRODUCT_MODEL="nope.Product"):
        assert loading.get_product_model_string() == "nope.Product"
        with pytest.raises(ImproperlyConfigured) as excinfo:
            loading.get_product_model()
    assert str(excinfo.value) == (
        "SHOPKIT_PRODUCT_MODEL refers to model 'nope.Product' that has not been installed."
    )


def test_installed_app_without_that_model_is_uninstalled_model():
    app_label = loading.get_product_model()._meta.app_label
    with (
        override_settings(SHOPKIT_PRODUCT_MODEL=f"{app_label}.NoSuchModel"),
        pytest.raises(ImproperlyConfigured, match="has not been installed"),
    ):
        loading.get_product_model()


def test_models_app_derives_every_unset_model_setting():
    unset = {f"SHOPKIT_{name}": None for name in MODEL_SETTINGS}
    with override_settings(SHOPKIT_MODELS_APP="myshop", **unset):
        for setting, model in MODEL_SETTINGS.items():
            helper = HELPERS[setting]
            expected = f"myshop.{model.default_name}"
            assert getattr(loading, f"get_{helper}_model_string")() == expected


def test_explicit_model_setting_wins_over_models_app():
    tag_label = loading.get_tag_model()._meta.label
    unset = {f"SHOPKIT_{name}": None for name in MODEL_SETTINGS}
    with override_settings(
        **{**unset, "SHOPKIT_MODELS_APP": "myshop", "SHOPKIT_TAG_MODEL": tag_label}
    ):
        assert loading.get_tag_model_string() == tag_label
        assert loading.get_category_model_string() == "myshop.Category"


@pytest.mark.parametrize("app_label", ["shop.models", ""])
def test_malformed_models_app_is_reported(app_label):
    unset = {f"SHOPKIT_{name}": None for name in MODEL_SETTINGS}
    with (
        override_settings(SHOPKIT_MODELS_APP=app_label, **unset),
        pytest.raises(ImproperlyConfigured) as excinfo,
    ):
        loading.get_order_model_string()
    if app_label:
        assert "SHOPKIT_MODELS_APP must be an app label" in str(excinfo.value)
        assert repr(app_label) in str(excinfo.value)
    else:
        # An empty label counts as unset.
        assert "SHOPKIT_ORDER_MODEL is not set" in str(excinfo.value)


def test_unknown_model_setting_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown shopkit model setting 'WIDGET_MODEL'"):
        loading.get_model_string("WIDGET_MODEL")


def test_get_class_imports_once_and_caches():
    loading.get_class.cache_clear()
    assert loading.get_class("CATALOG_SERVICE") is CatalogService
    assert loading.get_class("CATALOG_SERVICE") is CatalogService
    info = loading.get_class.cache_info()
    assert (info.misses, info.hits) == (1, 1)


def test_override_settings_clears_the_class_cache():
    assert loading.get_class("CATALOG_SERVICE") is CatalogService
    path = f"{__name__}.SpecialCatalogService"
    with override_settings(SHOPKIT_CATALOG_SERVICE=path):
        assert loading.get_class("CATALOG_SERVICE") is SpecialCatalogService
    assert loading.get_class("CATALOG_SERVICE") is CatalogService


def test_get_class_with_bad_path_names_the_setting_and_the_value():
    with (
        override_settings(SHOPKIT_CATALOG_SERVICE="nope.services.Missing"),
        pytest.raises(ImproperlyConfigured) as excinfo,
    ):
        loading.get_class("CATALOG_SERVICE")
    assert str(excinfo.value).startswith(
        "SHOPKIT_CATALOG_SERVICE = 'nope.services.Missing' cannot be imported"
    )
