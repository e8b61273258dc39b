"""The category tree of the storefront: nested order, subtree counts, descendants, ancestors.

Categories form a shallow tree (``parent``); a shop has tens of them, not thousands, so the
tree is built in Python from one query instead of one query per level.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django_shopkit.catalog.querysets import categories_with_product_count

__all__ = ["CategoryNode", "CategoryTree"]


@dataclass(frozen=True)
class CategoryNode:
    """A category in tree order, with its depth and the active products of its whole subtree."""

    category: Any
    depth: int
    product_count: int


class CategoryTree:
    """Every category, built lazily from one query on first use."""

    def __init__(self) -> None:
        self._nodes: list[CategoryNode] | None = None
        self._children: dict[Any, list[Any]] = {}
        self._by_pk: dict[Any, Any] = {}

    def _build(self) -> list[CategoryNode]:
        if self._nodes is not None:
            return self._nodes
        categories = list(categories_with_product_count())  # by position, name, pk
        self._by_pk = {category.pk: category for category in categories}
        children: dict[Any, list[Any]] = defaultdict(list)
        for category in categories:
            # A parent that is not in the list cannot happen (PROTECT); a cycle is cut here.
            parent = category.parent_id if category.parent_id in self._by_pk else None
            children[parent].append(category)
        self._children = children
        totals: dict[Any, int] = {}

        def total(category: Any) -> int:
            if category.pk not in totals:
                totals[category.pk] = 0  # guards against a cycle
                totals[category.pk] = category.product_count + sum(
                    total(child) for child in children[category.pk]
                )
            return totals[category.pk]

        nodes: list[CategoryNode] = []
        seen: set[Any] = set()

        def walk(parent: Any, depth: int) -> None:
            for category in children[parent]:
                if category.pk in seen:
                    continue
                seen.add(category.pk)
                nodes.append(CategoryNode(category, depth, total(category)))
                walk(category.pk, depth + 1)

        walk(None, 0)
        self._nodes = nodes
        return nodes

    def __iter__(self) -> Iterator[CategoryNode]:
        """Iterate over the categories, parents before their children, siblings in order."""
        return iter(self._build())

    def __len__(self) -> int:
        """Return the number of categories."""
        return len(self._build())

    def get(self, slug: str) -> Any:
        """Return the category with this slug, or ``None``."""
        return next((n.category for n in self._build() if n.category.slug == slug), None)

    def subtree_pks(self, category: Any) -> list[Any]:
        """Return the primary keys of ``category`` and of every category below it."""
        self._build()
        pks: list[Any] = []
        stack = [category.pk]
        while stack:
            pk = stack.pop()
            if pk in pks:
                continue
            pks.append(pk)
            stack.extend(child.pk for child in self._children.get(pk, []))
        return pks

    def ancestors(self, category: Any) -> list[Any]:
        """Return the categories above ``category``, the root first."""
        self._build()
        chain: list[Any] = []
        parent = self._by_pk.get(category.parent_id)
        while parent is not None and parent not in chain:
            chain.insert(0, parent)
            parent = self._by_pk.get(parent.parent_id)
        return chain
