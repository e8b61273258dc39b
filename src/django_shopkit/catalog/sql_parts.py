"""The pieces of :mod:`django_shopkit.catalog.sql`'s query read from the models' ``_meta``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.constants import LOOKUP_SEP

from django_shopkit.loading import get_tag_model

__all__ = ["join_clause", "own_column", "tag_ordering", "tag_parts"]


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


def tag_ordering() -> list[str] | None:
    """Return the tag model's default ordering when a join can follow it, or None.

    None when a join cannot give what the tag manager gives: a manager that filters, or an
    ordering that is not plain field names of the tag model.
    """
    tag_model: Any = get_tag_model()
    manager = tag_model._default_manager
    if type(manager).get_queryset is not models.Manager.get_queryset:
        return None
    ordering = list(tag_model._meta.ordering)
    if any(not isinstance(t, str) or t == "?" or LOOKUP_SEP in t for t in ordering):
        return None
    return ordering


def tag_parts(
    model: type[models.Model], qn: Callable[[str], str], table: str
) -> tuple[str, str, models.Field[Any, Any]] | None:
    """Return the tag joins, the tag ORDER BY and the tag name field, or None."""
    ordering = tag_ordering()
    tag_model: Any = get_tag_model()
    m2m: Any = model._meta.get_field("tags")
    if not ordering or m2m.related_model is not tag_model or tag_model._meta.parents:
        return None
    name_field = own_column(tag_model, "name")
    if name_field is None:
        return None
    terms = []
    for term in ordering:
        descending = term.startswith("-")
        field = own_column(tag_model, term.lstrip("-"))
        if field is None:
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
    return joins, ", ".join(terms), name_field
