"""Storefront (HTML) URLs of the catalog, namespace ``shopkit_catalog``.

The product list is cached for anonymous visitors only (see
:func:`~django_shopkit.catalog.page_cache.cache_anonymous_page`) for
``SHOPKIT_PAGE_CACHE_TIMEOUT`` seconds in ``SHOPKIT_CACHE_ALIAS``.
"""

from django.urls import URLPattern, URLResolver, path

from django_shopkit.catalog.page_cache import cache_anonymous_page
from django_shopkit.catalog.storefront import ProductDetailView, ProductListView

app_name = "shopkit_catalog"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", cache_anonymous_page()(ProductListView.as_view()), name="product-list"),
    path("products/<slug:slug>/", ProductDetailView.as_view(), name="product-detail"),
]
