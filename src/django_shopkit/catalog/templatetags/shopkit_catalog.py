"""Template tags of the catalog storefront: ``{% load shopkit_catalog %}``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from django_shopkit.catalog.abstract_models import AbstractProduct
from django_shopkit.catalog.pricing import discount_price as _discount_price

register = template.Library()


@register.simple_tag(takes_context=True)
def discount_price(context: dict[str, Any], product: AbstractProduct) -> Decimal | None:
    """Return the product's price after its discount for this request, or ``None``."""
    return _discount_price(product, request=context.get("request"))
