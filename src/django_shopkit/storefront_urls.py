"""The whole HTML storefront in one include.

Mount it with ``path("", include("django_shopkit.storefront_urls"))``.
"""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
