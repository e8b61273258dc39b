"""API views of the catalog: products (with featured, mine and reviews), categories, tags.

ViewSets find the host's models through the loading helpers in ``get_queryset()``. Hosts
customise them by subclassing and overriding a hook (``get_queryset``, ``perform_create``,
``get_serializer_class``) and registering the subclass under the same basename.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q, QuerySet
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import BaseParser
from rest_framework.permissions import (
    SAFE_METHODS,
    BasePermission,
    IsAuthenticated,
    IsAuthenticatedOrReadOnly,
)
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from django_shopkit.catalog.abstract_models import REVIEW_EXISTS_MESSAGE
from django_shopkit.catalog.cache import get_featured_products, get_popular_categories
from django_shopkit.catalog.filters import (
    ProductFilter,
    ProductFilterBackend,
    ProductOrderingFilter,
)
from django_shopkit.catalog.pagination import PagedRows, ShopkitPagination
from django_shopkit.catalog.permissions import IsOwnerOrReadOnly, IsStaffOrReadOnly
from django_shopkit.catalog.querysets import ProductQuerySet, categories_with_product_count
from django_shopkit.catalog.schema import extend_schema
from django_shopkit.catalog.serializers import (
    CategorySerializer,
    PopularCategorySerializer,
    ProductSerializer,
    ProductWriteSerializer,
    ReviewSerializer,
    TagSerializer,
)
from django_shopkit.loading import (
    get_product_model,
    get_review_model,
    get_tag_model,
)
from django_shopkit.parsers import PARSER_CLASSES
from django_shopkit.throttling import PRODUCT_WRITE, REVIEW, THROTTLE_CLASSES

__all__ = ["CategoryViewSet", "ProductViewSet", "TagViewSet", "category_queryset"]


# The public name this module always exported; the query lives with the other querysets.
category_queryset = categories_with_product_count


_LIST_ONLY_BACKENDS = (DjangoFilterBackend, SearchFilter, ProductOrderingFilter)

# Object permission checks that allow any read without looking at the object.
_READ_ANY_OBJECT = (BasePermission.has_object_permission, IsOwnerOrReadOnly.has_object_permission)


def _reads_without_object(request: Request, permission: Any) -> bool:
    return (
        request.method in SAFE_METHODS
        and type(permission).has_object_permission in _READ_ANY_OBJECT
    )


class ProductViewSet(viewsets.ModelViewSet[Any]):
    """Products: public reads, creation by signed-in users, changes by the owner or staff."""

    serializer_class = ProductSerializer
    #: Serializer of ``create``, ``update`` and ``partial_update``.
    write_serializer_class: type[serializers.Serializer[Any]] = ProductWriteSerializer
    #: Serializer of the ``reviews`` action.
    review_serializer_class: type[serializers.Serializer[Any]] = ReviewSerializer
    permission_classes = [IsOwnerOrReadOnly]
    pagination_class = ShopkitPagination
    parser_classes = PARSER_CLASSES
    throttle_classes = THROTTLE_CLASSES
    shopkit_throttle_scope = PRODUCT_WRITE
    shopkit_throttle_scopes = {"reviews": REVIEW}
    filter_backends = [ProductFilterBackend, SearchFilter, ProductOrderingFilter]
    filterset_class = ProductFilter
    search_fields = ["name", "description"]
    ordering_fields = ["price", "created_at", "name", "average_rating"]
    ordering = ["-created_at", "-id"]
    # True while list/retrieve read plain rows: only the ids are compiled, so the joins and
    # the prefetch of the stock for_listing() would be cloned for nothing.
    _reads_rows = False

    def get_queryset(self) -> QuerySet[Any]:
        """Return the products this user may see, loaded for serialization.

        Everyone sees active products; signed-in users also their own inactive ones, staff
        everything. ``mine`` lists the user's own products, active or not.
        """
        queryset: Any = get_product_model().objects.all()
        user = self.request.user
        if self.action == "mine":
            queryset = queryset.filter(created_by=user.pk)
        elif user.is_authenticated and not user.is_staff:
            queryset = queryset.filter(Q(is_active=True) | Q(created_by=user))
        elif not user.is_staff:
            queryset = queryset.filter(is_active=True)
        # Joins last: every clone after select_related() deep-copies its field tree.
        if self.action == "reviews":
            return queryset  # type: ignore[no-any-return]
        if self._reads_rows and type(queryset).for_listing is ProductQuerySet.for_listing:
            # The stock for_listing() only loads relations; a host's may also filter.
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
        """List products; rows are read with ``values()`` when the serializer allows it.

        With the stock :class:`ProductSerializer`, or a subclass adding only plain model
        columns such as a ``sku``, a page is one hand-written query (the page's ids joined to
        everything shown, with the count; see :mod:`~django_shopkit.catalog.sql`) and no model
        instances; where raw SQL cannot be proven equal, three ORM queries (count, rows, tags);
        otherwise DRF's regular path runs, same output.
        """
        serializer_class: Any = self.get_serializer_class()
        if not getattr(serializer_class, "can_serialize_rows", lambda: False)():
            return super().list(request, *args, **kwargs)
        queryset = self._rows_queryset()
        fields = serializer_class.row_fields()
        rows = PagedRows(queryset, fields, serializer_class.row_reader(queryset.model, queryset.db))
        window = None
        if isinstance(self.paginator, ShopkitPagination):
            window = self.paginator.requested_slice(request)
        if window is not None:
            rows.expect(*window)  # the count then comes with the page's rows: one query
        page = self.paginate_queryset(rows)  # type: ignore[arg-type]
        if page is None:
            rows_queryset = queryset.values(*fields)
            return Response(serializer_class.serialize_rows(rows_queryset))
        data = serializer_class.serialize_rows(page, tags_read=rows.tags_read)
        return self.get_paginated_response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Return one product; read with one raw SQL query when nothing needs the instance.

        That is: the serializer can serialize rows, the response is JSON (the browsable API's
        forms want the instance), ``get_object`` is DRF's and every object permission is one
        known to allow reads without looking at the object. Anything else, including a
        missing product (404), takes DRF's regular path: same output, same errors.
        """
        data = self._retrieve_from_rows(request)
        if data is None:
            return super().retrieve(request, *args, **kwargs)
        return Response(data)

    def _rows_queryset(self) -> QuerySet[Any]:
        """Return the filtered queryset whose ids (or ``values()``) the row paths read."""
        self._reads_rows = True
        try:
            queryset = self.filter_queryset(self.get_queryset())
        finally:
            self._reads_rows = False
        # A host's get_queryset() may still add prefetches: values() rows have nothing to hold.
        return queryset.prefetch_related(None)

    def _retrieve_from_rows(self, request: Request) -> dict[str, Any] | None:
        serializer_class: Any = self.get_serializer_class()
        if (
            not getattr(serializer_class, "can_serialize_rows", lambda: False)()
            or not isinstance(getattr(request, "accepted_renderer", None), JSONRenderer)
            or type(self).get_object is not GenericAPIView.get_object
            or not all(_reads_without_object(request, p) for p in self.get_permissions())
        ):
            return None
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        if lookup_url_kwarg not in self.kwargs:
            return None
        queryset = self._rows_queryset()
        try:
            product = queryset.filter(**{self.lookup_field: self.kwargs[lookup_url_kwarg]})
            reader = serializer_class.row_reader(queryset.model, queryset.db)
            ids = None if reader is None else reader.compile(product, ordered=False)
            if reader is not None and ids is not None:
                rows = reader.read(ids)
            else:
                rows = serializer_class.read_rows(product)
        except (TypeError, ValueError, DjangoValidationError):
            return None  # DRF's get_object_or_404 turns these into a 404
        if len(rows) != 1:
            return None
        data: dict[str, Any] = serializer_class.serialize_rows(rows, tags_read=True)[0]
        return data

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        """Return the write serializer for writes and the review one for ``reviews``."""
        if self.action in ("create", "update", "partial_update"):
            return self.write_serializer_class
        if self.action == "reviews":
            return self.review_serializer_class
        return self.serializer_class

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        """Record the signed-in user as the product's owner."""
        serializer.save(created_by=self.request.user)

    # Writes answer with the read representation; tell the schema so.
    @extend_schema(request=ProductWriteSerializer, responses={201: ProductSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Create a product owned by the signed-in user."""
        return super().create(request, *args, **kwargs)

    @extend_schema(request=ProductWriteSerializer, responses=ProductSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change a product (owner or staff)."""
        return super().update(request, *args, **kwargs)

    @extend_schema(request=ProductWriteSerializer, responses=ProductSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change some fields of a product (owner or staff)."""
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(responses=ProductSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def featured(self, request: Request) -> Response:
        """Return the featured products (cached; no query on a cache hit)."""
        return Response(get_featured_products(self.serializer_class))

    @extend_schema(responses=ProductSerializer(many=True))
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
