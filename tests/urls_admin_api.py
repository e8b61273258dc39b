"""URLconf with the shopkit API and an admin site holding the catalog ModelAdmins."""

from django.urls import include, path

from tests.catalog.urls_admin import site

urlpatterns = [
    path("admin/", site.urls),
    path("api/", include("django_shopkit.urls")),
]
