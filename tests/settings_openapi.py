"""The current host configuration plus drf-spectacular as the schema class (OpenAPI test).

``SHOPKIT_BASE_SETTINGS`` names the host configuration to extend.
"""

import importlib
import os

_base = importlib.import_module(os.environ.get("SHOPKIT_BASE_SETTINGS", "tests.settings"))
globals().update({name: getattr(_base, name) for name in dir(_base) if name.isupper()})

REST_FRAMEWORK = {"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
SPECTACULAR_SETTINGS = {
    **getattr(_base, "SPECTACULAR_SETTINGS", {}),
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "django_shopkit.openapi.add_error_responses",
    ],
}
