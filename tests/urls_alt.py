"""Mount points differ from tests/urls.py so no test can rely on a hard-coded path."""

from django.urls import include, path

urlpatterns = [
    path("store/api/v1/", include("django_shopkit.urls")),
    path("store/", include("django_shopkit.storefront_urls")),
]
