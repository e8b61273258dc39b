"""The OpenAPI schema and its Swagger UI: ``path("api/", include("django_shopkit.openapi_urls"))``.

Needs the ``openapi`` extra (drf-spectacular), ``"drf_spectacular"`` in ``INSTALLED_APPS`` and
``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = "drf_spectacular.openapi.AutoSchema"``; a project
that lacks one of them gets an ``ImproperlyConfigured`` naming it when the URLconf loads.

URL names: ``shopkit-schema`` (``schema/``, the OpenAPI 3 document, YAML or
``?format=json``) and ``shopkit-swagger-ui`` (``docs/``).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, URLResolver, path
from rest_framework.settings import api_settings

try:
    from drf_spectacular.openapi import AutoSchema
    from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
except ImportError as exc:  # pragma: no cover - the message is the point
    raise ImproperlyConfigured(
        "django_shopkit.openapi_urls needs drf-spectacular: "
        'python -m pip install "django-shopkit[openapi]".'
    ) from exc

__all__ = ["urlpatterns"]

if not apps.is_installed("drf_spectacular"):
    raise ImproperlyConfigured(
        'django_shopkit.openapi_urls needs "drf_spectacular" in INSTALLED_APPS (its Swagger UI '
        "template lives there)."
    )
# Without drf-spectacular's AutoSchema every view would be left out of the schema, silently.
_schema_class: Any = api_settings.DEFAULT_SCHEMA_CLASS  # the imported class, not its path
if not (isinstance(_schema_class, type) and issubclass(_schema_class, AutoSchema)):
    raise ImproperlyConfigured(
        "django_shopkit.openapi_urls needs REST_FRAMEWORK['DEFAULT_SCHEMA_CLASS'] = "
        "'drf_spectacular.openapi.AutoSchema'."
    )

urlpatterns: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="shopkit-schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="shopkit-schema"),
        name="shopkit-swagger-ui",
    ),
]
