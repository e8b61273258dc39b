"""Sphinx configuration of the django-shopkit docs (``tox -e docs`` builds them with -W)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
# The source tree wins over an installed copy; the repository root provides tests.settings,
# which autodoc needs because importing the apps requires configured settings.
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

from django_shopkit import __version__  # noqa: E402  (after django.setup())

project = "django-shopkit"
author = "django-shopkit developers"
copyright = "django-shopkit developers"
release = __version__
version = ".".join(__version__.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
]

exclude_patterns = ["_build", "_inventories"]
templates_path: list[str] = []
html_theme = "alabaster"
html_theme_options = {
    "description": "Pluggable e-commerce apps for Django",
    "fixed_sidebar": True,
}
html_static_path: list[str] = []

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}

# The first location is the project's real inventory; the local file after it is the offline
# fallback (see _inventories/make_inventories.py): the build must pass with -W without network.
# DRF publishes no Sphinx inventory, so its entries only come from the local file.
intersphinx_mapping = {
    "django": (
        "https://docs.djangoproject.com/en/stable/",
        ("https://docs.djangoproject.com/en/stable/_objects/", "_inventories/django.inv"),
    ),
    "drf": ("https://www.django-rest-framework.org/", "_inventories/drf.inv"),
}
intersphinx_timeout = 5


def setup(app: object) -> None:
    """Add Django's ``setting`` role and directive, as Django's own docs define them."""
    app.add_crossref_type(  # type: ignore[attr-defined]
        directivename="setting", rolename="setting", indextemplate="pair: %s; setting"
    )
