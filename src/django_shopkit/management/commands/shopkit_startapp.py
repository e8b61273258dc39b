"""``manage.py shopkit_startapp NAME [DIRECTORY]``: write a host app for the shopkit models."""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_shopkit.conf import MODELS
from django_shopkit.management.scaffold import AppSpec, is_identifier, render_files

#: Apps the generated app needs, in the order they belong in ``INSTALLED_APPS``.
REQUIRED_APPS = (
    "rest_framework",
    "django_filters",
    "django_shopkit",
    "django_shopkit.catalog",
    "django_shopkit.orders",
)

#: App labels shopkit's own apps use; a host app cannot take them.
RESERVED_LABELS = frozenset({"shopkit", "shopkit_catalog", "shopkit_orders"})


class Command(BaseCommand):
    """Write an app with a concrete subclass of every shopkit model and its admin."""

    help = (
        "Create a Django app holding a concrete subclass of every shopkit abstract model, with "
        "an admin.py, and print the settings and URL lines to add."
    )
    # The project is usually not configured for shopkit yet when this runs (that is the point
    # of running it), so the shopkit model checks would only report what it is about to fix.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare NAME, the optional DIRECTORY and ``--class-name``."""
        parser.add_argument("name", help="Name of the app (a Python identifier), e.g. 'shop'.")
        parser.add_argument(
            "directory",
            nargs="?",
            help="Existing directory to create the app in (default: the current directory).",
        )
        parser.add_argument(
            "--class-name",
            action="append",
            default=[],
            metavar="MODEL=ClassName",
            help="Rename one generated class, e.g. --class-name Product=Item (repeatable).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Validate the arguments, write the files and print the next steps."""
        name: str = options["name"]
        self._validate_name(name)
        parent = Path(options["directory"] or ".").resolve()
        if not parent.is_dir():
            raise CommandError(f"Destination directory '{parent}' does not exist; create it first.")
        target = parent / name
        if target.exists():
            raise CommandError(f"'{target}' already exists; refusing to overwrite it.")
        module = self._module_path(name, parent)
        # A top-level app shadowing an importable module (a stdlib one, say) breaks imports.
        if module == name and importlib.util.find_spec(name) is not None:
            raise CommandError(
                f"'{name}' conflicts with the name of an existing Python module; choose another "
                "name."
            )
        spec = AppSpec(
            module=module,
            label=name,
            class_names=self._class_names(options["class_name"]),
        )
        for relative, content in render_files(spec).items():
            path = target / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Created app '{spec.module}' in {target}"))
        self.stdout.write(self._next_steps(spec))

    def _validate_name(self, name: str) -> None:
        if not is_identifier(name):
            raise CommandError(f"'{name}' is not a valid app name: use a Python identifier.")
        if name in RESERVED_LABELS:
            raise CommandError(f"'{name}' is the label of a shopkit app; choose another name.")

    def _module_path(self, name: str, parent: Path) -> str:
        """Return the dotted import path of the new app, relative to the current directory."""
        try:
            relative = parent.relative_to(Path.cwd().resolve())
        except ValueError:
            # Outside the project: the directory must be on sys.path itself.
            return name
        parts = [*relative.parts, name]
        if not all(is_identifier(part) for part in parts):
            return name
        return ".".join(parts)

    def _class_names(self, values: list[str]) -> dict[str, str]:
        by_default_name = {model.default_name.lower(): model for model in MODELS}
        names: dict[str, str] = {}
        for value in values:
            model_name, sep, class_name = value.partition("=")
            model = by_default_name.get(model_name.strip().lower())
            if not sep or model is None:
                choices = ", ".join(m.default_name for m in MODELS)
                raise CommandError(
                    f"--class-name expects MODEL=ClassName with MODEL one of {choices}; "
                    f"got {value!r}."
                )
            class_name = class_name.strip()
            if not is_identifier(class_name):
                raise CommandError(f"'{class_name}' is not a valid class name.")
            names[model.setting] = class_name
        if len(
            set(names.values()) | {m.default_name for m in MODELS if m.setting not in names}
        ) < len(MODELS):
            raise CommandError("--class-name gives two models the same class name.")
        return names

    def _sqlite_lines(self) -> list[str]:
        # The project's SQLite databases that shopkit.W040 would warn about.
        if not settings.configured:
            return []
        from django_shopkit.db_checks import sqlite_aliases_without_immediate

        lines: list[str] = []
        for alias in sqlite_aliases_without_immediate():
            if not lines:
                lines.append("# SQLite: take the write lock up front (see shopkit.W040).")
            lines.append(
                f'DATABASES["{alias}"].setdefault("OPTIONS", {{}})["transaction_mode"] = '
                '"IMMEDIATE"'
            )
        return lines

    def _next_steps(self, spec: AppSpec) -> str:
        installed = set(getattr(settings, "INSTALLED_APPS", []) if settings.configured else [])
        missing = [app for app in (*REQUIRED_APPS, spec.module) if app not in installed]
        settings_lines = []
        if missing:
            settings_lines.append("INSTALLED_APPS += [")
            settings_lines.extend(f'    "{app}",' for app in missing)
            settings_lines.append("]")
        settings_lines.extend(self._sqlite_lines())
        settings_lines.append(f'SHOPKIT_MODELS_APP = "{spec.label}"')
        settings_lines.extend(
            f'SHOPKIT_{model.setting} = "{spec.label}.{spec.class_name(model)}"'
            for model in MODELS
            if model.setting in spec.class_names
        )
        urls = [
            "from django.urls import include, path",
            "",
            "urlpatterns += [",
            '    path("api/", include("django_shopkit.urls")),',
            '    path("shop/", include("django_shopkit.storefront_urls")),',
            "]",
        ]
        commands = [
            f"python manage.py makemigrations {spec.label}",
            "python manage.py migrate",
        ]

        def block(lines: list[str]) -> str:
            return textwrap.indent("\n".join(lines), "    ", lambda line: bool(line.strip()))

        return (
            "\nAdd to your settings module:\n\n"
            f"{block(settings_lines)}\n"
            "\nAdd to your root URLconf (urls.py):\n\n"
            f"{block(urls)}\n"
            "\nThen create the tables:\n\n"
            f"{block(commands)}\n"
        )
