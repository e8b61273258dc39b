"""OpenAPI annotations for drf-spectacular, which is optional (the ``openapi`` extra).

They apply when drf-spectacular's ``AutoSchema`` is the project's ``DEFAULT_SCHEMA_CLASS``
(drf-spectacular binds an annotation to the schema class in use when the view module is
imported); otherwise :func:`extend_schema` leaves the view unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["extend_schema"]

_F = TypeVar("_F", bound=Callable[..., Any])

_extend_schema: Any
try:
    from drf_spectacular.openapi import AutoSchema
    from drf_spectacular.utils import extend_schema as _extend_schema
except ImportError:  # pragma: no cover - exercised only without the extra
    _extend_schema = None


def _spectacular_in_use() -> bool:
    from rest_framework.settings import api_settings

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
