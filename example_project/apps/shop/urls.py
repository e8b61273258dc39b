"""The shop's API: shopkit's whole API with the product ViewSet replaced by the shop's.

``config.urls`` mounts this at ``api/`` instead of ``django_shopkit.urls``. Shopkit builds the
patterns with the shop's ViewSet under the same basename, so every other endpoint, the API root
and every URL name (``shopkit-product-list`` ...) stay exactly as shopkit defines them.
"""

from django_shopkit.urls import api_urlpatterns

from .api import ShopProductViewSet

urlpatterns = api_urlpatterns({"shopkit-product": ShopProductViewSet})
