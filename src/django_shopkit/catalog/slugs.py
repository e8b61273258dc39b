"""Unique slugs that survive name collisions."""

from __future__ import annotations

from django.db import models
from django.utils.text import slugify


def unique_slug(instance: models.Model, value: str, field_name: str = "slug") -> str:
    """Return a slug of ``value`` that no other row of ``instance``'s model uses.

    "Blue Mug" gives ``blue-mug``, then ``blue-mug-2``, ``blue-mug-3``: one query reads the
    taken slugs with that stem, instead of one query per attempt.
    """
    field = instance._meta.get_field(field_name)
    max_length: int = getattr(field, "max_length", None) or 50
    # Leave room for a "-NNNNNN" suffix so the result always fits the column.
    base = slugify(value)[: max_length - 7].strip("-") or "item"
    model = type(instance)
    taken = set(
        model._default_manager.filter(**{f"{field_name}__startswith": base})
        .exclude(pk=instance.pk)
        .values_list(field_name, flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
