"""The whole HTML storefront in one include.

Mount it with ``path("", include("django_shopkit.storefront_urls"))``.
"""

from django.apps import apps
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("django_shopkit.catalog.storefront_urls")),
]

if apps.is_installed("django_shopkit.orders"):
    urlpatterns.append(path("", include("django_shopkit.orders.storefront_urls")))
