"""OpenAPI annotations for drf-spectacular, which is optional (the ``openapi`` extra).

They apply when drf-spectacular's ``AutoSchema`` is the project's ``DEFAULT_SCHEMA_CLASS``
(drf-spectacular binds an annotation to the schema class in use when the view module is
imported); otherwise :func:`extend_schema` leaves the view unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from rest_framework.schemas import DefaultSchema
from rest_framework.settings import api_settings

__all__ = ["extend_schema", "product_schema"]

# Actions answering with the product ViewSet's read serializer, and whether with a list.
_READ_RESPONSES = {
    "create": False,
    "update": False,
    "partial_update": False,
    "featured": True,
    "mine": True,
}

_F = TypeVar("_F", bound=Callable[..., Any])

_extend_schema: Any
try:
    from drf_spectacular.openapi import AutoSchema
    from drf_spectacular.utils import extend_schema as _extend_schema
except ImportError:  # pragma: no cover - exercised only without the extra
    _extend_schema = None


def _spectacular_in_use() -> bool:
    schema_class = api_settings.DEFAULT_SCHEMA_CLASS
    return isinstance(schema_class, type) and issubclass(schema_class, AutoSchema)


def extend_schema(**kwargs: Any) -> Callable[[_F], _F]:
    """Return drf-spectacular's ``extend_schema(**kwargs)``, or a no-op when it is not used."""
    if _extend_schema is None or not _spectacular_in_use():

        def unchanged(view: _F) -> _F:
            return view

        return unchanged
    decorator: Callable[[_F], _F] = _extend_schema(**kwargs)
    return decorator


def product_schema() -> Any:
    """Return the ``schema`` of the product ViewSet: the project's, reading its serializers.

    Under drf-spectacular, the responses of the writes, ``featured`` and ``mine`` are
    described with the view's ``get_read_serializer_class()`` (what they answer with), so a
    host's swapped serializer is what its schema shows; the project's schema class stays the
    base. Otherwise DRF's default schema.
    """
    if _extend_schema is None or not _spectacular_in_use():
        return DefaultSchema()
    base = cast("type[Any]", api_settings.DEFAULT_SCHEMA_CLASS)

    class ProductSchema(base):  # type: ignore[misc, valid-type]
        def get_response_serializers(self) -> Any:
            view = self.view
            many = _READ_RESPONSES.get(str(getattr(view, "action", "")))
            if many is None:
                return super().get_response_serializers()
            context = view.get_serializer_context()
            return view.get_read_serializer_class()(many=many, context=context)

    return ProductSchema()
