"""Price helpers shared by the API, the storefront and the cart: one hook, the discount's.

Every discounted price shopkit shows or charges is ``Discount.price_for(product, ...)``;
override it (or ``is_current()``/``apply()``, which it calls) on your Discount model.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest

from django_shopkit.catalog.abstract_models import AbstractDiscount

__all__ = ["current_discount", "discount_price", "product_discount"]


def product_discount(product: Any) -> AbstractDiscount | None:
    """Return the product's discount, current or not, or ``None`` when it has none.

    Runs no query when the discount was joined (``select_related("discount")``).
    """
    try:
        discount: AbstractDiscount = product.discount
    except ObjectDoesNotExist:
        return None
    return discount


def current_discount(product: Any, now: datetime.datetime | None = None) -> AbstractDiscount | None:
    """Return the product's discount if it applies at ``now`` (default: now), else ``None``."""
    discount = product_discount(product)
    return discount if discount is not None and discount.is_current(now) else None


def discount_price(
    product: Any,
    request: HttpRequest | None = None,
    now: datetime.datetime | None = None,
) -> Decimal | None:
    """Return the product's price after its discount (``Discount.price_for``), or ``None``."""
    discount = product_discount(product)
    return None if discount is None else discount.price_for(product, request=request, now=now)
