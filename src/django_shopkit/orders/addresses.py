"""Addresses at checkout: the book entry or inline address a buyer gives, as an order snapshot."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django_shopkit.loading import get_address_model
from django_shopkit.orders.abstract_addresses import ADDRESS_FIELDS
from django_shopkit.orders.exceptions import AddressNotFound

__all__ = ["address_lines", "get_own_address", "resolve_address", "snapshot_of"]


def get_own_address(user: Any, address_id: Any) -> Any:
    """Return the user's address ``address_id``; raise AddressNotFound for anyone else's."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise AddressNotFound(address_id)
    address = get_address_model()._default_manager.filter(user=user, pk=address_id).first()
    if address is None:
        raise AddressNotFound(address_id)
    return address


def snapshot_of(data: Mapping[str, Any]) -> dict[str, str]:
    """Return validated address data (inline input) as the plain dict an order stores."""
    return {name: str(data.get(name) or "") for name in ADDRESS_FIELDS}


def resolve_address(user: Any, data: Mapping[str, Any], role: str) -> dict[str, str] | None:
    """Return the snapshot of ``data``'s ``<role>_id`` (own only) or inline ``<role>``, or None.

    ``role`` is ``"shipping_address"`` or ``"billing_address"``; ``data`` is validated input.
    """
    # ``role`` "address" reads ``address_id``: the shipping-methods query's own address.
    if data.get(f"{role}_id") is not None:
        snapshot: dict[str, str] = get_own_address(user, data[f"{role}_id"]).to_snapshot()
        return snapshot
    if data.get(role) is not None:
        return snapshot_of(data[role])
    return None


def address_lines(snapshot: Mapping[str, Any]) -> list[str]:
    """Return an address snapshot as the lines of a label: name, street, town, country, phone."""
    from django_countries import countries

    town = " ".join(v for v in (snapshot.get("postcode"), snapshot.get("city")) if v)
    country = snapshot.get("country") or ""
    lines = [
        snapshot.get("name"),
        snapshot.get("line1"),
        snapshot.get("line2"),
        town,
        snapshot.get("region"),
        str(countries.name(country)) or country if country else "",
        snapshot.get("phone"),
    ]
    return [str(line) for line in lines if line]
