"""OpenAPI details of the orders API for drf-spectacular (optional, the ``openapi`` extra).

:func:`extend_schema` is the catalog's: a no-op unless drf-spectacular's ``AutoSchema`` is the
project's ``DEFAULT_SCHEMA_CLASS``.
"""

from __future__ import annotations

from typing import Any

from django_shopkit.catalog.schema import extend_schema

__all__ = ["IDEMPOTENCY_PARAMETER", "WEBHOOK_BODY", "extend_schema"]

IDEMPOTENCY_PARAMETER: Any
#: The webhook's body: the provider's JSON event, read as raw bytes to check its signature.
WEBHOOK_BODY: Any
try:
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiParameter
except ImportError:  # pragma: no cover - exercised only without the extra
    IDEMPOTENCY_PARAMETER = None  # extend_schema is a no-op then
    WEBHOOK_BODY = None
else:
    WEBHOOK_BODY = {"application/json": OpenApiTypes.OBJECT}
    IDEMPOTENCY_PARAMETER = OpenApiParameter(
        name="Idempotency-Key",
        type=OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        required=False,
        description=(
            "Any unique string up to 255 characters. A retry with the same key returns the "
            "order the first request created (status 200) and reserves no stock."
        ),
    )
