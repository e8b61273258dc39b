"""Storefront (HTML) URLs of the catalog, namespace ``shopkit_catalog``.

The product list is cached whole with ``cache_page`` for ``SHOPKIT_PAGE_CACHE_TIMEOUT``
seconds in ``SHOPKIT_CACHE_ALIAS``.
"""

from django.urls import URLPattern, URLResolver, path
from django.views.decorators.cache import cache_page

from django_shopkit.catalog.storefront import ProductDetailView, ProductListView
from django_shopkit.conf import settings

app_name = "shopkit_catalog"

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "",
        cache_page(
            settings.SHOPKIT_PAGE_CACHE_TIMEOUT,
            cache=settings.SHOPKIT_CACHE_ALIAS,
            key_prefix=f"{settings.SHOPKIT_CACHE_KEY_PREFIX}:page",
        )(ProductListView.as_view()),
        name="product-list",
    ),
    path("products/<slug:slug>/", ProductDetailView.as_view(), name="product-detail"),
]
