"""Unique slugs that survive name collisions."""

from __future__ import annotations

from collections.abc import Container

from django.db import models
from django.utils.text import slugify

__all__ = ["numbered_slug", "slug_base", "unique_slug"]

# Room left for a "-NNNNNN" suffix, so a numbered slug still fits the column.
_SUFFIX_ROOM = 7


def slug_base(value: str, max_length: int | None) -> str:
    """Return ``value`` slugified and cut to leave room for a suffix; ``item`` if empty."""
    return slugify(value)[: (max_length or 50) - _SUFFIX_ROOM].strip("-") or "item"


def numbered_slug(base: str, taken: Container[str]) -> str:
    """Return ``base``, or the first of ``base-2``, ``base-3``... that is not ``taken``."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def unique_slug(instance: models.Model, value: str, field_name: str = "slug") -> str:
    """Return a slug of ``value`` that no other row of ``instance``'s model uses.

    "Blue Mug" gives ``blue-mug``, then ``blue-mug-2``, ``blue-mug-3``: one query reads the
    taken slugs with that stem, instead of one query per attempt.
    """
    field = instance._meta.get_field(field_name)
    base = slug_base(value, getattr(field, "max_length", None))
    model = type(instance)
    taken = set(
        model._default_manager.filter(**{f"{field_name}__startswith": base})
        .exclude(pk=instance.pk)
        .values_list(field_name, flat=True)
    )
    return numbered_slug(base, taken)
