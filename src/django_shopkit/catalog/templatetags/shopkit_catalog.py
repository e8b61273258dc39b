"""Template tags of the catalog storefront: ``{% load shopkit_catalog %}``."""

from __future__ import annotations

from decimal import Decimal

from django import template

from django_shopkit.catalog.abstract_models import AbstractProduct
from django_shopkit.catalog.pricing import discount_price as _discount_price

register = template.Library()


@register.simple_tag
def discount_price(product: AbstractProduct) -> Decimal | None:
    """Return the product's price after its current discount, or ``None`` without one."""
    return _discount_price(product)
