"""Serializers of the catalog API; their field names are the API contract (docs/api-catalog).

The host's concrete models are found through the loading helpers when a serializer is first
used (``Meta.model`` is resolved lazily), so subclassing a serializer in the host works as with
any ``ModelSerializer``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from django_shopkit.catalog.abstract_models import AbstractProduct
from django_shopkit.catalog.pricing import discount_price
from django_shopkit.catalog.services import OutOfStock, get_catalog_service
from django_shopkit.loading import (
    get_category_model,
    get_product_model,
    get_review_model,
    get_tag_model,
)
from django_shopkit.validators import NoControlCharactersMixin, has_control_characters

__all__ = [
    "CategorySerializer",
    "DecimalColumn",
    "LazyModel",
    "PopularCategorySerializer",
    "ProductSerializer",
    "ProductWriteSerializer",
    "ReviewSerializer",
    "TagSerializer",
]


class LazyModel:
    """A ``Meta.model`` that resolves to the host's concrete model on first access."""

    def __init__(self, getter: Callable[[], type[models.Model]]) -> None:
        self.getter = getter

    def __get__(self, instance: object, owner: type | None = None) -> type[models.Model]:
        return self.getter()


class DecimalColumn(serializers.ReadOnlyField):
    """A stored decimal as a string with the column's places (``"12.50"``), ``None`` kept.

    What DRF's ``DecimalField(coerce_to_string=True)`` shows for a value of the column, without
    its per-value validation context (the value was validated when it was written).
    """

    def __init__(self, decimal_places: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.exponent = Decimal(1).scaleb(-decimal_places)

    def to_representation(self, value: Any) -> str:
        """Return ``value`` quantized to the column's places, as a plain decimal string."""
        return format(Decimal(value).quantize(self.exponent, rounding=ROUND_HALF_UP), "f")


class ProductSerializer(serializers.ModelSerializer[Any]):
    """Read representation of a product (lists, detail, featured, mine).

    A ``ModelSerializer``: subclass it to add fields (``Meta.fields``), redefine one or
    override a method, as with any DRF serializer; each field runs through DRF's own
    ``to_representation()``. The stock fields are declared, so DRF need not introspect the
    model per request, and plain columns are read-only fields shown as stored. The
    discounted price comes from :meth:`get_discount_price`, which asks the product's discount
    (``Discount.price_for(product, request)``), so a pricing rule overridden on either is what
    every read shows.
    """

    id = serializers.ReadOnlyField()
    name = serializers.ReadOnlyField()
    slug = serializers.ReadOnlyField()
    description = serializers.ReadOnlyField()
    price = DecimalColumn(decimal_places=2)
    stock = serializers.ReadOnlyField()
    category = serializers.ReadOnlyField(source="category_id")
    category_name = serializers.CharField(source="category.name", read_only=True)
    tags: Any = serializers.ListField(
        child=serializers.CharField(),
        source="tag_names",
        read_only=True,
        help_text=_("The names of the product's tags."),
    )
    average_rating = DecimalColumn(decimal_places=2)
    review_count = serializers.ReadOnlyField()
    is_featured = serializers.ReadOnlyField()
    created_at = serializers.DateTimeField(read_only=True)
    discount_price = serializers.SerializerMethodField(
        help_text=_("Price after the current discount, a decimal string; null without one.")
    )

    class Meta:
        model: Any = LazyModel(get_product_model)
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "price",
            "discount_price",
            "stock",
            "category",
            "category_name",
            "tags",
            "average_rating",
            "review_count",
            "is_featured",
            "created_at",
        ]
        read_only_fields = fields

    def get_discount_price(self, obj: AbstractProduct) -> str | None:
        """Return the discounted price as a decimal string, or ``None``; override to reprice."""
        value = discount_price(obj, request=self.context.get("request"))
        return None if value is None else format(value, "f")


