"""The whole HTML storefront in one include: ``path("", include("django_shopkit.storefront_urls"))``."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
