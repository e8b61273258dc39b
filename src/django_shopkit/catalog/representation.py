"""The lean read path of :class:`~django_shopkit.catalog.serializers.ProductSerializer`.

DRF serializes each field through ``get_attribute`` and ``to_representation`` and rebuilds a
``ModelSerializer``'s fields for every request; on a page of 50 products that overhead is
several times the database work. This mixin keeps the serializer's output exactly and:

* reads the known fields straight from the instance, with a field plan built once per class;
* can serialize plain ``values()`` rows (:meth:`LeanProductMixin.serialize_rows`), so a list
  page needs no model instances at all, converting prices and dates with
  :mod:`~django_shopkit.catalog.converters`;
* can read one product's row and tags in one query (:meth:`LeanProductMixin.read_rows`).

Any field a subclass adds or redefines takes DRF's regular path, and a subclass that overrides
``to_representation``, ``get_fields`` or ``get_discount_price`` is never served from rows, so
extending the serializer stays ordinary DRF.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from django.core.exceptions import FieldDoesNotExist
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from rest_framework import serializers

from django_shopkit.catalog.rows import DISCOUNT_PRICE, row_serializer
from django_shopkit.catalog.sql import RowReader, get_row_reader
from django_shopkit.catalog.sql_parts import tag_ordering
from django_shopkit.loading import get_tag_model

__all__ = ["PRODUCT_FIELDS", "ROW_FIELDS", "LeanProductMixin"]

Getter = Callable[[Any], Any]


class PlanEntry(NamedTuple):
    """How one serializer field is read from an instance and from a ``values()`` row."""

    name: str
    fast: Getter | None
    #: The ``values()`` key the row path copies (``DISCOUNT_PRICE``: computed from the
    #: discount's keys); None when rows cannot give this field, which disables the row path.
    row: str | None
    field: serializers.Field[Any, Any, Any, Any]
    #: True when the row value goes through ``field.to_representation`` (``None`` kept).
    column: bool = False


#: The ``values()`` names a product row carries.
ROW_FIELDS = (
    "id",
    "name",
    "slug",
    "description",
    "price",
    "stock",
    "category_id",
    "category__name",
    "average_rating",
    "review_count",
    "is_featured",
    "created_at",
    "discount__percent",
    "discount__starts_at",
    "discount__ends_at",
)

# The source each known field must have for the shortcut to be the same as DRF's path.
_SOURCES = {"category": "category", "category_name": "category.name", "discount_price": "*"}

#: The product API's fields, in output order (``ProductSerializer.Meta.fields``); each has a
#: hand-written getter here, any other plain column is read by its own name.
PRODUCT_FIELDS = (
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
)
_KNOWN = frozenset(PRODUCT_FIELDS)

#: Known fields whose row value goes through the DRF field's ``to_representation``.
_CONVERTED = frozenset({"price", "average_rating", "created_at"})

_CLASS_PLANS: dict[type, list[PlanEntry]] = {}
# Row serializers by class and timezone (their datetime converters are bound to it).
_ROW_SERIALIZERS: dict[tuple[type, Any], Callable[[list[dict[str, Any]]], list[Any]]] = {}
_MAX_ROW_SERIALIZERS = 128


@receiver(setting_changed)
def _clear_plans(**kwargs: Any) -> None:
    # Fields read REST_FRAMEWORK and SHOPKIT_* settings when they are built.
    _CLASS_PLANS.clear()
    _ROW_SERIALIZERS.clear()


# Serializer fields whose to_representation needs neither the request nor other objects.
_SIMPLE_FIELDS = (
    serializers.BooleanField,
    serializers.CharField,
    serializers.ChoiceField,
    serializers.DateField,
    serializers.DateTimeField,
    serializers.DecimalField,
    serializers.FloatField,
    serializers.IntegerField,
    serializers.UUIDField,
)


def _model_field_getters(
    model: type[models.Model], name: str, field: serializers.Field[Any, Any, Any, Any]
) -> tuple[Getter | None, str | None]:
    """Return the getter and row key of a plain column a subclass lists (e.g. ``sku``)."""
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None, None
    if model_field.is_relation or not model_field.concrete:
        return None, None
    if not isinstance(field, _SIMPLE_FIELDS) or isinstance(field, serializers.FileField):
        return None, None

    def from_value(value: Any) -> Any:
        return None if value is None else field.to_representation(value)

    return (lambda o: from_value(getattr(o, name)), name)


_TAG_NAME = "tags__name"


def _joins_tags(queryset: models.QuerySet[Any]) -> bool:
    through = queryset.model._meta.get_field("tags").remote_field.through
    table = through._meta.db_table
    return any(join.table_name == table for join in queryset.query.alias_map.values())


def _overrides(cls: type, base: type, name: str) -> bool:
    return getattr(cls, name) is not getattr(base, name)


class LeanProductMixin:
    """Serialize products without DRF's per-field overhead; output unchanged."""

    # Provided by the serializer this is mixed into.
    fields: Any
    _readable_fields: Any
    _declared_fields: Any
    get_discount_price: Callable[[Any], str | None]

    def _getters(self) -> dict[str, tuple[Getter, str]]:
        # Each known field's instance getter and the values() key its row value is read from.
        fields = self.fields
        getters: dict[str, tuple[Getter, str]] = {
            "id": (lambda o: o.pk, "id"),
            "name": (lambda o: o.name, "name"),
            "slug": (lambda o: o.slug, "slug"),
            "description": (lambda o: o.description, "description"),
            "stock": (lambda o: o.stock, "stock"),
            "review_count": (lambda o: o.review_count, "review_count"),
            "is_featured": (lambda o: o.is_featured, "is_featured"),
            "category": (lambda o: o.category_id, "category_id"),
            "category_name": (lambda o: o.category.name, "category__name"),
            "tags": (lambda o: [t.name for t in o.tags.all()], "tags"),
            "discount_price": (self.get_discount_price, DISCOUNT_PRICE),
        }
        price, rating, created = (
            fields.get("price"),
            fields.get("average_rating"),
            fields.get("created_at"),
        )
        if isinstance(price, serializers.DecimalField):
            getters["price"] = (lambda o: price.to_representation(o.price), "price")
        if isinstance(rating, serializers.DecimalField):
            getters["average_rating"] = (
                lambda o: (
                    None if o.average_rating is None else rating.to_representation(o.average_rating)
                ),
                "average_rating",
            )
        if isinstance(created, serializers.DateTimeField):
            getters["created_at"] = (
                lambda o: created.to_representation(o.created_at),
                "created_at",
            )
        return getters

    def _build_plan(self) -> list[PlanEntry]:
        from django_shopkit.catalog.serializers import ProductSerializer

        getters = self._getters()
        declared = self._declared_fields
        own = ProductSerializer._declared_fields
        plan: list[PlanEntry] = []
        model = getattr(getattr(self, "Meta", None), "model", None)
        for field in self._readable_fields:
            name = field.field_name or ""
            pair: tuple[Getter | None, str | None] = getters.get(name, (None, None))
            if name not in getters and name not in declared and model is not None:
                pair = _model_field_getters(model, name, field)
            # A field a subclass declares anew, or points elsewhere, takes DRF's path.
            if declared.get(name, own.get(name)) is not own.get(name):
                pair = (None, None)
            if field.source != _SOURCES.get(name, name):
                pair = (None, None)
            # Plain columns (known or a subclass's) convert like DRF: to_representation.
            column = pair[1] is not None and (name in _CONVERTED or name not in _KNOWN)
            plan.append(PlanEntry(name, pair[0], pair[1], field, column))
        return plan

    @classmethod
    def _class_plan(cls) -> list[PlanEntry] | None:
        """Return the plan shared by every instance, or None if it would not be faithful."""
        from django_shopkit.catalog.serializers import ProductSerializer

        if _overrides(cls, ProductSerializer, "get_fields"):
            return None
        plan = _CLASS_PLANS.get(cls)
        if plan is None:
            plan = _CLASS_PLANS[cls] = cls()._build_plan()
        # Fields on DRF's path may need this instance's context; they get their own plan.
        if any(entry.fast is None for entry in plan):
            return None
        return plan

    def _plan(self) -> list[PlanEntry]:
        plan = None if "fields" in self.__dict__ else self._class_plan()
        if plan is None:
            plan = self.__dict__.get("_shopkit_plan")
            if plan is None:
                plan = self.__dict__["_shopkit_plan"] = self._build_plan()
        return plan

    def to_representation(self, instance: Any) -> dict[str, Any]:
        """Return the product's API representation."""
        ret: dict[str, Any] = {}
        for name, fast, _row, field, _column in self._plan():
            if fast is not None:
                ret[name] = fast(instance)
                continue
            attribute = field.get_attribute(instance)
            ret[name] = None if attribute is None else field.to_representation(attribute)
        return ret

    @classmethod
    def can_serialize_rows(cls) -> bool:
        """Return whether :meth:`serialize_rows` gives exactly this class's output."""
        from django_shopkit.catalog.serializers import ProductSerializer

        if any(
            _overrides(cls, ProductSerializer, name)
            for name in ("to_representation", "get_discount_price")
        ):
            return False
        plan = cls._class_plan()
        return plan is not None and all(entry.row is not None for entry in plan)

    @classmethod
    def row_fields(cls) -> tuple[str, ...]:
        """Return the ``values()`` names :meth:`serialize_rows` needs (known ones and extras)."""
        plan = cls._class_plan() or []
        extra = tuple(entry.name for entry in plan if entry.name not in _KNOWN)
        return ROW_FIELDS + extra

    @classmethod
    def row_reader(cls, model: type[models.Model], using: str) -> RowReader | None:
        """Return the raw-SQL reader of :meth:`row_fields` rows with tags, or None (ORM path)."""
        shows_tags = any(entry.name == "tags" for entry in cls._class_plan() or [])
        return get_row_reader(model, cls.row_fields(), with_tags=shows_tags, using=using)

    @classmethod
    def serialize_rows(
        cls, rows: Iterable[dict[str, Any]], *, tags_read: bool = False
    ) -> list[dict[str, Any]]:
        """Serialize ``values(*cls.row_fields())`` rows; one more query reads their tags.

        With ``tags_read``, the rows already carry their ``tags`` (see :meth:`read_rows`).
        Call only when :meth:`can_serialize_rows` is true.
        """
        plan = cls._class_plan()
        assert plan is not None
        rows = list(rows)
        if not tags_read and any(entry.name == "tags" for entry in plan):
            cls._attach_tags(rows)
        key = (cls, timezone.get_current_timezone())
        serialize = _ROW_SERIALIZERS.get(key)
        if serialize is None:
            if len(_ROW_SERIALIZERS) >= _MAX_ROW_SERIALIZERS:
                # tzinfo objects made per request (ZoneInfo.no_cache) would each add a key.
                _ROW_SERIALIZERS.clear()
            serialize = _ROW_SERIALIZERS[key] = row_serializer(plan)
        return serialize(rows)

    @classmethod
    def read_rows(cls, queryset: models.QuerySet[Any]) -> list[dict[str, Any]]:
        """Return the rows of ``queryset`` with their ``tags``, in one query, in no set order.

        Meant for one product (the detail): the tags are joined, one row per tag, which beats
        a second query for one product but not for a page. Serialize the result with
        ``serialize_rows(rows, tags_read=True)``. Call only when :meth:`can_serialize_rows`.
        """
        fields = cls.row_fields()
        tag_order = tag_ordering()
        if tag_order is None:
            rows = list(queryset.values(*fields))
            cls._attach_tags(rows)
            return rows
        if _joins_tags(queryset):
            # values() would reuse the filter's join and read only the matching tags.
            queryset = queryset.model._base_manager.filter(pk__in=queryset.values("pk"))
        products: dict[Any, dict[str, Any]] = {}
        # The tag model's ordering, seen from the products: "-name" is "-tags__name".
        joined_order = [
            ("-" if term.startswith("-") else "") + f"tags__{term.lstrip('-')}"
            for term in tag_order
        ]
        for row in queryset.values(*fields, _TAG_NAME).order_by(*joined_order):
            name = row.pop(_TAG_NAME)
            product = products.get(row["id"])
            if product is None:
                product = products[row["id"]] = row
                row["tags"] = []
            if name is not None:
                product["tags"].append(name)
        return list(products.values())

    @classmethod
    def _attach_tags(cls, rows: list[dict[str, Any]]) -> None:
        tags: dict[Any, list[str]] = {row["id"]: [] for row in rows}
        if tags:
            # The tag model's default ordering applies, as in the prefetch.
            tag_manager: Any = get_tag_model()._default_manager
            pairs = tag_manager.filter(products__in=list(tags)).values_list("products", "name")
            for product_id, name in pairs:
                tags[product_id].append(name)
        for row in rows:
            row["tags"] = tags[row["id"]]
