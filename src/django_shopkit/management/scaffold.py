"""Render the files of a host app holding a concrete subclass of every shopkit model.

Used by the ``shopkit_startapp`` management command; kept apart so the rendering is plain
functions of their inputs and the command only deals with the file system and the console.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass, field

from django_shopkit.conf import MODEL_SETTINGS, MODELS, ModelSpec

__all__ = [
    "AppSpec",
    "is_identifier",
    "render_admin",
    "render_apps",
    "render_files",
    "render_models",
]


@dataclass(frozen=True)
class AppSpec:
    """What to generate: the app's module path, label and class name of each model."""

    module: str
    label: str
    class_names: dict[str, str] = field(default_factory=dict)

    def class_name(self, model: ModelSpec) -> str:
        """Return the class name chosen for ``model`` (its default unless renamed)."""
        return self.class_names.get(model.setting, model.default_name)

    @property
    def config_class(self) -> str:
        """Return the name of the generated ``AppConfig`` subclass."""
        return "".join(part.capitalize() for part in self.label.split("_")) + "Config"


def is_identifier(name: str) -> bool:
    """Return whether ``name`` can be a Python module or class name."""
    return name.isidentifier() and not keyword.iskeyword(name)


def render_models(spec: AppSpec) -> str:
    """Return the source of ``models.py``."""
    lines = [
        '"""Concrete shopkit models of this project.',
        "",
        "Add fields or methods to any class, then run ``manage.py makemigrations``. Each class",
        "inherits its fields, ``Meta`` (ordering, indexes, constraints) and behaviour from the",
        "shopkit abstract base it extends.",
        '"""',
        "",
    ]
    for app in ("catalog", "orders"):
        bases = sorted(m.abstract for m in MODELS if m.app == app)
        lines.append(f"from django_shopkit.{app}.abstract_models import (")
        lines.extend(f"    {base}," for base in bases)
        lines.append(")")
    for model in MODELS:
        lines += [
            "",
            "",
            f"class {spec.class_name(model)}({model.abstract}):",
            f'    """{model.description}"""',
        ]
    return "\n".join(lines) + "\n"


def render_admin(spec: AppSpec) -> str:
    """Return the source of ``admin.py``: shopkit's ``ModelAdmin`` for each model that has one."""
    lines = [
        '"""Admin registrations of the shopkit models."""',
        "",
        "from django.contrib import admin",
    ]
    # Model -> name of its shopkit ModelAdmin; inline-edited models have none.
    admins: dict[ModelSpec, str] = {}
    imports: dict[str, list[str]] = {}
    for model in MODELS:
        if model.admin_path:
            module, _, name = model.admin_path.rpartition(".")
            admins[model] = name
            imports.setdefault(module, []).append(name)
    for module in sorted(imports):
        names = sorted(imports[module])
        line = f"from {module} import {', '.join(names)}"
        if len(line) > 100:
            line = "\n".join([f"from {module} import (", *(f"    {n}," for n in names), ")"])
        lines.append(line)
    lines += ["", "from .models import ("]
    lines.extend(f"    {name}," for name in sorted(spec.class_name(m) for m in admins))
    lines += [")", ""]
    lines.extend(
        f"admin.site.register({spec.class_name(model)}, {name})" for model, name in admins.items()
    )
    inline = [
        f"# {spec.class_name(m)} is shown inline on the "
        f"{spec.class_name(MODEL_SETTINGS[m.inline_in])} pages."
        for m in MODELS
        if m.inline_in
    ]
    if inline:
        lines += ["", *inline]
    return "\n".join(lines) + "\n"


def render_apps(spec: AppSpec) -> str:
    """Return the source of ``apps.py``."""
    verbose = spec.label.replace("_", " ").capitalize()
    return (
        f'"""App config of {spec.module}, the app holding the concrete shopkit models."""\n'
        "\n"
        "from django.apps import AppConfig\n"
        "\n"
        "\n"
        f"class {spec.config_class}(AppConfig):\n"
        f'    """Configure the {spec.label} app."""\n'
        "\n"
        '    default_auto_field = "django.db.models.BigAutoField"\n'
        f'    name = "{spec.module}"\n'
        f'    label = "{spec.label}"\n'
        f'    verbose_name = "{verbose}"\n'
    )


def render_files(spec: AppSpec) -> dict[str, str]:
    """Return every file of the app as relative path -> content."""
    return {
        "__init__.py": "",
        "apps.py": render_apps(spec),
        "models.py": render_models(spec),
        "admin.py": render_admin(spec),
        "migrations/__init__.py": "",
    }
