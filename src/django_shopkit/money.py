"""Money arithmetic: Decimal only, quantized to the currency with ROUND_HALF_UP."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django_shopkit.conf import settings


def quantize(amount: Decimal) -> Decimal:
    """Return ``amount`` rounded half-up to ``SHOPKIT_CURRENCY_DECIMAL_PLACES`` places."""
    if isinstance(amount, float):
        raise TypeError("Money must be Decimal, not float.")
    places: int = settings.SHOPKIT_CURRENCY_DECIMAL_PLACES
    return Decimal(amount).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
