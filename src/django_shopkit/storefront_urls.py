"""The whole HTML storefront in one include.

Mount it with ``path("", include("django_shopkit.storefront_urls"))``.
"""

from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("django_shopkit.catalog.storefront_urls")),
]
