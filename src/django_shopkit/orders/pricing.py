"""Prices of cart and order lines: the product price less its current discount, as Decimal."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django_shopkit.catalog.pricing import discount_price
from django_shopkit.money import quantize

__all__ = ["LinePrice", "Totals", "line_price", "totals", "unit_price"]


def unit_price(product: Any, now: datetime.datetime | None = None) -> Decimal:
    """Return what one unit of ``product`` costs now, its current discount applied.

    Load products with ``select_related("discount")`` so this runs no query.
    """
    price = quantize(product.price)
    discounted = discount_price(product, now=now)
    return price if discounted is None else quantize(discounted)


@dataclass(frozen=True)
class LinePrice:
    """The amounts of one line: list price, price paid and their totals."""

    original_unit_price: Decimal
    unit_price: Decimal
    quantity: int

    @property
    def original_total(self) -> Decimal:
        """Return the line at list price."""
        return quantize(self.original_unit_price * self.quantity)

    @property
    def line_total(self) -> Decimal:
        """Return the line at the price paid."""
        return quantize(self.unit_price * self.quantity)


def line_price(product: Any, quantity: int, now: datetime.datetime | None = None) -> LinePrice:
    """Return the amounts of ``quantity`` units of ``product``."""
    return LinePrice(quantize(product.price), unit_price(product, now), quantity)


@dataclass(frozen=True)
class Totals:
    """Subtotal at list prices, the discounts, shipping, and the total to pay.

    ``total == subtotal - discount_total + shipping_total``.
    """

    subtotal: Decimal
    discount_total: Decimal
    total: Decimal
    quantity: int
    shipping_total: Decimal = Decimal("0.00")

    @property
    def goods_total(self) -> Decimal:
        """Return what the goods cost, discounts applied (the total before shipping)."""
        return self.subtotal - self.discount_total


def totals(lines: Iterable[LinePrice], shipping: Decimal = Decimal(0)) -> Totals:
    """Add up lines and the shipping cost: the one place an order's amounts are computed."""
    subtotal = Decimal(0)
    goods = Decimal(0)
    quantity = 0
    for line in lines:
        subtotal += line.original_total
        goods += line.line_total
        quantity += line.quantity
    subtotal, goods, shipping = quantize(subtotal), quantize(goods), quantize(shipping)
    return Totals(subtotal, subtotal - goods, goods + shipping, quantity, shipping)
