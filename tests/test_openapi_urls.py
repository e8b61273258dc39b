"""``django_shopkit.openapi_urls`` says what is missing instead of serving an empty schema.

The working include (schema and Swagger UI in a new project) is tested by the quick start
(``tests/test_quickstart.py``).
"""

import importlib
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured


def test_include_without_drf_spectacular_installed_names_the_app(monkeypatch):
    # tests.settings does not install drf_spectacular (the package is importable).
    monkeypatch.delitem(sys.modules, "django_shopkit.openapi_urls", raising=False)
    with pytest.raises(ImproperlyConfigured, match='needs "drf_spectacular" in INSTALLED_APPS'):
        importlib.import_module("django_shopkit.openapi_urls")
