"""Turn product ``values()`` rows into the API's dicts, as ``ProductSerializer`` would.

:func:`row_serializer` does for a whole page what DRF does field by field: plain values are
copied, columns go through :func:`~django_shopkit.catalog.converters.value_converter` and
``discount_price`` through the host's discount model (``is_current()``/``apply()``).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from django_shopkit.catalog.converters import value_converter
from django_shopkit.loading import get_discount_model

if TYPE_CHECKING:
    from django_shopkit.catalog.representation import PlanEntry

__all__ = ["DISCOUNT_PRICE", "row_serializer"]

Getter = Callable[[Any], Any]


#: A plan entry's ``row`` for ``discount_price``: computed per row by the discount model.
DISCOUNT_PRICE = "discount_price"


def _discount_pricer() -> Getter:
    """Return a getter of a row's discounted price, for one call of a row serializer."""
    # One unsaved instance per call, made at the first discounted row, so a host's overridden
    # is_current()/apply() still decide, without a model instance for every discounted row;
    # never shared between calls, since it is mutated per row and calls may run in threads.
    discount: Any = None

    def discounted(row: dict[str, Any]) -> str | None:
        nonlocal discount
        percent = row["discount__percent"]
        if percent is None:
            return None
        if discount is None:
            discount = get_discount_model()()
        discount.percent = percent
        discount.starts_at = row["discount__starts_at"]
        discount.ends_at = row["discount__ends_at"]
        if not discount.is_current():
            return None
        return format(discount.apply(Decimal(row["price"])), "f")

    return discounted


def row_serializer(plan: list[PlanEntry]) -> Callable[[list[dict[str, Any]]], list[Any]]:
    """Return a function serializing rows with ``plan``, in the current timezone.

    The function may be kept and called again (from any thread) while the timezone and the
    settings stay the same: each call prices discounts with its own discount instance.
    """
    # Every field is first copied in order (the output's key order), then the converted and
    # computed ones are replaced in place: fewer calls per value than a getter per field.
    keys: list[tuple[str, str]] = []
    columns: list[tuple[str, Getter]] = []
    discounted: list[str] = []
    for entry in plan:
        assert entry.row is not None
        if entry.row == DISCOUNT_PRICE:
            keys.append((entry.name, "id"))  # a placeholder, replaced below
            discounted.append(entry.name)
            continue
        keys.append((entry.name, entry.row))
        if entry.column:
            columns.append((entry.name, value_converter(entry.field)))

    names = [name for name, _key in keys]
    # itemgetter of several keys returns a tuple (of one key, the value itself).
    read: Callable[[dict[str, Any]], Any] = itemgetter(*[key for _name, key in keys], "id")

    def serialize(rows: list[dict[str, Any]]) -> list[Any]:
        getters = [(name, _discount_pricer()) for name in discounted]
        result = []
        for row in rows:
            out = dict(zip(names, read(row), strict=False))  # drops the extra id
            for name, convert in columns:
                value = out[name]
                if value is not None:
                    out[name] = convert(value)
            for name, compute in getters:
                out[name] = compute(row)
            result.append(out)
        return result

    return serialize
