"""API URLs of the catalog alone: ``path("api/", include("django_shopkit.catalog.urls"))``.

URL names: ``shopkit-product-list``, ``shopkit-product-detail``, ``shopkit-product-featured``,
``shopkit-product-mine``, ``shopkit-product-reviews``, ``shopkit-category-list``,
``shopkit-category-detail``, ``shopkit-category-popular``, ``shopkit-tag-list``,
``shopkit-tag-detail``.
"""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import DefaultRouter

from django_shopkit.catalog.views import CategoryViewSet, ProductViewSet, TagViewSet

router = DefaultRouter()
router.register("products", ProductViewSet, basename="shopkit-product")
router.register("categories", CategoryViewSet, basename="shopkit-category")
router.register("tags", TagViewSet, basename="shopkit-tag")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
