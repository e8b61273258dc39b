"""A standard-library JSON log formatter, for hosts that do not use python-json-logger.

Use it in ``LOGGING``::

    "formatters": {"json": {"()": "django_shopkit.middleware.formatters.JsonFormatter"}}
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

__all__ = ["JsonFormatter"]

# Attributes every LogRecord has; anything else on a record was passed as ``extra``.
_RECORD_ATTRIBUTES = frozenset(
    logging.LogRecord("", 0, "", 0, "", (), None).__dict__.keys() | {"message", "asctime"}
)


class JsonFormatter(logging.Formatter):
    """Format a record as one line of JSON: time, level, logger, message and its extra fields.

    Values JSON cannot represent (UUIDs, datetimes, ...) are written with ``str()``; an
    exception is written as its formatted traceback under ``exc_info``.
    """

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as a JSON object on one line."""
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            data["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(data, default=str)
