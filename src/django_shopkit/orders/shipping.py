"""Shipping methods: which ones can carry a cart to an address, and what each costs.

``SHOPKIT_SHIPPING_METHODS`` lists the shop's methods; each entry is the dotted path of a
:class:`ShippingMethod` subclass, or a dict ``{"class": "dotted.path", **options}`` whose
options are passed to the class. Without any method configured, orders carry no shipping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from django_shopkit.conf import settings
from django_shopkit.money import quantize
from django_shopkit.orders.pricing import LinePrice

__all__ = [
    "FlatRateShipping",
    "FreeShippingAbove",
    "ShippingMethod",
    "ShippingQuote",
    "ShippingRequest",
    "WeightBasedShipping",
    "available_methods",
    "get_shipping_method",
    "get_shipping_methods",
]


@dataclass(frozen=True)
class ShippingRequest:
    """What a method decides on: the cart's lines, their prices and the address (a snapshot).

    ``lines`` are cart lines (or anything with ``product`` and ``quantity``); ``prices`` the
    matching :class:`~django_shopkit.orders.pricing.LinePrice` list; ``address`` the address
    snapshot (``country``, ``region``, ``postcode``...) or ``None`` when none is known yet.
    """

    lines: Sequence[Any]
    prices: Sequence[LinePrice]
    address: Mapping[str, str] | None = None

    @property
    def goods_total(self) -> Decimal:
        """Return what the goods cost, discounts applied."""
        return quantize(sum((p.line_total for p in self.prices), Decimal(0)))

    @property
    def weight(self) -> Decimal:
        """Return the total weight; a product without a weight counts as 0."""
        total = Decimal(0)
        for line in self.lines:
            total += (getattr(line.product, "weight", None) or Decimal(0)) * line.quantity
        return total

    @property
    def country(self) -> str:
        """Return the address's country code, "" when unknown."""
        return str((self.address or {}).get("country") or "")


@dataclass(frozen=True)
class ShippingQuote:
    """An available method and its cost for one request."""

    code: str
    name: str
    cost: Decimal


class ShippingMethod:
    """One way of shipping; subclass and override :meth:`is_available` and :meth:`get_cost`.

    ``code`` identifies the method in the API and on orders (keep it stable); ``name`` is shown
    to buyers; ``countries`` limits it to those ISO codes (empty: everywhere). Options given in
    ``SHOPKIT_SHIPPING_METHODS`` set attributes of the same names.
    """

    code: str = ""
    name: str | Promise = ""
    countries: Sequence[str] = ()

    def __init__(self, **options: Any) -> None:
        for key, value in options.items():
            if not hasattr(type(self), key):
                raise ImproperlyConfigured(
                    f"{type(self).__name__} has no option {key!r} (SHOPKIT_SHIPPING_METHODS)."
                )
            setattr(self, key, value)
        if not self.code:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a code.")

    def is_available(self, request: ShippingRequest) -> bool:
        """Return whether the method can ship the request; by default, by country only.

        Without an address, a method limited to some countries is not available yet.
        """
        return not self.countries or request.country in self.countries

    def get_cost(self, request: ShippingRequest) -> Decimal:
        """Return the price of shipping the request (before tax, if prices exclude it)."""
        raise NotImplementedError

    def quote(self, request: ShippingRequest) -> ShippingQuote | None:
        """Return the method's quote for the request, or None when it is not available."""
        if not self.is_available(request):
            return None
        return ShippingQuote(
            self.code, str(self.name or self.code), quantize(self.get_cost(request))
        )


class FlatRateShipping(ShippingMethod):
    """The same ``rate`` for every cart."""

    name = _("Standard shipping")
    rate: Decimal | str = Decimal("0")

    def get_cost(self, request: ShippingRequest) -> Decimal:
        """Return ``rate``."""
        return Decimal(str(self.rate))


class FreeShippingAbove(ShippingMethod):
    """Free, for carts whose goods cost at least ``threshold`` (discounts applied)."""

    name = _("Free shipping")
    threshold: Decimal | str = Decimal("0")

    def is_available(self, request: ShippingRequest) -> bool:
        """Return whether the goods reach the threshold (and the country is served)."""
        return super().is_available(request) and request.goods_total >= Decimal(str(self.threshold))

    def get_cost(self, request: ShippingRequest) -> Decimal:
        """Return 0."""
        return Decimal(0)


class WeightBasedShipping(ShippingMethod):
    """Priced by total weight: ``rates`` is a list of ``(up to weight, cost)`` brackets.

    The first bracket whose weight is at least the cart's applies; a cart heavier than the
    last bracket cannot go this way. Weights are the products' ``weight`` (a product without
    one weighs 0), in the unit the shop chose.
    """

    name = _("Shipping by weight")
    rates: Sequence[tuple[Decimal | str, Decimal | str]] = ()

    def _bracket(self, request: ShippingRequest) -> Decimal | None:
        weight = request.weight
        for limit, cost in sorted(self.rates, key=lambda r: Decimal(str(r[0]))):
            if weight <= Decimal(str(limit)):
                return Decimal(str(cost))
        return None

    def is_available(self, request: ShippingRequest) -> bool:
        """Return whether some bracket takes the cart's weight (and the country is served)."""
        return super().is_available(request) and self._bracket(request) is not None

    def get_cost(self, request: ShippingRequest) -> Decimal:
        """Return the cost of the first bracket that takes the weight."""
        cost = self._bracket(request)
        if cost is None:
            raise ValueError("No bracket takes this weight; check is_available() first.")
        return cost


def _build(entry: Any) -> ShippingMethod:
    if isinstance(entry, str):
        path, options = entry, {}
    elif isinstance(entry, Mapping) and isinstance(entry.get("class"), str):
        options = {k: v for k, v in entry.items() if k != "class"}
        path = entry["class"]
    else:
        raise ImproperlyConfigured(
            f"SHOPKIT_SHIPPING_METHODS entries are dotted paths or dicts with a 'class': {entry!r}"
        )
    try:
        cls = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"SHOPKIT_SHIPPING_METHODS: cannot import {path!r}") from exc
    if not (isinstance(cls, type) and issubclass(cls, ShippingMethod)):
        raise ImproperlyConfigured(f"SHOPKIT_SHIPPING_METHODS: {path!r} is not a ShippingMethod")
    method: ShippingMethod = cls(**options)
    return method


def get_shipping_methods() -> list[ShippingMethod]:
    """Return an instance of every method in ``SHOPKIT_SHIPPING_METHODS``, in order."""
    return [_build(entry) for entry in settings.SHOPKIT_SHIPPING_METHODS]


def get_shipping_method(code: str) -> ShippingMethod | None:
    """Return the configured method ``code``, or None."""
    return next((m for m in get_shipping_methods() if m.code == code), None)


def available_methods(request: ShippingRequest) -> list[ShippingQuote]:
    """Return the quotes of the methods available for ``request``, in settings order."""
    quotes = (method.quote(request) for method in get_shipping_methods())
    return [quote for quote in quotes if quote is not None]
