"""The lean read path of :class:`~django_shopkit.catalog.serializers.ProductSerializer`.

DRF serializes each field through ``get_attribute`` and ``to_representation`` and rebuilds a
``ModelSerializer``'s fields for every request; on a page of 50 products that overhead is
several times the database work. This mixin keeps the serializer's output exactly and:

* reads the known fields straight from the instance, with a field plan built once per class;
* can serialize plain ``values()`` rows (:meth:`LeanProductMixin.serialize_rows`), so a list
  page needs no model instances at all.

Any field a subclass adds or redefines takes DRF's regular path, and a subclass that overrides
``to_representation``, ``get_fields`` or ``get_discount_price`` is never served from rows, so
extending the serializer stays ordinary DRF.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from rest_framework import serializers

from django_shopkit.loading import get_discount_model, get_tag_model

__all__ = ["ROW_FIELDS", "LeanProductMixin"]

Getter = Callable[[Any], Any]
#: (field name, getter from an instance, getter from a row, the DRF field)
PlanEntry = tuple[str, Getter | None, Getter | None, "serializers.Field[Any, Any, Any, Any]"]

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

#: The fields with a hand-written getter; any other plain column is read by its own name.
_KNOWN = frozenset(
    {
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
    }
)

_CLASS_PLANS: dict[type, list[PlanEntry]] = {}


@receiver(setting_changed)
def _clear_plans(**kwargs: Any) -> None:
    # Fields read REST_FRAMEWORK and SHOPKIT_* settings when they are built.
    _CLASS_PLANS.clear()


def _row_discount_price(row: dict[str, Any]) -> str | None:
    percent = row["discount__percent"]
    if percent is None:
        return None
    # An unsaved instance, so a host's overridden is_current()/apply() still decide.
    discount = get_discount_model()(
        percent=percent, starts_at=row["discount__starts_at"], ends_at=row["discount__ends_at"]
    )
    if not discount.is_current():
        return None
    return format(discount.apply(Decimal(row["price"])), "f")


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
) -> tuple[Getter | None, Getter | None]:
    """Return getters for a plain column a subclass lists in ``Meta.fields`` (e.g. ``sku``)."""
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

    return (lambda o: from_value(getattr(o, name)), lambda r: from_value(r[name]))


def _overrides(cls: type, base: type, name: str) -> bool:
    return getattr(cls, name) is not getattr(base, name)


class LeanProductMixin:
    """Serialize products without DRF's per-field overhead; output unchanged."""

    # Provided by the serializer this is mixed into.
    fields: Any
    _readable_fields: Any
    _declared_fields: Any
    get_discount_price: Callable[[Any], str | None]

    def _getters(self) -> dict[str, tuple[Getter, Getter]]:
        fields = self.fields
        getters: dict[str, tuple[Getter, Getter]] = {
            "id": (lambda o: o.pk, lambda r: r["id"]),
            "name": (lambda o: o.name, lambda r: r["name"]),
            "slug": (lambda o: o.slug, lambda r: r["slug"]),
            "description": (lambda o: o.description, lambda r: r["description"]),
            "stock": (lambda o: o.stock, lambda r: r["stock"]),
            "review_count": (lambda o: o.review_count, lambda r: r["review_count"]),
            "is_featured": (lambda o: o.is_featured, lambda r: r["is_featured"]),
            "category": (lambda o: o.category_id, lambda r: r["category_id"]),
            "category_name": (lambda o: o.category.name, lambda r: r["category__name"]),
            "tags": (lambda o: [t.name for t in o.tags.all()], lambda r: r["tags"]),
            "discount_price": (self.get_discount_price, _row_discount_price),
        }
        price, rating, created = (
            fields.get("price"),
            fields.get("average_rating"),
            fields.get("created_at"),
        )
        if isinstance(price, serializers.DecimalField):
            getters["price"] = (
                lambda o: price.to_representation(o.price),
                lambda r: price.to_representation(r["price"]),
            )
        if isinstance(rating, serializers.DecimalField):
            getters["average_rating"] = (
                lambda o: (
                    None if o.average_rating is None else rating.to_representation(o.average_rating)
                ),
                lambda r: (
                    None
                    if r["average_rating"] is None
                    else rating.to_representation(r["average_rating"])
                ),
            )
        if isinstance(created, serializers.DateTimeField):
            getters["created_at"] = (
                lambda o: created.to_representation(o.created_at),
                lambda r: created.to_representation(r["created_at"]),
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
            pair: tuple[Getter | None, Getter | None] = getters.get(name, (None, None))
            if name not in getters and name not in declared and model is not None:
                pair = _model_field_getters(model, name, field)
            # A field a subclass declares anew, or points elsewhere, takes DRF's path.
            if declared.get(name, own.get(name)) is not own.get(name):
                pair = (None, None)
            if field.source != _SOURCES.get(name, name):
                pair = (None, None)
            plan.append((name, pair[0], pair[1], field))
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
        if any(entry[1] is None for entry in plan):
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
        for name, fast, _row, field in self._plan():
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
        return plan is not None and all(entry[2] is not None for entry in plan)

    @classmethod
    def row_fields(cls) -> tuple[str, ...]:
        """Return the ``values()`` names :meth:`serialize_rows` needs (known ones and extras)."""
        plan = cls._class_plan() or []
        extra = tuple(entry[0] for entry in plan if entry[0] not in _KNOWN)
        return ROW_FIELDS + extra

    @classmethod
    def serialize_rows(cls, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Serialize ``values(*cls.row_fields())`` rows; one more query reads their tags.

        Call only when :meth:`can_serialize_rows` is true.
        """
        plan = cls._class_plan()
        assert plan is not None
        rows = list(rows)
        if any(entry[0] == "tags" for entry in plan):
            tags: dict[int, list[str]] = {row["id"]: [] for row in rows}
            if tags:
                # The tag model's default ordering applies, as in the prefetch.
                tag_manager: Any = get_tag_model()._default_manager
                pairs = tag_manager.filter(products__in=list(tags)).values_list("products", "name")
                for product_id, name in pairs:
                    tags[product_id].append(name)
            for row in rows:
                row["tags"] = tags[row["id"]]
        return [{name: row_getter(row) for name, _fast, row_getter, _field in plan} for row in rows]  # type: ignore[misc]