class _TagSlugField(serializers.SlugRelatedField[Any]):
    def get_queryset(self) -> models.QuerySet[Any]:
        return get_tag_model()._default_manager.all()

    def to_internal_value(self, data: Any) -> Any:
        # Checked before the lookup: PostgreSQL refuses NUL in a query parameter.
        if isinstance(data, str) and has_control_characters(data):
            raise serializers.ValidationError(
                _("Control characters (such as NUL) are not allowed.")
            )
        return super().to_internal_value(data)


class ProductWriteSerializer(NoControlCharactersMixin, serializers.ModelSerializer[Any]):
    """Create and update a product; responses use the view's read serializer.

    An update writes only the columns the request names (``save(update_fields=...)``), never
    a ``stock``, ``average_rating`` or ``review_count`` read before: checkouts and reviews
    committed meanwhile stay counted. Stock changes go through the catalog service:
    ``stock_delta`` adds or removes units with a conditional UPDATE (the safe way), ``stock``
    sets a counted figure (a recount). Cross-field rules read the instance's current value for
    any field a PATCH leaves out. Set ``high_value_price`` and ``high_value_max_stock`` on a
    subclass to cap the stock of expensive products.
    """

    tags = _TagSlugField(many=True, required=False, slug_field="slug")
    stock_delta = serializers.IntegerField(
        write_only=True,
        required=False,
        min_value=-(2**31 - 1),
        max_value=2**31 - 1,
        help_text=_(
            "Units to add (or, negative, remove) on update; applied to the current stock, so "
            "units sold meanwhile still count."
        ),
    )

    #: Above this price, ``high_value_max_stock`` applies; ``None`` disables the rule.
    high_value_price: Decimal | None = None
    #: Most units of a product priced above ``high_value_price``.
    high_value_max_stock: int | None = None

    class Meta:
        model: Any = LazyModel(get_product_model)
        fields = [
            "name",
            "description",
            "price",
            "stock",
            "category",
            "tags",
            "is_active",
            "is_featured",
            "stock_delta",
        ]
        # ``price`` and ``stock`` are built from the model fields, so their digits and bounds
        # are the database column's (a number past them is a 400, not a database error).
        extra_kwargs = {
            "price": {"error_messages": {"min_value": _("Price cannot be negative.")}},
            "stock": {
                "required": False,
                "error_messages": {"min_value": _("Stock cannot be negative.")},
            },
        }

    def _current(self, attrs: dict[str, Any], name: str) -> Any:
        if name in attrs:
            return attrs[name]
        if self.instance is not None:
            return getattr(self.instance, name)
        return self.Meta.model._meta.get_field(name).get_default()

    def validate_is_featured(self, value: bool) -> bool:
        """Let only staff change whether a product is featured (it is shop merchandising)."""
        request = self.context.get("request")
        current = self.instance.is_featured if self.instance is not None else False
        if value != current and request is not None and not request.user.is_staff:
            raise serializers.ValidationError(_("Only staff can change the featured flag."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Check the rules that involve two fields, on create, PUT and PATCH alike."""
        if self._current(attrs, "is_featured") and not self._current(attrs, "is_active"):
            raise serializers.ValidationError(
                {"is_featured": _("An inactive product cannot be featured.")}
            )
        if "stock_delta" in attrs and self.instance is None:
            raise serializers.ValidationError(
                {"stock_delta": _("Set the initial stock with “stock”.")}
            )
        if "stock_delta" in attrs and "stock" in attrs:
            raise serializers.ValidationError(_("Send either “stock” or “stock_delta”, not both."))
        if self.high_value_price is not None and self.high_value_max_stock is not None:
            price, stock = self._current(attrs, "price"), self._current(attrs, "stock")
            stock += attrs.get("stock_delta", 0)
            if price > self.high_value_price and stock > self.high_value_max_stock:
                raise serializers.ValidationError(
                    _("A product priced above %(price)s may have at most %(stock)d in stock.")
                    % {"price": self.high_value_price, "stock": self.high_value_max_stock}
                )
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Any:
        """Create the product and set its tags in one transaction (never a product alone)."""
        with transaction.atomic():
            return super().create(validated_data)

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        """Save the changed columns, the tags and any stock change in one transaction.

        Only the validated fields are written (``update_fields``), plus ``updated_at``; a
        stock change goes through :meth:`update_stock`. Override to write more columns.
        """
        stock = validated_data.pop("stock", None)
        delta = validated_data.pop("stock_delta", None)
        concrete = {field.name for field in instance._meta.concrete_fields}
        relations = {field.name for field in instance._meta.many_to_many}
        many_to_many = {name: validated_data.pop(name) for name in relations & set(validated_data)}
        for name, value in validated_data.items():
            setattr(instance, name, value)
        # Only columns: a subclass's extra (non-model) field is set as an attribute, as DRF does.
        columns = [name for name in validated_data if name in concrete]
        with transaction.atomic():
            if columns:
                # update_fields: the stock and rating this instance was read with are stale
                # the moment a checkout or review commits; writing them back would undo it.
                instance.save(update_fields=[*columns, "updated_at"])
            for name, value in many_to_many.items():
                getattr(instance, name).set(value)
            if stock is not None or delta:
                self.update_stock(instance, stock, delta)
        return instance

    def update_stock(self, instance: Any, stock: int | None, delta: int | None) -> None:
        """Apply a recount (``stock``) or a change by ``delta`` through the catalog service.

        Sets ``instance.stock`` to the stored figure; a delta that would take the stock below
        zero is a 400.
        """
        service = get_catalog_service()
        if stock is not None:
            service.set_stock(instance.pk, stock)
            instance.stock = stock
            return
        try:
            instance.stock = service.adjust_stock(instance.pk, delta or 0)
        except OutOfStock as exc:
            raise serializers.ValidationError(
                {
                    "stock_delta": _("Only %(available)d in stock; cannot remove %(requested)d.")
                    % {"available": exc.available, "requested": exc.requested}
                }
            ) from None

    def to_representation(self, instance: Any) -> dict[str, Any]:
        """Return the saved product as the view's read serializer shows it.

        That is the view's ``get_read_serializer_class()`` (your ``serializer_class`` when you
        swap the ViewSet's), or :class:`ProductSerializer` used without such a view.
        """
        view = self.context.get("view")
        get_read_serializer_class = getattr(view, "get_read_serializer_class", None)
        read_class: type[serializers.BaseSerializer[Any]] = (
            get_read_serializer_class() if get_read_serializer_class else ProductSerializer
        )
        shown: dict[str, Any] = read_class(instance, context=self.context).to_representation(
            instance
        )
        return shown


class CategorySerializer(NoControlCharactersMixin, serializers.ModelSerializer[Any]):
    """A category with its number of active products (``product_count``)."""

    product_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model: Any = LazyModel(get_category_model)
        fields = ["id", "name", "slug", "description", "parent", "position", "product_count"]
        read_only_fields = ["slug"]

    def validate_parent(self, value: Any) -> Any:
        """Refuse a parent that would make the category its own ancestor."""
        node = value
        while node is not None and self.instance is not None:
            if node.pk == self.instance.pk:
                raise serializers.ValidationError(
                    _("A category cannot be its own parent or ancestor.")
                )
            node = node.parent
        return value


class PopularCategorySerializer(serializers.Serializer[Any]):
    """The shape of ``categories/popular/`` entries (cached plain data)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.SlugField()
    product_count = serializers.IntegerField()


class TagSerializer(NoControlCharactersMixin, serializers.ModelSerializer[Any]):
    """A tag."""

    class Meta:
        model: Any = LazyModel(get_tag_model)
        fields = ["id", "name", "slug"]
        read_only_fields = ["slug"]


class ReviewSerializer(NoControlCharactersMixin, serializers.ModelSerializer[Any]):
    """A review; the product and the user come from the URL and the request."""

    user_name = serializers.CharField(source="user.get_username", read_only=True)

    class Meta:
        model: Any = LazyModel(get_review_model)
        fields = ["id", "product", "user", "user_name", "rating", "comment", "created_at"]
        read_only_fields = ["product", "user"]
        extra_kwargs = {
            "rating": {
                "error_messages": {
                    "min_value": _("Rating must be between 1 and 5."),
                    "max_value": _("Rating must be between 1 and 5."),
                }
            }
        }
