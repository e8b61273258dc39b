"""The shop's API: shopkit's whole API with the product ViewSet replaced by the shop's.

``config.urls`` mounts this at ``api/`` instead of ``django_shopkit.urls``. The router is
rebuilt from shopkit's registry, so every other endpoint, the API root and every URL name
(``shopkit-product-list`` ...) stay exactly as shopkit defines them.
"""

from rest_framework.routers import DefaultRouter

from django_shopkit import urls as shopkit_urls

from .api import ShopProductViewSet

#: Basename -> the ViewSet that replaces shopkit's.
OVERRIDES = {"shopkit-product": ShopProductViewSet}

router = DefaultRouter()
for prefix, viewset, basename in shopkit_urls.router.registry:
    router.register(prefix, OVERRIDES.get(basename, viewset), basename=basename)

# Shopkit's plain (non-router) API views, such as the cart and checkout, come first, as in
# django_shopkit.urls; the router's own patterns follow.
_router_names = {pattern.name for pattern in shopkit_urls.router.urls}
urlpatterns = [
    *(p for p in shopkit_urls.urlpatterns if getattr(p, "name", None) not in _router_names),
    *router.urls,
]
