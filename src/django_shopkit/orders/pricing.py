"""Prices of cart and order lines and the totals: the one place amounts are computed.

A line's price is the product's price less its current discount. Tax is split per line from
the line total, rounded half-up to the currency (``SHOPKIT_PRICES_INCLUDE_TAX`` says whether
the price holds the tax or the tax comes on top); the totals add up the rounded lines.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django_shopkit.catalog.pricing import discount_price
from django_shopkit.conf import settings
from django_shopkit.money import quantize

__all__ = ["LinePrice", "TaxSplit", "Totals", "line_price", "split_tax", "totals", "unit_price"]

_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class TaxSplit:
    """An amount split into net, tax and gross at ``rate`` percent."""

    net: Decimal
    tax: Decimal
    gross: Decimal
    rate: Decimal


def split_tax(amount: Decimal, rate: Decimal, *, included: bool) -> TaxSplit:
    """Split ``amount`` (with tax when ``included``, else without) at ``rate`` percent.

    The tax is rounded half-up to the currency: from a price with tax, the net is rounded and
    the tax is the rest, so net + tax is always the price.
    """
    amount = quantize(amount)
    if included:
        net = quantize(amount * _HUNDRED / (_HUNDRED + rate))
        return TaxSplit(net, amount - net, amount, rate)
    tax = quantize(amount * rate / _HUNDRED)
    return TaxSplit(amount, tax, amount + tax, rate)


def unit_price(product: Any, now: datetime.datetime | None = None) -> Decimal:
    """Return what one unit of ``product`` costs now, its current discount applied.

    Load products with ``select_related("discount")`` so this runs no query.
    """
    price = quantize(product.price)
    discounted = discount_price(product, now=now)
    return price if discounted is None else quantize(discounted)


@dataclass(frozen=True)
class LinePrice:
    """The amounts of one line: list price, price paid, their totals, and the line's tax.

    Prices are as entered (with tax when ``prices_include_tax``); ``tax`` splits the line
    total at ``tax_rate`` percent.
    """

    original_unit_price: Decimal
    unit_price: Decimal
    quantity: int
    tax_rate: Decimal = Decimal(0)
    prices_include_tax: bool = False

    @property
    def tax(self) -> TaxSplit:
        """Return the line total split into net, tax and gross."""
        return split_tax(self.line_total, self.tax_rate, included=self.prices_include_tax)

    @property
    def original_total(self) -> Decimal:
        """Return the line at list price."""
        return quantize(self.original_unit_price * self.quantity)

    @property
    def line_total(self) -> Decimal:
        """Return the line at the price paid."""
        return quantize(self.unit_price * self.quantity)


def line_price(
    product: Any,
    quantity: int,
    now: datetime.datetime | None = None,
    tax_rate: Decimal = Decimal(0),
) -> LinePrice:
    """Return the amounts of ``quantity`` units of ``product``, taxed at ``tax_rate`` percent."""
    included: bool = settings.SHOPKIT_PRICES_INCLUDE_TAX
    return LinePrice(
        quantize(product.price), unit_price(product, now), quantity, tax_rate, included
    )


@dataclass(frozen=True)
class Totals:
    """Subtotal at list prices, the discounts, shipping, tax, and the total to pay.

    Amounts are as entered: with prices including tax, ``total == subtotal - discount_total +
    shipping_total`` and ``tax_total`` is the tax it holds; with prices excluding tax,
    ``tax_total`` comes on top. ``tax_total`` includes ``shipping_tax``.
    """

    subtotal: Decimal
    discount_total: Decimal
    total: Decimal
    quantity: int
    shipping_total: Decimal = Decimal("0.00")
    tax_total: Decimal = Decimal("0.00")
    shipping_tax: Decimal = Decimal("0.00")
    shipping_tax_rate: Decimal = Decimal(0)
    prices_include_tax: bool = False

    @property
    def goods_total(self) -> Decimal:
        """Return what the goods cost, discounts applied (before shipping, as entered)."""
        return self.subtotal - self.discount_total

    @property
    def net_total(self) -> Decimal:
        """Return the total without tax."""
        return self.total - self.tax_total


def totals(
    lines: Iterable[LinePrice],
    shipping: Decimal = Decimal(0),
    shipping_tax_rate: Decimal = Decimal(0),
) -> Totals:
    """Add up the lines, shipping and tax: the one place an order's amounts are computed.

    Each line's tax is rounded on its own (``LinePrice.tax``), then added up; so is shipping's.
    """
    included: bool = settings.SHOPKIT_PRICES_INCLUDE_TAX
    subtotal = Decimal(0)
    goods = Decimal(0)
    tax = Decimal(0)
    quantity = 0
    for line in lines:
        subtotal += line.original_total
        goods += line.line_total
        tax += line.tax.tax
        quantity += line.quantity
    subtotal, goods, shipping = quantize(subtotal), quantize(goods), quantize(shipping)
    shipping_tax = split_tax(shipping, shipping_tax_rate, included=included).tax
    tax = quantize(tax) + shipping_tax
    total = goods + shipping + (Decimal(0) if included else tax)
    return Totals(
        subtotal,
        subtotal - goods,
        total,
        quantity,
        shipping,
        tax,
        shipping_tax,
        shipping_tax_rate,
        included,
    )
