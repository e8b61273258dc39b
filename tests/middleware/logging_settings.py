"""The JSON logging example of docs/middleware.rst, included there verbatim and tested here."""

# docs-start
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "django_shopkit.middleware.formatters.JsonFormatter"},
    },
    "handlers": {
        "json_console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        },
    },
    "loggers": {
        "django_shopkit.request": {
            "handlers": ["json_console"],
            "level": "INFO",
            "propagate": False,
        },
    },
}
# docs-end

# The same with python-json-logger: only the formatter changes.
# docs-pjl-start
PYTHON_JSON_LOGGER_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "format": "{asctime}{levelname}{name}{message}",
    "style": "{",
}
# docs-pjl-end
