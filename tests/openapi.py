"""Generate the OpenAPI schema in a subprocess, with drf-spectacular as the schema class.

drf-spectacular binds annotations when the views are imported, so the schema class has to be
configured from the start: ``tests.settings_openapi`` extends the current host configuration.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]

PRELUDE = """
import json, django
django.setup()
from django.urls import reverse
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
schema = SchemaGenerator().get_schema(request=None, public=True)
"""


def generate(script):
    """Run PRELUDE + ``script`` (which prints JSON) and return what it printed, parsed."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings_openapi",
        "SHOPKIT_BASE_SETTINGS": settings.SETTINGS_MODULE,
    }
    env.pop("DATABASE_URL", None)  # schema generation needs no database
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", PRELUDE + script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
