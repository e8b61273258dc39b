"""Render the files of a host app holding a concrete subclass of every shopkit model.

Used by the ``shopkit_startapp`` management command; kept apart so the rendering is plain
functions of their inputs and the command only deals with the file system and the console.
"""

from __future__ import annotations

import ast
import importlib.util
import keyword
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "MODELS",
    "AppSpec",
    "ModelSpec",
    "available_admin_class",
    "default_admin_models",
    "edited_inline",
    "render_admin",
    "render_apps",
    "render_files",
    "render_models",
]


@dataclass(frozen=True)
class ModelSpec:
    """One shopkit model: its setting, abstract base, home app and admin class name."""

    setting: str
    default_name: str
    abstract: str
    app: str
    admin_class: str
    description: str
    #: Setting of the model whose shopkit admin edits this one inline, if any.
    inline_in: str = ""


#: Every shopkit model, in dependency order (a model only refers to models above it).
MODELS: tuple[ModelSpec, ...] = (
    ModelSpec(
        "CATEGORY_MODEL",
        "Category",
        "AbstractCategory",
        "catalog",
        "CategoryAdmin",
        "A product category.",
    ),
    ModelSpec(
        "TAG_MODEL", "Tag", "AbstractTag", "catalog", "TagAdmin", "A free label on products."
    ),
    ModelSpec(
        "PRODUCT_MODEL", "Product", "AbstractProduct", "catalog", "ProductAdmin", "A product."
    ),
    ModelSpec(
        "REVIEW_MODEL",
        "Review",
        "AbstractReview",
        "catalog",
        "ReviewAdmin",
        "A customer's review of a product.",
    ),
    ModelSpec(
        "DISCOUNT_MODEL",
        "Discount",
        "AbstractDiscount",
        "catalog",
        "DiscountAdmin",
        "A percentage off one product.",
    ),
    ModelSpec("CART_MODEL", "Cart", "AbstractCart", "orders", "CartAdmin", "A shopping cart."),
    ModelSpec(
        "CART_ITEM_MODEL",
        "CartItem",
        "AbstractCartItem",
        "orders",
        "CartItemAdmin",
        "One product line of a cart.",
        inline_in="CART_MODEL",
    ),
    ModelSpec("ORDER_MODEL", "Order", "AbstractOrder", "orders", "OrderAdmin", "A placed order."),
    ModelSpec(
        "ORDER_ITEM_MODEL",
        "OrderItem",
        "AbstractOrderItem",
        "orders",
        "OrderItemAdmin",
        "One product line of an order.",
        inline_in="ORDER_MODEL",
    ),
    ModelSpec(
        "PAYMENT_MODEL",
        "Payment",
        "AbstractPayment",
        "orders",
        "PaymentAdmin",
        "A payment attempt on an order.",
    ),
)


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


def available_admin_class(model: ModelSpec) -> str | None:
    """Return the dotted path of shopkit's ``ModelAdmin`` for ``model``, if the library has one.

    The module is read, not imported: importing it could need the very settings this app is
    being generated for.
    """
    module_name = f"django_shopkit.{model.app}.admin"
    try:
        module_spec = importlib.util.find_spec(module_name)
    except ImportError:
        return None
    if module_spec is None or module_spec.origin is None:
        return None
    tree = ast.parse(Path(module_spec.origin).read_text(encoding="utf-8"))
    defined = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    return f"{module_name}.{model.admin_class}" if model.admin_class in defined else None


def edited_inline(model: ModelSpec, admin_classes: dict[str, str | None]) -> bool:
    """Return whether shopkit's admin of another model already edits ``model`` inline."""
    return bool(model.inline_in and admin_classes.get(model.inline_in))


def default_admin_models(admin_classes: dict[str, str | None]) -> list[ModelSpec]:
    """Return the models registered with Django's default ``ModelAdmin``."""
    return [
        model
        for model in MODELS
        if not admin_classes.get(model.setting) and not edited_inline(model, admin_classes)
    ]


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


def render_admin(spec: AppSpec, admin_classes: dict[str, str | None]) -> str:
    """Return the source of ``admin.py``.

    ``admin_classes`` maps a model setting to the dotted path of the ``ModelAdmin`` to use, or
    ``None`` for Django's default ``ModelAdmin``.
    """
    lines = [
        '"""Admin registrations of the shopkit models."""',
        "",
        "from django.contrib import admin",
    ]
    imports: dict[str, list[str]] = {}
    for model in MODELS:
        path = admin_classes.get(model.setting)
        if path:
            module, _, name = path.rpartition(".")
            imports.setdefault(module, []).append(name)
    for module in sorted(imports):
        names = sorted(imports[module])
        line = f"from {module} import {', '.join(names)}"
        if len(line) > 100:
            line = "\n".join([f"from {module} import (", *(f"    {n}," for n in names), ")"])
        lines.append(line)
    plain = default_admin_models(admin_classes)
    registered = [m for m in MODELS if admin_classes.get(m.setting) or m in plain]
    lines += ["", "from .models import ("]
    lines.extend(f"    {name}," for name in sorted(spec.class_name(m) for m in registered))
    lines += [")", ""]
    for model in MODELS:
        path = admin_classes.get(model.setting)
        if path:
            lines.append(
                f"admin.site.register({spec.class_name(model)}, {path.rpartition('.')[2]})"
            )
    inline = [m for m in MODELS if m not in registered]
    if inline:
        lines.append("")
        lines.extend(
            f"# {spec.class_name(m)} is shown inline on the "
            f"{spec.class_name(next(p for p in MODELS if p.setting == m.inline_in))} pages."
            for m in inline
        )
    if plain:
        if len(plain) < len(MODELS):
            lines.append("")
        lines.append(
            "# Django's default ModelAdmin: replace with your own admin.ModelAdmin subclass."
        )
        lines.extend(f"admin.site.register({spec.class_name(m)})" for m in plain)
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


def render_files(spec: AppSpec, admin_classes: dict[str, str | None]) -> dict[str, str]:
    """Return every file of the app as relative path -> content."""
    return {
        "__init__.py": "",
        "apps.py": render_apps(spec),
        "models.py": render_models(spec),
        "admin.py": render_admin(spec, admin_classes),
        "migrations/__init__.py": "",
    }
