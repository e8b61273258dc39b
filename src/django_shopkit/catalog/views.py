"""API views of the catalog: products (with featured, mine and reviews), categories, tags.

ViewSets find the host's models through the loading helpers in ``get_queryset()``. Hosts
customise them by subclassing and overriding a hook (``get_queryset``, ``perform_create``,
``get_serializer_class``) and registering the subclass under the same basename.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.parsers import BaseParser
from rest_framework.permissions import (
    IsAuthenticated,
    IsAuthenticatedOrReadOnly,
)
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from django_shopkit.catalog.abstract_models import REVIEW_EXISTS_MESSAGE
from django_shopkit.catalog.cache import (
    cached_count,
    cached_response_data,
    get_featured_product_ids,
    get_popular_categories,
)
from django_shopkit.catalog.filters import (
    ProductFilter,
    ProductFilterBackend,
    ProductOrderingFilter,
)
from django_shopkit.catalog.permissions import IsOwnerOrReadOnly, IsStaffOrReadOnly
from django_shopkit.catalog.querysets import categories_with_product_count
from django_shopkit.catalog.schema import extend_schema, product_schema
from django_shopkit.catalog.serializers import (
    CategorySerializer,
    PopularCategorySerializer,
    ProductSerializer,
    ProductWriteSerializer,
    ReviewSerializer,
    TagSerializer,
)
from django_shopkit.conf import settings
from django_shopkit.loading import (
    get_product_model,
    get_review_model,
    get_tag_model,
)
from django_shopkit.pagination import PaginationFromSetting, ShopkitPagination
from django_shopkit.parsers import PARSER_CLASSES
from django_shopkit.throttling import PRODUCT_WRITE, REVIEW, THROTTLE_CLASSES

__all__ = ["CategoryViewSet", "ProductViewSet", "TagViewSet"]


_LIST_ONLY_BACKENDS = (DjangoFilterBackend, SearchFilter, ProductOrderingFilter)
# Query parameters that choose a page of a list, not which rows it has.
_PAGE_PARAMETERS = frozenset({"page", "page_size", "cursor"})


class ProductViewSet(viewsets.ModelViewSet[Any]):
    """Products: public reads, creation by signed-in users, changes by the owner or staff.

    Every read (list, detail, ``featured``, ``mine``) is DRF's own: ``get_queryset()``, the
    filter backends, the paginator and ``get_serializer()``, so each hook a subclass overrides
    applies everywhere.
    """

    serializer_class = ProductSerializer
    schema = product_schema()
    #: Serializer of ``create``, ``update`` and ``partial_update``.
    write_serializer_class: type[serializers.Serializer[Any]] = ProductWriteSerializer
    #: Serializer of the ``reviews`` action.
    review_serializer_class: type[serializers.Serializer[Any]] = ReviewSerializer
    permission_classes = [IsOwnerOrReadOnly]
    #: ``SHOPKIT_PRODUCT_PAGINATION_CLASS`` unless a subclass sets a class of its own.
    pagination_class = PaginationFromSetting("SHOPKIT_PRODUCT_PAGINATION_CLASS")
    parser_classes = PARSER_CLASSES
    throttle_classes = THROTTLE_CLASSES
    shopkit_throttle_scope = PRODUCT_WRITE
    shopkit_throttle_scopes = {"reviews": REVIEW}
    filter_backends = [ProductFilterBackend, SearchFilter, ProductOrderingFilter]
    filterset_class = ProductFilter
    search_fields = ["name", "description"]
    ordering_fields = ["price", "created_at", "name", "average_rating"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet[Any]:
        """Return the products this user may see, loaded for serialization.

        Everyone sees active products; signed-in users also their own inactive ones, staff
        everything. ``mine`` lists the user's own products, active or not. Override this to
        hide more; list, detail, ``featured`` and ``mine`` all read it.
        """
        queryset: Any = get_product_model()._default_manager.all()
        user = self.request.user
        if self.action == "mine":
            queryset = queryset.filter(created_by=user.pk)
        elif user.is_authenticated and not user.is_staff:
            queryset = queryset.filter(Q(is_active=True) | Q(created_by=user))
        elif not user.is_staff:
            queryset = queryset.filter(is_active=True)
        if self.action == "reviews":
            return queryset  # type: ignore[no-any-return]
        result: QuerySet[Any] = queryset.for_listing()
        return result

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """Apply the filter backends; on one product the list-only ones are skipped.

        Filtering, search and ordering mean nothing for ``products/{id}/``, and building the
        FilterSet costs more than the query; other backends (e.g. permission filters) still run.
        """
        if not self.detail:
            return super().filter_queryset(queryset)
        for backend in self.filter_backends:
            if not issubclass(backend, _LIST_ONLY_BACKENDS):
                queryset = backend().filter_queryset(self.request, queryset, self)
        return queryset

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """List products (DRF's ``list()``); anonymous pages may come from the cache."""
        return self._maybe_cached(
            lambda: super(ProductViewSet, self).list(request, *args, **kwargs)
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Return one product (DRF's ``retrieve()``); anonymous reads may come from the cache."""
        return self._maybe_cached(partial(super().retrieve, request, *args, **kwargs))

    def response_cache_key_parts(self) -> tuple[Any, ...] | None:
        """Return what a cached response depends on besides the catalog data, or None.

        Responses are cached only with ``SHOPKIT_API_CACHE_TIMEOUT`` above 0, and by default
        only for anonymous visitors: the key is this ViewSet, the action, the path with its
        query string, the language and the response format. Override this to add whatever
        else your serializer or ``get_queryset()`` reads from the request (a header, a cookie),
        or return None to never cache.
        """
        request = self.request
        if settings.SHOPKIT_API_CACHE_TIMEOUT <= 0 or request.user.is_authenticated:
            return None
        renderer = getattr(request, "accepted_renderer", None)
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            self.action,
            request.get_full_path(),
            get_language(),
            getattr(renderer, "media_type", None),
        )

    def count_cache_key_parts(self) -> tuple[Any, ...] | None:
        """Return what this list's row count depends on besides the catalog data, or None.

        The default is this ViewSet, the action, the user (id and staff flag) and the query
        parameters except those choosing the page. Override this if your ``get_queryset()``
        reads more of the request, or return None to count on every request.
        """
        request = self.request
        user = request.user
        parameters = sorted(
            (name, tuple(values))
            for name, values in request.query_params.lists()
            if name not in _PAGE_PARAMETERS
        )
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            self.action,
            user.pk if user.is_authenticated else None,
            bool(getattr(user, "is_staff", False)),
            tuple(parameters),
        )

    def count_rows(self, queryset: QuerySet[Any]) -> int:
        """Return the number of products ``queryset`` lists; the paginator asks this.

        The count is cached per catalog version for ``SHOPKIT_COUNT_CACHE_TIMEOUT`` seconds,
        keyed by :meth:`count_cache_key_parts`, so deep pages do not count every time.
        """
        parts = self.count_cache_key_parts()
        timeout = settings.SHOPKIT_COUNT_CACHE_TIMEOUT
        if parts is None or timeout <= 0:
            return queryset.count()
        return cached_count(_digest(parts), queryset.count, timeout)

    def _maybe_cached(self, respond: Callable[[], Response]) -> Response:
        parts = self.response_cache_key_parts()
        if parts is None:
            return respond()
        cached = cached_response_data(_digest(parts), lambda: _plain_data(respond()))
        status_code, data = cached
        return Response(data, status=status_code)

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        """Return the write serializer for writes and the review one for ``reviews``."""
        if self.action in ("create", "update", "partial_update"):
            return self.write_serializer_class
        if self.action == "reviews":
            return self.review_serializer_class
        return self.get_read_serializer_class()

    def get_read_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        """Return the serializer that shows products: on reads, and in answers to writes."""
        return self.serializer_class

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        """Record the signed-in user as the product's owner."""
        serializer.save(created_by=self.request.user)

    # The three writes are DRF's; their docstrings describe the operations in the schema.
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Create a product owned by the signed-in user."""
        return super().create(request, *args, **kwargs)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change a product (owner or staff)."""
        return super().update(request, *args, **kwargs)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change some fields of a product (owner or staff)."""
        return super().partial_update(request, *args, **kwargs)

    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def featured(self, request: Request) -> Response:
        """Return the featured products, serialized for this request.

        Only their ids are cached (per catalog version); the products are read through
        ``get_queryset()`` and serialized by ``get_serializer()``, as a list page is.
        """
        ids = get_featured_product_ids()
        position = {pk: index for index, pk in enumerate(ids)}
        products = sorted(
            self.get_queryset().filter(pk__in=ids), key=lambda product: position[product.pk]
        )
        return Response(self.get_serializer(products, many=True).data)

    @action(detail=False, methods=["get"], url_path="mine", permission_classes=[IsAuthenticated])
    def mine(self, request: Request) -> Response:
        """Return the products the signed-in user created, active or not, paginated."""
        return self.list(request)

    @extend_schema(methods=["GET"], responses=ReviewSerializer(many=True))
    @extend_schema(methods=["POST"], request=ReviewSerializer, responses={201: ReviewSerializer})
    @action(
        detail=True,
        methods=["get", "post"],
        permission_classes=[IsAuthenticatedOrReadOnly],
        filter_backends=[],
    )
    def reviews(self, request: Request, pk: str | None = None) -> Response:
        """List a product's reviews (paginated) or add the signed-in user's review."""
        product = self.get_object()
        if request.method == "POST":
            return self._create_review(request, product)
        reviews = (
            get_review_model()
            ._default_manager.filter(product=product)
            .select_related("user")
            .order_by("-created_at", "-pk")
        )
        page = self.paginate_queryset(reviews)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def _create_review(self, request: Request, product: Any) -> Response:
        context = {**self.get_serializer_context(), "product": product}
        serializer = self.get_serializer_class()(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                serializer.save(product=product, user=request.user)
        except IntegrityError:
            # The unique constraint on (product, user) decides, race-free and without a
            # query of its own; the savepoint keeps the request's transaction usable.
            raise serializers.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: [str(REVIEW_EXISTS_MESSAGE)]}
            ) from None
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class _StaffWriteMixin:
    """Turn database refusals of staff writes into 400s instead of 500s."""

    parser_classes: Sequence[type[BaseParser]] = PARSER_CLASSES
    throttle_classes: Sequence[type[BaseThrottle]] = THROTTLE_CLASSES
    shopkit_throttle_scope = PRODUCT_WRITE

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        """Save; a unique name taken by a concurrent request is a 400."""
        self._save_unique(serializer)

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        """Save; a unique name taken by a concurrent request is a 400."""
        self._save_unique(serializer)

    def _save_unique(self, serializer: serializers.BaseSerializer[Any]) -> None:
        # The serializer's unique validators see only committed rows; two requests with the
        # same new name can both pass them, and the unique index then refuses the second.
        try:
            with transaction.atomic():
                serializer.save()
        except IntegrityError:
            raise serializers.ValidationError(
                {"name": [_("This name is already taken.")]}
            ) from None

    def perform_destroy(self, instance: Any) -> None:
        try:
            instance.delete()
        except ProtectedError:
            raise serializers.ValidationError(
                _("%(object)s is still in use and cannot be deleted.") % {"object": instance}
            ) from None


class CategoryViewSet(_StaffWriteMixin, viewsets.ModelViewSet[Any]):
    """Categories with their number of active products; staff write."""

    serializer_class = CategorySerializer
    permission_classes = [IsStaffOrReadOnly]
    pagination_class = ShopkitPagination

    def get_queryset(self) -> QuerySet[Any]:
        """Return the categories annotated with ``product_count``."""
        return categories_with_product_count()

    @extend_schema(responses=PopularCategorySerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def popular(self, request: Request) -> Response:
        """Return the categories with the most active products (cached)."""
        return Response(get_popular_categories())


class TagViewSet(_StaffWriteMixin, viewsets.ModelViewSet[Any]):
    """Tags; staff write."""

    serializer_class = TagSerializer
    permission_classes = [IsStaffOrReadOnly]
    pagination_class = ShopkitPagination

    def get_queryset(self) -> QuerySet[Any]:
        """Return the tags in name order."""
        return get_tag_model()._default_manager.order_by("name", "pk")


def _digest(parts: tuple[Any, ...]) -> str:
    # Paths and query strings are unbounded; cache keys are not (memcached: 250 bytes).
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _plain_data(response: Response) -> tuple[int, Any]:
    # DRF's ReturnDict/ReturnList hold their serializer; the cache gets plain data.
    return response.status_code, response.data
