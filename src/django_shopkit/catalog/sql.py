"""Read product rows with one hand-written SQL query on a raw cursor.

Building, compiling and converting an ORM query costs several times what the database spends
on a page of products. :func:`get_row_reader` builds, once per model, field list and
connection, the SQL of the rows a list page or the detail shows: the product's columns, the
single-valued relations ``values()`` would join (``category__name``, ``discount__percent``)
and one row per tag, ordered like the tag model. Only the page's ids come from the ORM: the
filtered, searched and ordered queryset's ``values("pk")`` is compiled and embedded as
``pk IN (subquery)``, and the page keeps its order through the same ORDER BY the compiler
wrote for it. Values go through the backend's and the fields' database converters, as the
ORM applies them, so a row is exactly the ``values()`` row plus its ``tags``.

:func:`get_row_reader` and :meth:`RowReader.compile` return ``None`` whenever that cannot be
guaranteed (other database vendors, distinct or combined queries, an ordering that reads
other tables or the query's own select aliases, a field that is not a plain column, a tag
manager that filters); callers then take the ORM path.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.signals import setting_changed
from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.constants import LOOKUP_SEP
from django.db.models.expressions import Col, OrderBy, Ref
from django.dispatch import receiver

from django_shopkit.catalog.sql_parts import join_clause, own_column, tag_parts

__all__ = ["Ids", "RowReader", "get_row_reader"]

#: The vendors whose SQL this module writes and whose results it was checked against.
VENDORS = frozenset({"sqlite", "postgresql"})

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]
Step = tuple[int, Converter, Any, bool]

_READERS: weakref.WeakKeyDictionary[BaseDatabaseWrapper, dict[Any, RowReader | None]] = (
    weakref.WeakKeyDictionary()
)


@receiver(setting_changed)
def _clear_readers(**kwargs: Any) -> None:
    # Models, time zones and the tag ordering can all change with settings in tests.
    _READERS.clear()


@dataclass(frozen=True)
class Ids:
    """The compiled SQL of the ids a page or a detail reads (see :meth:`RowReader.compile`)."""

    using: str
    sql: str
    params: tuple[Any, ...]
    #: ``sql`` without its ORDER BY, for the count.
    unordered: str
    #: The ORDER BY terms, which only read the product table.
    order: str = ""
    #: True when the ids are known to be none (the ORM would run no query).
    empty: bool = False


@dataclass(frozen=True)
class RowReader:
    """The SQL and value converters reading one model's rows with their tags."""

    #: ``SELECT`` and the columns.
    select: str
    #: `` FROM product LEFT JOIN ... WHERE product.pk IN (``, then comes the ids query.
    body: str
    #: The tag ordering terms closing the ORDER BY (empty without tags).
    tag_order: str
    #: The row keys, in select order (the tag name, if any, comes after them).
    names: tuple[str, ...]
    steps: tuple[Step, ...]
    tag_steps: tuple[Step, ...]
    with_tags: bool
    table: str
    #: ORDER BY terms already checked, by the query's ordering.
    orderings: dict[Any, tuple[str, str] | None] = dataclass_field(
        default_factory=dict, compare=False
    )

    def compile(self, queryset: models.QuerySet[Any], *, ordered: bool = True) -> Ids | None:
        """Compile the ids of ``queryset`` (unsliced) for :meth:`count` and :meth:`read`.

        ``None`` when its SQL cannot be embedded faithfully: take the ORM path.
        """
        ids = queryset.values("pk") if ordered else queryset.values("pk").order_by()
        query = ids.query
        if (
            query.is_sliced
            or query.combinator
            or query.distinct
            or query.extra
            or query.extra_order_by
            or query.group_by is not None
            or any(a.contains_aggregate for a in query.annotations.values())
        ):
            return None
        compiler = query.get_compiler(using=ids.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return Ids(ids.db, "", (), "", empty=True)  # the ORM runs no query either
        order = self._order_by(query, compiler) if ordered else ("", "")
        if order is None:
            return None
        outer, inner = order
        unordered = sql
        if inner:
            clause = f" ORDER BY {inner}"
            if not sql.endswith(clause):
                return None
            unordered = sql[: -len(clause)]
        return Ids(ids.db, sql, tuple(params), unordered, order=outer)

    def _order_by(self, query: Any, compiler: Any) -> tuple[str, str] | None:
        """Return the ORDER BY terms for the outer query and as in the ids query, or None.

        Only terms reading the product table can be reused outside the subquery; a term the
        ids query writes as a reference to its select list (``1 DESC`` for ``-pk``) is
        written out from the column it refers to.
        """
        # Same ordering, same checked SQL; annotations could mean other SQL under one name.
        key = None
        if not query.annotations:
            key = (query.order_by, query.default_ordering, query.standard_ordering)
            try:
                return self.orderings[key]
            except TypeError:
                key = None  # an unhashable expression: check every time
            except KeyError:
                pass
        outer: list[str] = []
        inner: list[str] = []
        order: tuple[str, str] | None = None
        for expr, (sql, params, is_ref) in compiler.get_order_by():
            inner.append(sql)
            if is_ref:
                source = getattr(expr.get_source_expressions()[0], "source", None)
                if not isinstance(expr, OrderBy) or not isinstance(source, Col):
                    break
                expr = expr.copy()
                expr.set_source_expressions([source])
                sql, params = compiler.compile(expr)
            if params or not self._reads_own_columns(expr):
                break
            outer.append(sql)
        else:
            order = (", ".join(outer), ", ".join(inner))
        if key is not None:
            self.orderings[key] = order
        return order

    def count(self, ids: Ids) -> int:
        """Return how many products the compiled ids select (one query)."""
        if ids.empty:
            return 0
        connection = connections[ids.using]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({ids.unordered}) sk_count", ids.params)
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    def read(self, ids: Ids, low: int = 0, high: int | None = None) -> list[dict[str, Any]]:
        """Return the rows of the products ``ids[low:high]``, in the ids' order (one query)."""
        return self.read_counted(ids, low, high, count=False)[0]

    def read_counted(
        self, ids: Ids, low: int = 0, high: int | None = None, *, count: bool = True
    ) -> tuple[list[dict[str, Any]], int | None]:
        """Return the rows of ``ids[low:high]`` and, in the same query, the count of ``ids``.

        The count is ``None`` when the slice is empty past the first row: the query then
        returns no row to carry it (see :meth:`count`).
        """
        if ids.empty:
            return [], 0
        if high is not None and high <= low:
            return [], None
        connection = connections[ids.using]
        sql = ids.sql
        if low or high is not None:
            sql = f"{sql} {connection.ops.limit_offset_sql(low, high)}"
        order_by = ", ".join(term for term in (ids.order, self.tag_order) if term)
        params = ids.params
        select = self.select
        if count:
            # An uncorrelated scalar subquery, evaluated once; it comes last in the select
            # list, its parameters before those of the WHERE clause.
            select = f"{select}, (SELECT COUNT(*) FROM ({ids.unordered}) sk_count)"
            params = params + params
        sql = f"{select}{self.body}{sql})" + (f" ORDER BY {order_by}" if order_by else "")
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        total = None
        if count and fetched:
            total = int(fetched[0][-1])
        elif count and not low:
            total = 0
        return self._rows(fetched, connection), total

    def _reads_own_columns(self, expr: Any) -> bool:
        # The ORDER BY is reused outside the subquery: only the product table may appear.
        for node in expr.flatten():
            if isinstance(node, Ref) or getattr(node, "subquery", False):
                return False
            if getattr(node, "contains_aggregate", False) or getattr(
                node, "contains_over_clause", False
            ):
                return False
            if isinstance(node, Col) and node.alias != self.table:
                return False
        return True

    def _rows(
        self, fetched: Sequence[Sequence[Any]], connection: BaseDatabaseWrapper
    ) -> list[dict[str, Any]]:
        names, steps, width = self.names, self.steps, len(self.names)
        with_tags, tag_steps = self.with_tags, self.tag_steps
        products: dict[Any, dict[str, Any]] = {}
        for raw in fetched:
            row = products.get(raw[0])
            if row is None:
                values = list(raw[:width])
                for position, convert, expression, keeps_none in steps:
                    value = values[position]
                    if value is not None or not keeps_none:
                        values[position] = convert(value, expression, connection)
                row = products[raw[0]] = dict(zip(names, values, strict=False))
                row["tags"] = []
            if with_tags:
                tag = raw[width]
                if tag is not None:
                    for _position, convert, expression, _keeps_none in tag_steps:
                        tag = convert(tag, expression, connection)
                    row["tags"].append(tag)
        return list(products.values())


def _chain(converters: tuple[Converter, ...]) -> Converter:
    def convert(value: Any, expression: Any, connection: BaseDatabaseWrapper) -> Any:
        for converter in converters:
            value = converter(value, expression, connection)
        return value

    return convert


def _step(position: int, expression: Any, connection: BaseDatabaseWrapper) -> Step | None:
    """Return how to convert the column like SQLCompiler.apply_converters, or None."""
    backend = tuple(connection.ops.get_db_converters(expression))
    own = tuple(expression.get_db_converters(connection))
    converters = backend + own
    if not converters:
        return None
    convert = converters[0] if len(converters) == 1 else _chain(converters)
    # The backends' own converters (of the vendors in VENDORS) return None for None, so it
    # skips them; a field's from_db_value always runs, as in the ORM.
    return (position, convert, expression, not own)


def _build(
    model: type[models.Model], fields: tuple[str, ...], with_tags: bool, connection: Any
) -> RowReader | None:
    if connection.vendor not in VENDORS or model._meta.parents or fields[:1] != ("id",):
        return None
    if not connection.features.allow_sliced_subqueries_with_in:
        return None
    qn = connection.ops.quote_name
    table = model._meta.db_table
    columns: list[str] = []
    steps: list[Step] = []
    joins: dict[str, tuple[type[models.Model], str, str]] = {}
    for position, name in enumerate(fields):
        owner, alias, column_name = model, table, name
        if LOOKUP_SEP in name:
            relation, column_name = name.split(LOOKUP_SEP, 1)
            if LOOKUP_SEP in column_name:
                return None
            if relation not in joins:
                alias = f"sk_r{len(joins)}"
                joined = join_clause(model, relation, qn, table, alias)
                if joined is None or joined[0]._meta.parents:
                    return None
                joins[relation] = (joined[0], alias, joined[1])
            owner, alias, _clause = joins[relation]
        field = own_column(owner, column_name)
        if field is None:
            return None
        columns.append(f"{qn(alias)}.{qn(field.column)}")
        step = _step(position, field.get_col(alias), connection)
        if step is not None:
            steps.append(step)
    tag_steps: list[Step] = []
    tag_joins = tag_order = ""
    if with_tags:
        parts = tag_parts(model, qn, table)
        if parts is None:
            return None
        tag_joins, tag_order, name_field = parts
        columns.append(f"{qn('sk_t')}.{qn(name_field.column)}")
        step = _step(len(fields), name_field.get_col("sk_t"), connection)
        if step is not None:
            tag_steps.append(step)
    pk_column = model._meta.pk.column if model._meta.pk is not None else "id"
    select = f"SELECT {', '.join(columns)}"
    body = (
        f" FROM {qn(table)}"
        + "".join(clause for _model, _alias, clause in joins.values())
        + tag_joins
        + f" WHERE {qn(table)}.{qn(pk_column)} IN ("
    )
    return RowReader(
        select, body, tag_order, fields, tuple(steps), tuple(tag_steps), with_tags, table
    )


def get_row_reader(
    model: type[models.Model], fields: Sequence[str], *, with_tags: bool, using: str
) -> RowReader | None:
    """Return the (cached) reader of ``values(*fields)`` rows plus ``tags``, or None."""
    connection = connections[using]
    key = (model, tuple(fields), with_tags)
    readers = _READERS.get(connection)
    if readers is None:
        readers = _READERS[connection] = {}
    if key not in readers:
        readers[key] = _build(model, tuple(fields), with_tags, connection)
    return readers[key]
