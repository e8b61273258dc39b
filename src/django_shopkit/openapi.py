"""Error responses in the OpenAPI schema: every operation documents the 4xx it can answer.

drf-spectacular documents the success responses it sees in the views; the errors DRF and
shopkit answer with (a 400 for bad input, 401/403 for authentication and permissions, 404 for
an unknown id, 429 when throttled) are the same shape everywhere, so one postprocessing hook
adds them to every operation. Views declare their own domain errors (409 out of stock or a
forbidden status change, 402 payment declined, 503 payment pending) with
:data:`ERROR_RESPONSES`. Add the hook after drf-spectacular's own::

    SPECTACULAR_SETTINGS = {
        "POSTPROCESSING_HOOKS": [
            "drf_spectacular.hooks.postprocess_schema_enums",
            "django_shopkit.openapi.add_error_responses",
        ],
    }
"""

from __future__ import annotations

from typing import Any

__all__ = ["ERROR_SCHEMA", "VALIDATION_ERROR_SCHEMA", "add_error_responses", "error_response"]

#: Component name of DRF's ``{"detail": "..."}`` error body.
ERROR = "Error"
#: Component name of DRF's validation error body: field name to messages.
VALIDATION_ERROR = "ValidationError"

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An error with a message for people; ``code`` is stable for programs.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
    },
    "required": ["detail"],
}

VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "Input that was refused: each key names a field (``non_field_errors`` for the whole "
        "input, ``detail`` for a body that could not be parsed) and holds its messages."
    ),
    "additionalProperties": {},
}

_DESCRIPTIONS = {
    "400": "Invalid input: a body that cannot be parsed, or values that were refused.",
    "401": "Authentication failed (wrong or malformed credentials).",
    "402": "The payment was declined; the order stays payable.",
    "403": "Not signed in, or not allowed to do this.",
    "404": "No such object (or not one of yours).",
    "409": "Conflicts with the current state: out of stock, or a status that forbids this.",
    "429": "Too many requests; retry after the number of seconds in Retry-After.",
    "503": "The payment provider gave no answer; retrying is safe.",
}

_SAFE = {"get", "head", "options", "trace"}


def error_response(status: str) -> dict[str, Any]:
    """Return the OpenAPI response object of an error status (``"409"`` ...)."""
    name = VALIDATION_ERROR if status == "400" else ERROR
    return {
        "description": _DESCRIPTIONS.get(status, "Error."),
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
    }


#: ``extend_schema(responses=...)`` entries of the domain errors, for drf-spectacular.
ERROR_RESPONSES: dict[int, Any] = {}
try:
    from drf_spectacular.utils import OpenApiResponse
except ImportError:  # pragma: no cover - exercised only without the extra
    pass
else:
    for _status in (402, 404, 409, 503):
        ERROR_RESPONSES[_status] = OpenApiResponse(description=_DESCRIPTIONS[str(_status)])


def _codes_for(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    codes = ["401", "403"]  # any request may carry bad credentials; most need a user
    if method not in _SAFE or operation.get("parameters") or "requestBody" in operation:
        codes.append("400")
    parameters = {p.get("name") for p in operation.get("parameters", []) if isinstance(p, dict)}
    # A path parameter names an object; a page number past the last page is DRF's 404 too.
    if "{" in path or parameters & {"page", "cursor"}:
        codes.append("404")
    if method not in _SAFE:
        codes.append("429")
    return codes


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Add the error body components and each operation's 4xx responses to ``result``."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(ERROR, ERROR_SCHEMA)
    schemas.setdefault(VALIDATION_ERROR, VALIDATION_ERROR_SCHEMA)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status in _codes_for(path, method, operation):
                responses.setdefault(status, error_response(status))
            # Domain errors a view declared with a description only get the error body.
            for status, response in responses.items():
                if status[0] in "45" and "content" not in response:
                    response["content"] = error_response(status)["content"]
    return result
