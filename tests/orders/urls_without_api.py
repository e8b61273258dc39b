"""A URLconf with the storefront but not the API (so no payment webhook)."""

from django.urls import include, path

urlpatterns = [path("", include("django_shopkit.storefront_urls"))]
