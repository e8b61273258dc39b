"""The whole shopkit API in one include: ``path("api/", include("django_shopkit.urls"))``.

The routers of the installed shopkit apps are merged into one ``DefaultRouter`` so the API root
lists every endpoint. Hosts that mount only part use ``django_shopkit.catalog.urls`` or
``django_shopkit.orders.urls`` instead; hosts that replace a ViewSet call
:func:`api_urlpatterns`.
"""

from collections.abc import Mapping
from typing import Any

from django.apps import apps
from django.urls import URLPattern, URLResolver
from rest_framework.routers import DefaultRouter
from rest_framework.viewsets import ViewSetMixin

from django_shopkit.catalog.urls import router as catalog_router

__all__ = ["api_urlpatterns", "router", "urlpatterns"]

#: ``(prefix, ViewSet, basename)`` of every installed shopkit ViewSet, in API root order.
_registry = list(catalog_router.registry)
#: The API views outside the routers (cart, checkout); they come before the router's patterns.
_plain_urlpatterns: list[URLPattern | URLResolver] = []

if apps.is_installed("django_shopkit.orders"):
    from django_shopkit.orders import urls as orders_urls

    # Its plain patterns include products/{id}/purchase/, so no product ViewSet carries it.
    _registry += orders_urls.router.registry
    _plain_urlpatterns += orders_urls.extra_urlpatterns


class _ShopkitRouter(DefaultRouter):
    """A ``DefaultRouter`` whose API root also links the plain views (cart, checkout)."""

    def get_api_root_view(self, api_urls: Any = None) -> Any:
        """Return the API root view listing every ViewSet's list route and each plain view."""
        list_name = self.routes[0].name
        api_root_dict = {
            prefix: list_name.format(basename=basename) for prefix, _, basename in self.registry
        }
        for pattern in _plain_urlpatterns:
            if isinstance(pattern, URLPattern) and pattern.name:
                api_root_dict[str(pattern.pattern).rstrip("/")] = pattern.name
        return self.APIRootView.as_view(api_root_dict=api_root_dict)


def _build_router(viewsets: Mapping[str, type[ViewSetMixin]]) -> DefaultRouter:
    """Return a router of every shopkit ViewSet, those in ``viewsets`` replaced by basename."""
    new_router = _ShopkitRouter()
    for prefix, viewset, basename in _registry:
        new_router.register(prefix, viewsets.get(basename, viewset), basename=basename)
    return new_router


def api_urlpatterns(
    viewsets: Mapping[str, type[ViewSetMixin]] | None = None,
) -> list[URLPattern | URLResolver]:
    """Return the whole API's URL patterns with the ViewSets in ``viewsets`` swapped in.

    ``viewsets`` maps a basename, such as ``"shopkit-product"``, to the ViewSet registered in
    its place; every path, URL name and the API root stay as shopkit defines them, and
    ``products/{id}/purchase/`` (an orders app route, not a ViewSet action) stays too.
    """
    unknown = set(viewsets or ()) - {basename for _, _, basename in _registry}
    if unknown:
        raise ValueError(f"No shopkit ViewSet is registered under {sorted(unknown)}.")
    return [*_plain_urlpatterns, *_build_router(viewsets or {}).urls]


router = _build_router({})
urlpatterns: list[URLPattern | URLResolver] = [*_plain_urlpatterns, *router.urls]
