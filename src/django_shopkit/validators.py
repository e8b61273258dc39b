"""Validators of text input shared by the shopkit apps: no control characters.

PostgreSQL refuses a NUL character in a text parameter (a 500 unless caught), and other
control characters (escape, backspace...) in names and comments only serve to corrupt what
other people see. Tab, newline and carriage return are allowed.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

__all__ = [
    "ControlCharacterValidator",
    "NoControlCharactersMixin",
    "has_control_characters",
    "validate_no_control_characters",
]

# C0 controls but tab, LF and CR; DEL; C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(value: str) -> bool:
    """Return whether ``value`` holds a control character other than tab, LF or CR."""
    return _CONTROL.search(value) is not None


@deconstructible
class ControlCharacterValidator:
    """Refuse text holding control characters (NUL, escape...); tab and newlines pass."""

    message = _("Control characters (such as NUL) are not allowed.")
    code = "control_characters"

    def __call__(self, value: Any) -> None:
        """Raise ValidationError if ``value`` is a string holding a control character."""
        if isinstance(value, str) and has_control_characters(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ControlCharacterValidator)

    def __hash__(self) -> int:
        return hash(type(self))


#: The validator :class:`NoControlCharactersMixin` adds to every writable text field.
validate_no_control_characters = ControlCharacterValidator()


class NoControlCharactersMixin:
    """Add :data:`validate_no_control_characters` to every writable text field of a serializer.

    Put it first in the bases of a serializer; fields a subclass adds are covered too.
    """

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        """Return the fields, each writable ``CharField`` (slug, e-mail...) validated."""
        fields: dict[str, serializers.Field[Any, Any, Any, Any]] = super().get_fields()  # type: ignore[misc]
        for field in fields.values():
            if isinstance(field, serializers.CharField) and not field.read_only:
                field.validators = [*field.validators, validate_no_control_characters]
        return fields
