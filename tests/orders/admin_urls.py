"""An admin site with the orders ModelAdmins, for the admin tests (``pytest.mark.urls``)."""

from django.contrib.admin import AdminSite
from django.urls import path

from django_shopkit.orders.admin import register_orders_admin

site = AdminSite(name="admin")
register_orders_admin(site)

urlpatterns = [path("admin/", site.urls)]
