"""The behavioural host mounts the API exactly as docs/extending-catalog.rst shows."""

from django.contrib import admin
from django.urls import include, path

from django_shopkit.urls import api_urlpatterns
from tests.behaveshop.views import BehaveProductViewSet

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(api_urlpatterns({"shopkit-product": BehaveProductViewSet}))),
    path("", include("django_shopkit.storefront_urls")),
]
