"""Sphinx configuration of the django-shopkit docs (``tox -e docs`` builds them with -n -W)."""

from __future__ import annotations

import os
import sys
import typing
from pathlib import Path
from typing import Any

import django
from sphinx.addnodes import pending_xref
from sphinx.ext import intersphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

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
    # Its published inventory lists none of the classes shopkit names: local file only.
    "django-filter": (
        "https://django-filter.readthedocs.io/en/stable/",
        "_inventories/django-filter.inv",
    ),
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
    "HttpResponseBase": "django.http.HttpResponseBase",
    "django.http.response.HttpResponseBase": "django.http.HttpResponseBase",
    "django.db.models.base.Model": "django.db.models.Model",
    "django.db.models.query.QuerySet": "django.db.models.QuerySet",
    "models.Model": "django.db.models.Model",
    "django.db.models.manager.Manager": "django.db.models.Manager",
    "Prefetch": "django.db.models.Prefetch",
    "django.db.models.query_utils.Q": "django.db.models.Q",
    "django.core.checks.messages.CheckMessage": "django.core.checks.CheckMessage",
    "IsAuthenticatedOrReadOnly": "rest_framework.permissions.IsAuthenticatedOrReadOnly",
    "django_filters.filterset.FilterSet": "django_filters.FilterSet",
    "django_filters.rest_framework.backends.DjangoFilterBackend": (
        "django_filters.rest_framework.DjangoFilterBackend"
    ),
}
# Classes a project documents in prose, with no object entry of their own: a reference to
# one leads to the section (a label of that project's inventory) that documents it.
PROSE_NAMES = {
    "django.db.models.enums.TextChoices": "django:field-choices-enum-types",
    "django.core.cache.backends.base.BaseCache": "django:cache-basic-interface",
    "django.core.cache.backends.redis.RedisCache": "django:redis",
}
# Type variables are private module globals (``_M``): a type hint naming one shows the class
# it is bound to, linked, or else the bare variable name (see resolve_type_variable).
TYPE_VARIABLES = {
    "django_shopkit.catalog.managers._M": "django_shopkit.catalog.abstract_models.AbstractProduct",
    "django_shopkit.catalog.cache._T": None,
}
# Builtins that type hints name and that share a name with documented attributes.
BUILTINS = {"type"}
# Shopkit's modules that are private (docs/public-api.rst): a public class built on one of
# their classes shows that class's public bases instead (see public_bases).
PRIVATE_MODULES = {
    "django_shopkit.orders.attempts",
    "django_shopkit.orders.charging",
    "django_shopkit.orders.events",
    "django_shopkit.orders.refunds",
    "django_shopkit.orders.states",
}
# Referenced by type hints, documented by no project: shown as plain text.
nitpick_ignore = [
    ("py:class", "django.urls.resolvers.URLPattern"),
    ("py:class", "django.urls.resolvers.URLResolver"),
    # DRF's viewsets page describes what this mixin does but not the class itself.
    ("py:class", "rest_framework.viewsets.ViewSetMixin"),
]


def resolve_public_name(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """Resolve a class named by its defining module through its documented public name."""
    target = node.get("reftarget", "")
    if target in PROSE_NAMES:
        # The link text stays the class name; the target is the section that documents it.
        node["refdomain"], node["reftype"], node["refexplicit"] = "std", "ref", True
        node["reftarget"] = PROSE_NAMES[target]
        return intersphinx.missing_reference(app, env, node, contnode)
    public = PUBLIC_NAMES.get(target)
    if public is None:
        return None
    node["reftarget"] = public
    return intersphinx.missing_reference(app, env, node, contnode)


def resolve_type_variable(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """Show a type variable as the class it is bound to, or as its name without underscore."""
    target = node.get("reftarget", "")
    if target not in TYPE_VARIABLES:
        return None
    bound = TYPE_VARIABLES[target]
    if bound is None:
        return contnode.__class__("", target.rpartition(".")[2].lstrip("_"))
    node["reftarget"] = bound
    text = contnode.__class__("", bound.rpartition(".")[2])
    domain = env.get_domain("py")
    return domain.resolve_xref(env, node["refdoc"], app.builder, "class", bound, node, text)


class ResolveBuiltins(SphinxPostTransform):
    """Resolve builtins named by type hints (``type[Model]``) to Python's documentation.

    Sphinx looks for a class named ``type`` among the documented objects first and then falls
    back to attributes: ``type[Model]`` would link to ``PaymentAction.type``. Builtins are
    resolved through Python's inventory before that search.
    """

    default_priority = 5  # before the references are resolved (10)

    def run(self, **kwargs: Any) -> None:
        """Replace each reference to a builtin by a link into Python's docs."""
        for node in list(self.document.findall(pending_xref)):
            if node.get("refdomain") == "py" and node.get("reftarget") in BUILTINS:
                resolved = intersphinx.missing_reference(self.app, self.env, node, node[0])
                if resolved is not None:
                    node.replace_self(resolved)


def is_private(cls: type) -> bool:
    """Return whether ``cls`` is one of shopkit's private classes (underscore, private module)."""
    if not cls.__module__.startswith("django_shopkit."):
        return False  # other projects' bases are shown as they are (collections.abc...)
    parts = (*cls.__module__.split("."), *cls.__qualname__.split("."))
    return cls.__module__ in PRIVATE_MODULES or any(part.startswith("_") for part in parts)


def public_bases(app: Any, name: str, obj: type, options: Any, bases: list[Any]) -> None:
    """Show a class's public bases in place of private ones (``_StaffWriteMixin``...)."""
    shown: list[Any] = []
    pending = list(bases)
    while pending:
        base = pending.pop(0)
        origin = typing.get_origin(base) or base
        if isinstance(origin, type) and is_private(origin):
            # The private class's own bases take its place, in order.
            pending[:0] = list(origin.__bases__)
        elif base not in shown and not (base is object and (shown or pending)):
            shown.append(base)
    bases[:] = shown or [object]


def setup(app: Any) -> None:
    """Add Django's ``setting`` role and directive, as Django's own docs define them."""
    app.add_crossref_type(
        directivename="setting", rolename="setting", indextemplate="pair: %s; setting"
    )
    app.connect("missing-reference", resolve_public_name)
    app.connect("missing-reference", resolve_type_variable)
    app.connect("autodoc-process-bases", public_bases)
    app.add_post_transform(ResolveBuiltins)
