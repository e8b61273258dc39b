"""URLconf for the admin tests: an admin site with the shopkit catalog ModelAdmins."""

from django.contrib.admin import AdminSite
from django.urls import path

from django_shopkit.catalog.admin import register_catalog_admin

site = AdminSite(name="admin")
register_catalog_admin(site)

urlpatterns = [path("admin/", site.urls)]
