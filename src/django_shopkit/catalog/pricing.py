"""Price helpers shared by the API and the storefront."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from django_shopkit.catalog.abstract_models import AbstractDiscount

__all__ = ["current_discount", "discount_price"]


def current_discount(product: Any, now: datetime.datetime | None = None) -> AbstractDiscount | None:
    """Return the product's discount if it applies at ``now`` (default: now), else ``None``.

    Runs no query when the discount was joined (``select_related("discount")``).
    """
    try:
        discount: AbstractDiscount = product.discount
    except ObjectDoesNotExist:
        return None
    return discount if discount.is_current(now) else None


def discount_price(product: Any) -> Decimal | None:
    """Return the product's price after its current discount, or ``None`` without one."""
    discount = current_discount(product)
    return None if discount is None else discount.apply(product.price)
