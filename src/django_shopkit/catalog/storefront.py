"""HTML storefront views of the catalog: the product list and the product detail page.

Templates live under ``django_shopkit/catalog/`` and extend ``django_shopkit/base.html``; a host
overrides any of them by putting a file with the same name in its own templates directory.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import BadRequest
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from django_shopkit.catalog.cache import CATEGORIES, current_version
from django_shopkit.catalog.querysets import categories_with_product_count
from django_shopkit.catalog.tree import CategoryTree
from django_shopkit.conf import settings
from django_shopkit.loading import get_product_model

__all__ = ["CategorySidebarMixin", "ProductDetailView", "ProductListView"]


class CategorySidebarMixin:
    """Add what the cached category sidebar fragment needs to the template context.

    ``sidebar_tree`` (a :class:`~django_shopkit.catalog.tree.CategoryTree`: parents before their
    children, counts including the subcategories') and ``sidebar_categories`` (the flat
    queryset) are lazy: they run only when the fragment cache misses. ``sidebar_version``
    changes whenever a category or product changes, which is what the ``{% cache %}`` tag
    varies on; it is ``None`` when the cache cannot be read, and the tree is then rendered
    without the cache.
    """

    @cached_property
    def category_tree(self) -> CategoryTree:
        """Return the category tree of this request, queried once on first use."""
        return CategoryTree()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add the sidebar's categories, cache version, timeout, cache alias and currency."""
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.update(
            sidebar_tree=self.category_tree,
            sidebar_categories=categories_with_product_count(),
            sidebar_version=current_version(CATEGORIES),
            sidebar_timeout=settings.SHOPKIT_SIDEBAR_CACHE_TIMEOUT,
            shopkit_cache_alias=settings.SHOPKIT_CACHE_ALIAS,
            shopkit_currency=settings.SHOPKIT_CURRENCY,
        )
        return context


class ProductListView(CategorySidebarMixin, ListView):  # type: ignore[type-arg]
    """Active products, newest first, optionally of one category (``?category=<slug>``).

    A category lists the products of its subcategories too.
    """

    template_name = "django_shopkit/catalog/product_list.html"
    context_object_name = "products"

    def get_paginate_by(self, queryset: QuerySet[Any]) -> int:
        """Return ``SHOPKIT_PAGE_SIZE``."""
        return settings.SHOPKIT_PAGE_SIZE

    def category_slug(self) -> str:
        """Return the ``category`` query parameter ("" if absent); 400 if it holds a NUL."""
        slug = self.request.GET.get("category", "")
        # PostgreSQL refuses NUL in text parameters: a 500, not an empty page, otherwise.
        if "\x00" in slug:
            raise BadRequest(_("Null characters are not allowed."))
        return slug

    def get_queryset(self) -> QuerySet[Any]:
        """Return the active products with their discounts, of the ``category`` slug's subtree."""
        # The list shows name, slug and (discounted) price: no category join, no tag prefetch.
        manager: Any = get_product_model()._default_manager
        queryset: QuerySet[Any] = manager.active().with_discount()
        slug = self.category_slug()
        if slug:
            category = self.category_tree.get(slug)
            if category is None:
                return queryset.none()
            queryset = queryset.filter(category__in=self.category_tree.subtree_pks(category))
        return queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add the selected category (or ``None``) and the categories above it."""
        context = super().get_context_data(**kwargs)
        slug = self.category_slug()
        category = self.category_tree.get(slug) if slug else None
        context["category"] = category
        context["breadcrumbs"] = self.category_tree.ancestors(category) if category else []
        return context


class ProductDetailView(CategorySidebarMixin, DetailView):  # type: ignore[type-arg]
    """One active product, by slug."""

    template_name = "django_shopkit/catalog/product_detail.html"
    context_object_name = "product"

    def get_queryset(self) -> QuerySet[Any]:
        """Return the active products with everything the page shows."""
        manager: Any = get_product_model()._default_manager
        # The tags as objects: a template of yours may link them by slug.
        queryset: QuerySet[Any] = manager.active().for_listing().with_tags()
        return queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add ``breadcrumbs``: the product's category and the categories above it."""
        context = super().get_context_data(**kwargs)
        category = self.object.category
        context["breadcrumbs"] = [*self.category_tree.ancestors(category), category]
        return context
