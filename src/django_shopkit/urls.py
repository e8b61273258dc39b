"""The whole shopkit API in one include: ``path("api/", include("django_shopkit.urls"))``.

The routers of the installed shopkit apps are merged into one ``DefaultRouter`` so the API root
lists every endpoint. Hosts that mount only part use ``django_shopkit.catalog.urls`` or
``django_shopkit.orders.urls`` instead.
"""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import DefaultRouter

router = DefaultRouter()

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
