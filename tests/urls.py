from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("django_shopkit.urls")),
    path("", include("django_shopkit.storefront_urls")),
]
