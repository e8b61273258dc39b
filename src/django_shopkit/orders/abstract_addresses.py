"""The abstract address model of a customer's address book, and the order's snapshot of one.

An order never points at a book entry: checkout copies the address into the order
(:meth:`AbstractAddress.to_snapshot`), so editing or deleting the entry later never changes
what the order says.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from django_shopkit.validators import validate_no_control_characters

__all__ = ["ADDRESS_FIELDS", "AbstractAddress", "CountryValidator", "validate_country"]

#: The address fields shopkit reads, writes and snapshots onto orders, in display order.
ADDRESS_FIELDS: tuple[str, ...] = (
    "name",
    "line1",
    "line2",
    "city",
    "postcode",
    "region",
    "country",
    "phone",
)


@deconstructible
class CountryValidator:
    """Refuse anything but an ISO 3166-1 alpha-2 code that django-countries knows."""

    message = _("“%(value)s” is not a country code (ISO 3166-1 alpha-2, such as DE or US).")
    code = "invalid_country"

    def __call__(self, value: Any) -> None:
        """Raise ValidationError unless ``value`` is a known country code."""
        from django_countries import countries

        if not isinstance(value, str) or value not in countries:
            raise ValidationError(self.message, code=self.code, params={"value": value})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CountryValidator)

    def __hash__(self) -> int:
        return hash(type(self))


validate_country = CountryValidator()


def _text(verbose_name: Any, max_length: int, *, blank: bool = False) -> models.CharField[Any, Any]:
    return models.CharField(
        verbose_name,
        max_length=max_length,
        blank=blank,
        validators=[validate_no_control_characters],
    )


class AbstractAddress(models.Model):
    """A postal address in a customer's address book."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="%(app_label)s_%(class)s_set",
    )
    name = _text(_("full name"), 200)
    line1 = _text(_("address line 1"), 200)
    line2 = _text(_("address line 2"), 200, blank=True)
    city = _text(_("city"), 100)
    postcode = _text(_("postal code"), 20, blank=True)
    region = _text(_("region"), 100, blank=True)
    country = models.CharField(_("country"), max_length=2, validators=[validate_country])
    phone = _text(_("phone"), 40, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return ", ".join(str(v) for v in (self.name, self.line1, self.city, self.country) if v)

    def to_snapshot(self) -> dict[str, str]:
        """Return the address as the plain dict an order stores (``ADDRESS_FIELDS``)."""
        return {name: str(getattr(self, name) or "") for name in ADDRESS_FIELDS}
