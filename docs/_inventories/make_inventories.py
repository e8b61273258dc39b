"""Write the small offline intersphinx inventories for Django, DRF, django-filter and Python.

The docs build must pass with ``-W`` on a machine without internet access, where fetching
Django's ``objects.inv`` fails (a warning, hence an error). ``docs/conf.py`` lists these files
as a fallback after the real inventory, so online builds use Django's full inventory and
offline builds resolve the references the docs actually make. DRF publishes no Sphinx
inventory at all; its entries here point at the pages of https://www.django-rest-framework.org/.

Run ``python docs/_inventories/make_inventories.py`` after adding an entry.
"""

from __future__ import annotations

import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (name, domain:role, uri relative to the project's docs root, display name or "-")
DJANGO = [
    ("INSTALLED_APPS", "std:setting", "ref/settings/#std-setting-INSTALLED_APPS", "-"),
    ("MIDDLEWARE", "std:setting", "ref/settings/#std-setting-MIDDLEWARE", "-"),
    ("CACHES", "std:setting", "ref/settings/#std-setting-CACHES", "-"),
    ("DATABASES", "std:setting", "ref/settings/#std-setting-DATABASES", "-"),
    ("AUTH_USER_MODEL", "std:setting", "ref/settings/#std-setting-AUTH_USER_MODEL", "-"),
    ("DEFAULT_FROM_EMAIL", "std:setting", "ref/settings/#std-setting-DEFAULT_FROM_EMAIL", "-"),
    ("ROOT_URLCONF", "std:setting", "ref/settings/#std-setting-ROOT_URLCONF", "-"),
    ("LOGGING", "std:setting", "ref/settings/#std-setting-LOGGING", "-"),
    ("TEMPLATES", "std:setting", "ref/settings/#std-setting-TEMPLATES", "-"),
    ("USE_TZ", "std:setting", "ref/settings/#std-setting-USE_TZ", "-"),
    ("topics/checks", "std:doc", "topics/checks/", "System check framework"),
    ("ref/checks", "std:doc", "ref/checks/", "System check framework"),
    ("ref/settings", "std:doc", "ref/settings/", "Settings"),
    ("topics/cache", "std:doc", "topics/cache/", "Django's cache framework"),
    ("topics/testing/index", "std:doc", "topics/testing/", "Testing in Django"),
    (
        "howto/custom-management-commands",
        "std:doc",
        "howto/custom-management-commands/",
        "How to create custom django-admin commands",
    ),
    ("django.core.exceptions.ImproperlyConfigured", "py:exception", "ref/exceptions/#$", "-"),
    ("django.contrib.auth.get_user_model", "py:function", "topics/auth/customizing/#$", "-"),
    ("django.test.override_settings", "py:function", "topics/testing/tools/#$", "-"),
    ("django.urls.include", "py:function", "ref/urls/#$", "-"),
    ("django.urls.path", "py:function", "ref/urls/#$", "-"),
    ("django.urls.reverse", "py:function", "ref/urlresolvers/#$", "-"),
    ("django.db.models.Model", "py:class", "ref/models/instances/#$", "-"),
    ("django.db.models.QuerySet", "py:class", "ref/models/querysets/#$", "-"),
    ("django.db.transaction.on_commit", "py:function", "topics/db/transactions/#$", "-"),
    ("django.views.decorators.cache.cache_page", "py:function", "topics/cache/#$", "-"),
    ("django.core.checks.Error", "py:class", "ref/checks/#$", "-"),
    ("django.core.checks.Warning", "py:class", "ref/checks/#$", "-"),
    ("LOGIN_URL", "std:setting", "ref/settings/#std-setting-LOGIN_URL", "-"),
    ("topics/signals", "std:doc", "topics/signals/", "Signals"),
    ("django.dispatch.Signal.send_robust", "py:method", "topics/signals/#$", "-"),
    ("django.core.exceptions.MiddlewareNotUsed", "py:exception", "ref/exceptions/#$", "-"),
    ("django.http.HttpRequest", "py:class", "ref/request-response/#$", "-"),
    ("django.http.HttpResponseBase", "py:class", "ref/request-response/#$", "-"),
    # Named by type hints and bases (docs/conf.py maps defining modules to these names).
    ("django.core.checks.CheckMessage", "py:class", "ref/checks/#$", "-"),
    ("django.core.paginator.Paginator", "py:class", "ref/paginator/#$", "-"),
    ("django.db.models.Manager", "py:class", "topics/db/managers/#$", "-"),
    ("django.db.models.Prefetch", "py:class", "ref/models/querysets/#$", "-"),
    ("django.db.models.Q", "py:class", "ref/models/querysets/#$", "-"),
    # Classes Django documents in prose only: conf.py's PROSE_NAMES resolves them to these.
    (
        "field-choices-enum-types",
        "std:label",
        "ref/models/fields/#field-choices-enum-types",
        "Enumeration types",
    ),
    (
        "cache-basic-interface",
        "std:label",
        "topics/cache/#cache-basic-interface",
        "Basic usage",
    ),
    ("redis", "std:label", "topics/cache/#redis", "Redis"),
]

PYTHON = [
    ("abc.ABC", "py:class", "library/abc.html#$", "-"),
    ("collections.abc.Callable", "py:class", "library/collections.abc.html#$", "-"),
    ("collections.abc.Iterable", "py:class", "library/collections.abc.html#$", "-"),
    ("collections.abc.Mapping", "py:class", "library/collections.abc.html#$", "-"),
    ("collections.abc.Sequence", "py:class", "library/collections.abc.html#$", "-"),
    ("enum.StrEnum", "py:class", "library/enum.html#$", "-"),
    ("typing.Any", "py:data", "library/typing.html#$", "-"),
    ("type", "py:class", "library/functions.html#$", "-"),
    ("datetime.datetime", "py:class", "library/datetime.html#$", "-"),
    ("datetime.timedelta", "py:class", "library/datetime.html#$", "-"),
    ("decimal.Decimal", "py:class", "library/decimal.html#$", "-"),
    ("logging.LogRecord", "py:class", "library/logging.html#$", "-"),
]

DRF = [
    ("api-guide/viewsets", "std:doc", "api-guide/viewsets/", "Viewsets"),
    ("api-guide/routers", "std:doc", "api-guide/routers/", "Routers"),
    ("api-guide/serializers", "std:doc", "api-guide/serializers/", "Serializers"),
    ("api-guide/permissions", "std:doc", "api-guide/permissions/", "Permissions"),
    ("api-guide/pagination", "std:doc", "api-guide/pagination/", "Pagination"),
    ("api-guide/filtering", "std:doc", "api-guide/filtering/", "Filtering"),
    ("api-guide/settings", "std:doc", "api-guide/settings/", "Settings"),
    ("api-guide/exceptions", "std:doc", "api-guide/exceptions/", "Exceptions"),
    ("rest_framework.viewsets.ModelViewSet", "py:class", "api-guide/viewsets/#modelviewset", "-"),
    (
        "rest_framework.viewsets.GenericViewSet",
        "py:class",
        "api-guide/viewsets/#genericviewset",
        "-",
    ),
    (
        "rest_framework.viewsets.ReadOnlyModelViewSet",
        "py:class",
        "api-guide/viewsets/#readonlymodelviewset",
        "-",
    ),
    ("rest_framework.routers.DefaultRouter", "py:class", "api-guide/routers/#defaultrouter", "-"),
    ("rest_framework.routers.SimpleRouter", "py:class", "api-guide/routers/#simplerouter", "-"),
    (
        "rest_framework.serializers.ModelSerializer",
        "py:class",
        "api-guide/serializers/#modelserializer",
        "-",
    ),
    (
        "rest_framework.serializers.Serializer",
        "py:class",
        "api-guide/serializers/#serializers",
        "-",
    ),
    (
        "rest_framework.permissions.BasePermission",
        "py:class",
        "api-guide/permissions/#custom-permissions",
        "-",
    ),
    (
        "rest_framework.pagination.PageNumberPagination",
        "py:class",
        "api-guide/pagination/#pagenumberpagination",
        "-",
    ),
    (
        "rest_framework.generics.GenericAPIView",
        "py:class",
        "api-guide/generic-views/#genericapiview",
        "-",
    ),
    (
        "rest_framework.exceptions.ValidationError",
        "py:exception",
        "api-guide/exceptions/#validationerror",
        "-",
    ),
    # Named by the type hints and bases of shopkit's views, serializers and filters.
    ("rest_framework.request.Request", "py:class", "api-guide/requests/", "-"),
    ("rest_framework.response.Response", "py:class", "api-guide/responses/", "-"),
    ("rest_framework.views.APIView", "py:class", "api-guide/views/#class-based-views", "-"),
    (
        "rest_framework.serializers.BaseSerializer",
        "py:class",
        "api-guide/serializers/#baseserializer",
        "-",
    ),
    (
        "rest_framework.exceptions.APIException",
        "py:exception",
        "api-guide/exceptions/#apiexception",
        "-",
    ),
    (
        "rest_framework.pagination.CursorPagination",
        "py:class",
        "api-guide/pagination/#cursorpagination",
        "-",
    ),
    ("rest_framework.fields.ReadOnlyField", "py:class", "api-guide/fields/#readonlyfield", "-"),
    ("rest_framework.fields.CharField", "py:class", "api-guide/fields/#charfield", "-"),
    (
        "rest_framework.filters.OrderingFilter",
        "py:class",
        "api-guide/filtering/#orderingfilter",
        "-",
    ),
    (
        "rest_framework.permissions.IsAuthenticatedOrReadOnly",
        "py:class",
        "api-guide/permissions/#isauthenticatedorreadonly",
        "-",
    ),
    ("rest_framework.parsers.JSONParser", "py:class", "api-guide/parsers/#jsonparser", "-"),
    ("rest_framework.parsers.BaseParser", "py:class", "api-guide/parsers/#custom-parsers", "-"),
    ("rest_framework.fields.Field", "py:class", "api-guide/fields/#custom-fields", "-"),
    (
        "rest_framework.throttling.BaseThrottle",
        "py:class",
        "api-guide/throttling/#custom-throttles",
        "-",
    ),
    (
        "rest_framework.throttling.ScopedRateThrottle",
        "py:class",
        "api-guide/throttling/#scopedratethrottle",
        "-",
    ),
]

# django-filter documents its classes in prose and its inventory lists none of them: like
# DRF's, its entries come from this file only.
DJANGO_FILTER = [
    ("django_filters.FilterSet", "py:class", "ref/filterset.html", "-"),
    (
        "django_filters.rest_framework.DjangoFilterBackend",
        "py:class",
        "guide/rest_framework.html",
        "-",
    ),
]


def write(path: Path, project: str, version: str, entries: list[tuple[str, str, str, str]]) -> None:
    """Write a Sphinx inventory (format 2) holding ``entries``."""
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n"
        f"# Version: {version}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    body = "".join(
        f"{name} {role} {1 if role.startswith('py:') else -1} {uri} {display}\n"
        for name, role, uri, display in entries
    )
    path.write_bytes(header.encode() + zlib.compress(body.encode(), 9))


if __name__ == "__main__":
    write(HERE / "django.inv", "Django", "stable", DJANGO)
    write(HERE / "drf.inv", "Django REST framework", "3", DRF)
    write(HERE / "python.inv", "Python", "3", PYTHON)
    write(HERE / "django-filter.inv", "django-filter", "stable", DJANGO_FILTER)
    print(f"wrote the inventories in {HERE}")
