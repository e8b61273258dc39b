"""A JSON parser that refuses deeply nested documents with a 400, not a RecursionError 500.

Python's ``json`` module recurses once per level of nesting: ``[`` repeated 100,000 times
exhausts the interpreter's stack, and DRF's ``JSONParser`` lets the ``RecursionError`` through
as a 500. :class:`ShopkitJSONParser` answers 400 for that and for anything nested deeper than
``SHOPKIT_JSON_MAX_DEPTH`` levels (no shop payload needs more than a handful). Every shopkit
API view parses with :data:`PARSER_CLASSES`; hosts use the parser in their own views with
``parser_classes`` or ``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser, FormParser, JSONParser, MultiPartParser

from django_shopkit.conf import settings

__all__ = ["PARSER_CLASSES", "ShopkitJSONParser", "nesting_exceeds"]


def nesting_exceeds(data: Any, limit: int) -> bool:
    """Return whether lists and objects in ``data`` nest deeper than ``limit`` levels."""
    # Iterative: a recursive walk would fail on the very documents it is meant to catch.
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, Mapping):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, Mapping | list))
    return False


class ShopkitJSONParser(JSONParser):
    """DRF's JSON parser, with nesting limited to ``SHOPKIT_JSON_MAX_DEPTH`` levels (400)."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        """Parse the body; a document nested too deep is a ParseError (400)."""
        limit: int = settings.SHOPKIT_JSON_MAX_DEPTH
        message = _("JSON parse error - nested deeper than %(limit)d levels.") % {"limit": limit}
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(message) from None
        if nesting_exceeds(data, limit):
            raise ParseError(message)
        return data


#: The parsers of shopkit's API views: DRF's defaults with the JSON parser above.
PARSER_CLASSES: list[type[BaseParser]] = [ShopkitJSONParser, FormParser, MultiPartParser]
