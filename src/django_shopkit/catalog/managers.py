"""The product manager: operations that do not chain (fetch one, create, bulk updates)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models, transaction

from django_shopkit.catalog.cache import invalidate_products
from django_shopkit.catalog.slugs import numbered_slug, slug_base
from django_shopkit.loading import get_tag_model

if TYPE_CHECKING:
    from django_shopkit.catalog.abstract_models import AbstractProduct, AbstractTag

__all__ = ["ProductManager", "get_or_create_tags"]

_M = TypeVar("_M", bound="AbstractProduct")


def get_or_create_tags(names: Iterable[str]) -> list[AbstractTag]:
    """Return the tags named ``names``, creating the missing ones in one bulk insert.

    Blank and duplicate names are ignored. One query reads the existing tags, one inserts the
    missing ones (conflicts from a concurrent insert are ignored) and, only if something was
    inserted, one more reads the new rows back with their primary keys.
    """
    tag_model = get_tag_model()
    wanted = list(dict.fromkeys(name.strip() for name in names if name and name.strip()))
    if not wanted:
        return []
    found = {tag.name: tag for tag in tag_model._default_manager.filter(name__in=wanted)}
    missing = [name for name in wanted if name not in found]
    if missing:
        # The slugs save() would give: same stem, length and numbering (see unique_slug).
        max_length = getattr(tag_model._meta.get_field("slug"), "max_length", None)
        bases = {name: slug_base(name, max_length) for name in missing}
        taken = set(
            tag_model._default_manager.filter(slug__in=set(bases.values())).values_list(
                "slug", flat=True
            )
        )
        new_tags = []
        for name in missing:
            # Two names can slugify alike ("C++" and "C"): number the later ones.
            slug = numbered_slug(bases[name], taken)
            taken.add(slug)
            new_tags.append(tag_model(name=name, slug=slug))
        tag_model._default_manager.bulk_create(new_tags, ignore_conflicts=True)
        found.update((tag.name, tag) for tag in tag_model._default_manager.filter(name__in=missing))
        # A concurrent insert took one of the slugs for another name: create those one by
        # one, letting save() pick a free slug.
        for name in missing:
            if name not in found:
                found[name] = tag_model._default_manager.get_or_create(name=name)[0]
    return [found[name] for name in wanted]


class ProductManager(models.Manager[_M]):
    """Manager of the host's Product model; combined with ProductQuerySet on the model."""

    def get_or_none(self, **kwargs: Any) -> _M | None:
        """Return the one product matching ``kwargs``, or ``None`` when there is none."""
        try:
            return self.get(**kwargs)
        except self.model.DoesNotExist:
            return None

    def create_with_tags(
        self, name: str, price: Decimal, tag_names: Iterable[str], **kwargs: Any
    ) -> _M:
        """Create a product and attach tags by name, creating the missing tags in bulk."""
        with transaction.atomic(using=self.db):
            product = self.create(name=name, price=price, **kwargs)
            tags = get_or_create_tags(tag_names)
            if tags:
                product.tags.add(*tags)
        return product

    def bulk_update_stock(self, product_ids: Iterable[int], quantity: int) -> int:
        """Set the stock of the given products to ``quantity`` in one UPDATE; return the count.

        ``update()`` sends no signals, so the cached catalog data is invalidated here.
        """
        if quantity < 0:
            raise ValueError("quantity must not be negative")
        count = self.filter(pk__in=list(product_ids)).update(stock=quantity)
        if count:
            invalidate_products()
        return count
