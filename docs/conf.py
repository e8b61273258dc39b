"""Sphinx configuration of the django-shopkit docs (``tox -e docs`` builds them with -n -W)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import django
from sphinx.ext import intersphinx

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
    "sphinx_copybutton",
]

exclude_patterns = ["_build", "_inventories"]
templates_path: list[str] = []
# Furo: a readable column that scrolls wide tables and code blocks instead of overflowing.
html_theme = "furo"
html_title = f"django-shopkit {release}"
html_static_path: list[str] = []

# The copy button leaves out the "$ " prompts and the output lines of console blocks.
copybutton_prompt_text = "$ "
copybutton_only_copy_prompt_lines = True

# Every cross-reference must resolve: tox's docs env builds with -n -W.
nitpicky = True

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
    "python": (
        "https://docs.python.org/3/",
        ("https://docs.python.org/3/objects.inv", "_inventories/python.inv"),
    ),
}
intersphinx_timeout = 5

# Type hints name classes by the module that defines them; the projects document them under
# their public import path. Resolve the one through the other (see resolve_public_name).
PUBLIC_NAMES = {
    "HttpRequest": "django.http.HttpRequest",
    "django.http.request.HttpRequest": "django.http.HttpRequest",
    "django.db.models.base.Model": "django.db.models.Model",
    "django.db.models.query.QuerySet": "django.db.models.QuerySet",
}
# Referenced by type hints, documented by no project: shown as plain text.
nitpick_ignore = [
    ("py:class", "HttpResponseBase"),
    ("py:class", "django.http.response.HttpResponseBase"),
    ("py:class", "django.urls.resolvers.URLPattern"),
    ("py:class", "django.urls.resolvers.URLResolver"),
    ("py:class", "rest_framework.viewsets.ViewSetMixin"),
]
# The abstract models, as the loading helpers' return types name them (imported for type
# checking only, so autodoc cannot qualify them): plain text.
nitpick_ignore += [
    ("py:class", f"Abstract{name}")
    for name in (
        *("Category", "Tag", "Product", "Review", "Discount"),
        *("Cart", "CartItem", "Order", "OrderItem", "Payment"),
    )
]
# Documented with the payments (docs/payments.rst) and the catalog's services; until those
# pages document them, plain text.
nitpick_ignore += [
    ("py:class", "django_shopkit.orders.payments.DummyGateway"),
    ("py:class", "django_shopkit.orders.payments.PaymentResult"),
    ("py:meth", "CatalogService.refresh_rating"),
]


def resolve_public_name(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """Resolve a class named by its defining module through its documented public name."""
    public = PUBLIC_NAMES.get(node.get("reftarget", ""))
    if public is None:
        return None
    node["reftarget"] = public
    return intersphinx.missing_reference(app, env, node, contnode)


def setup(app: Any) -> None:
    """Add Django's ``setting`` role and directive, as Django's own docs define them."""
    app.add_crossref_type(
        directivename="setting", rolename="setting", indextemplate="pair: %s; setting"
    )
    app.connect("missing-reference", resolve_public_name)
