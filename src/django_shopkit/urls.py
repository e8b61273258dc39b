"""The whole shopkit API in one include: ``path("api/", include("django_shopkit.urls"))``.

The routers of the installed shopkit apps are merged into one ``DefaultRouter`` so the API root
lists every endpoint. Hosts that mount only part use ``django_shopkit.catalog.urls`` or
``django_shopkit.orders.urls`` instead.
"""

from typing import Any

from django.apps import apps
from django.urls import URLPattern, URLResolver
from rest_framework.routers import DefaultRouter

from django_shopkit.catalog.urls import router as catalog_router

router = DefaultRouter()
urlpatterns: list[URLPattern | URLResolver] = []
# Basename -> ViewSet that replaces the catalog's one when another app extends it.
_replacements: dict[str, Any] = {}

if apps.is_installed("django_shopkit.orders"):
    from django_shopkit.orders.purchase import PurchaseProductViewSet
    from django_shopkit.orders.urls import extra_urlpatterns as orders_urlpatterns
    from django_shopkit.orders.urls import router as orders_router

    _replacements["shopkit-product"] = PurchaseProductViewSet
    urlpatterns += orders_urlpatterns

for prefix, viewset, basename in catalog_router.registry:
    router.register(prefix, _replacements.get(basename, viewset), basename=basename)
if apps.is_installed("django_shopkit.orders"):
    for prefix, viewset, basename in orders_router.registry:
        router.register(prefix, viewset, basename=basename)

urlpatterns += router.urls
