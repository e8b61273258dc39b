"""Exact shortcuts for DRF fields' ``to_representation`` of plain column values.

DRF's ``DateTimeField`` looks up the current timezone for every value and its ``DecimalField``
copies the decimal context and quantizes every value; on a page of rows that is most of the
serialization. :func:`value_converter` returns a function giving the same result, doing that
work once, and falls back to the field's own method for anything it does not cover (naive
datetimes, other formats, decimals at another exponent, subclasses overriding the methods).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

__all__ = ["value_converter"]


def _same_methods(field: Any, base: type, names: tuple[str, ...]) -> bool:
    return all(getattr(type(field), name) is getattr(base, name) for name in names)


def _iso_datetime(tz: datetime.tzinfo, slow: Callable[[Any], Any], value: datetime.datetime) -> Any:
    # DRF's DateTimeField.to_representation for an aware value, the timezone looked up once.
    if isinstance(value, datetime.datetime) and value.utcoffset() is not None:
        try:
            text = value.astimezone(tz).isoformat()
        except OverflowError:
            return slow(value)
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    return slow(value)


def _decimal_string(places: int, digits: int | None, slow: Callable[[Any], Any], value: Any) -> Any:
    # DRF quantizes to ``places`` then formats; a value already at that exponent (what the
    # database returns for the same DecimalField) formats to the same string directly.
    if isinstance(value, Decimal):
        _sign, value_digits, exponent = value.as_tuple()
        if exponent == -places and (digits is None or len(value_digits) <= digits):
            return f"{value:f}"
    return slow(value)


def _fraction_string(
    places: int, digits: int | None, slow: Callable[[Any], Any], value: Any
) -> Any:
    # _decimal_string for places > 0 without as_tuple(): a finite Decimal formats with "f" to
    # exactly -exponent fraction digits, so ``places`` of them after a point mean the exponent
    # is -places. Counting the text's digits overestimates the coefficient's (leading zeros),
    # so a value passing the check passes DRF's precision check too.
    if type(value) is Decimal:
        text = f"{value:f}"
        point = text.find(".")
        if (
            point != -1
            and len(text) - point - 1 == places
            and (digits is None or len(text) - 1 - (text[0] == "-") <= digits)
        ):
            return text
    return slow(value)


def value_converter(field: serializers.Field[Any, Any, Any, Any]) -> Callable[[Any], Any]:
    """Return ``field.to_representation`` for non-null values, with exact shortcuts.

    The timezone is read now: keep the result only under a key holding the current timezone.
    """
    if (
        isinstance(field, serializers.DateTimeField)
        and _same_methods(
            field,
            serializers.DateTimeField,
            ("to_representation", "enforce_timezone", "default_timezone"),
        )
        and not hasattr(field, "timezone")
    ):
        output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
        tz = field.default_timezone()
        if tz is not None and isinstance(output_format, str) and output_format.lower() == ISO_8601:
            return partial(_iso_datetime, tz, field.to_representation)
    if (
        isinstance(field, serializers.DecimalField)
        and _same_methods(field, serializers.DecimalField, ("to_representation", "quantize"))
        and field.decimal_places is not None
        and getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
        and not field.localize
        and not field.normalize_output
    ):
        shortcut = _fraction_string if field.decimal_places > 0 else _decimal_string
        return partial(shortcut, field.decimal_places, field.max_digits, field.to_representation)
    return field.to_representation
