"""The pieces of :mod:`django_shopkit.catalog.sql`'s query read from the models' ``_meta``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from django_shopkit.loading import get_tag_model

__all__ = ["join_clause", "own_column", "tag_parts"]


def own_column(model: type[models.Model], name: str) -> models.Field[Any, Any] | None:
    """Return the concrete column ``values(name)`` reads from ``model``'s table, or None."""
    try:
        field: Any = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not getattr(field, "concrete", False) or field.many_to_many or field.model is not model:
        return None
    if field.is_relation and name != field.attname:
        return None  # values("category") and values("category_id") both mean the id
    if getattr(field, "column", None) is None:
        return None
    result: models.Field[Any, Any] = field
    return result


def join_clause(
    model: type[models.Model], name: str, qn: Callable[[str], str], table: str, alias: str
) -> tuple[type[models.Model], str] | None:
    """Return the related model and the LEFT JOIN clause of a single-valued relation."""
    try:
        field: Any = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if field.many_to_one or (field.one_to_one and field.concrete):
        related = field.related_model
        return related, (
            f" LEFT OUTER JOIN {qn(related._meta.db_table)} {qn(alias)}"
            f" ON ({qn(alias)}.{qn(field.target_field.column)} = {qn(table)}.{qn(field.column)})"
        )
    if field.one_to_one and not field.concrete:  # a reverse one-to-one, e.g. the discount
        remote = field.field
        related = field.related_model
        return related, (
            f" LEFT OUTER JOIN {qn(related._meta.db_table)} {qn(alias)}"
            f" ON ({qn(alias)}.{qn(remote.column)} = {qn(table)}.{qn(remote.target_field.column)})"
        )
    return None


def tag_parts(
    model: type[models.Model], qn: Callable[[str], str], table: str
) -> tuple[str, str, models.Field[Any, Any]] | None:
    """Return the tag joins, the tag ORDER BY and the tag name field, or None."""
    from django_shopkit.catalog.representation import _joined_tag_ordering

    ordering = _joined_tag_ordering()
    tag_model: Any = get_tag_model()
    m2m: Any = model._meta.get_field("tags")
    if not ordering or m2m.related_model is not tag_model or tag_model._meta.parents:
        return None
    name_field = own_column(tag_model, "name")
    terms = []
    for term in ordering:
        descending = term.startswith("-")
        field = own_column(tag_model, term.lstrip("-")[len("tags__") :])
        if field is None or name_field is None:
            return None
        column: Any = field.column
        terms.append(f"{qn('sk_t')}.{qn(column)}" + (" DESC" if descending else " ASC"))
    through = m2m.remote_field.through._meta.db_table
    product_key: Any = model._meta.get_field(m2m.m2m_target_field_name())
    tag_key: Any = tag_model._meta.get_field(m2m.m2m_reverse_target_field_name())
    pt, t = qn("sk_pt"), qn("sk_t")
    joins = (
        f" LEFT OUTER JOIN {qn(through)} {pt}"
        f" ON ({pt}.{qn(m2m.m2m_column_name())} = {qn(table)}.{qn(product_key.column)})"
        f" LEFT OUTER JOIN {qn(tag_model._meta.db_table)} {t}"
        f" ON ({t}.{qn(tag_key.column)} = {pt}.{qn(m2m.m2m_reverse_name())})"
    )
    assert name_field is not None
    return joins, ", ".join(terms), name_field
