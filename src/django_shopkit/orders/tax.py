"""Tax strategies: the rate that applies to a line or to shipping, for an address.

``SHOPKIT_TAX_STRATEGY`` names the strategy class: :class:`NoTax` (the default) or
:class:`CountryRates` (rates per country and region from ``SHOPKIT_TAX_RATES``), or the host's
own subclass of :class:`TaxStrategy` (rates from its database, reduced rates per product...).
``SHOPKIT_PRICES_INCLUDE_TAX`` says whether prices are entered with tax or without; the
amounts themselves are split in :mod:`django_shopkit.orders.pricing`, rounded per line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from django_shopkit.conf import settings
from django_shopkit.loading import get_class

__all__ = ["CountryRates", "NoTax", "TaxStrategy", "get_tax_strategy"]

ZERO = Decimal(0)


class TaxStrategy:
    """Decide the tax rate, in percent, of each line and of shipping. Override to change one."""

    def rate_for(self, product: Any, address: Mapping[str, str] | None) -> Decimal:
        """Return the rate (percent) of ``product`` sold to ``address`` (None: not known yet)."""
        raise NotImplementedError

    def shipping_rate(
        self, address: Mapping[str, str] | None, line_rates: Sequence[Decimal]
    ) -> Decimal:
        """Return the rate (percent) of shipping: by default the highest rate of the lines.

        (The EU's rule for shipping of mixed-rate goods varies by country; override to follow
        yours, e.g. split pro rata.)
        """
        return max(line_rates, default=ZERO)


class NoTax(TaxStrategy):
    """No tax anywhere: every rate is 0."""

    def rate_for(self, product: Any, address: Mapping[str, str] | None) -> Decimal:
        """Return 0."""
        return ZERO


class CountryRates(TaxStrategy):
    """One rate per country (``"DE"``) or region (``"US-CA"``) from ``SHOPKIT_TAX_RATES``.

    The region's rate wins over its country's; a country not listed pays no tax. Before the
    buyer's address is known, ``SHOPKIT_TAX_DEFAULT_COUNTRY`` (the shop's own) applies.
    """

    def rates(self) -> dict[str, Decimal]:
        """Return ``SHOPKIT_TAX_RATES`` as Decimals; raise ImproperlyConfigured for a bad one."""
        result: dict[str, Decimal] = {}
        for key, value in settings.SHOPKIT_TAX_RATES.items():
            try:
                rate = Decimal(str(value))
            except InvalidOperation:
                rate = Decimal(-1)
            if isinstance(value, float) or not ZERO <= rate < 100:
                raise ImproperlyConfigured(
                    f"SHOPKIT_TAX_RATES[{key!r}] must be a percentage from 0 to 100 as a string "
                    f"or Decimal, not {value!r}."
                )
            result[str(key).upper()] = rate
        return result

    def rate_for(self, product: Any, address: Mapping[str, str] | None) -> Decimal:
        """Return the rate of the address's region, else its country, else 0."""
        return self.rate_for_place(address)

    def rate_for_place(self, address: Mapping[str, str] | None) -> Decimal:
        """Return the rate of a place (an address snapshot, or None for the shop's country)."""
        rates = self.rates()
        if address and address.get("country"):
            country = str(address["country"]).upper()
            region = str(address.get("region") or "").upper()
        else:
            country, region = settings.SHOPKIT_TAX_DEFAULT_COUNTRY.upper(), ""
        if region and f"{country}-{region}" in rates:
            return rates[f"{country}-{region}"]
        return rates.get(country, ZERO)

    def shipping_rate(
        self, address: Mapping[str, str] | None, line_rates: Sequence[Decimal]
    ) -> Decimal:
        """Return the place's rate: shipping is a service taxed where it is delivered."""
        return self.rate_for_place(address)


def get_tax_strategy() -> TaxStrategy:
    """Return an instance of the class named by ``SHOPKIT_TAX_STRATEGY``."""
    strategy: TaxStrategy = get_class("TAX_STRATEGY")()
    return strategy
