"""``shopkit_startapp``: the generated app works in a brand-new ``startproject`` site."""

import json
import os
import re
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.utils.module_loading import import_string

from django_shopkit.conf import MODEL_SETTINGS, MODELS
from django_shopkit.management.scaffold import AppSpec, render_admin

SRC = Path(__file__).resolve().parent.parent / "src"


def _env(project: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["PYTHONPATH"] = os.pathsep.join([str(project), str(SRC), env.get("PYTHONPATH", "")])
    env["DJANGO_SETTINGS_MODULE"] = "mysite.settings"
    # The new project's settings have no DATABASE_URL logic; keep the environment from leaking.
    env.pop("DATABASE_URL", None)
    return env


def _run(project: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "django", *args],
        cwd=project,
        env=_env(project),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _printed_block(output: str, heading: str) -> str:
    """Return the indented block printed under ``heading``, dedented."""
    match = re.search(re.escape(heading) + r"\n\n((?:    .*\n|\n)+)", output)
    assert match, f"no {heading!r} block in:\n{output}"
    return textwrap.dedent(match.group(1)).strip() + "\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get_json(url: str) -> tuple[int, object]:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


def _serve(project: Path, port: int) -> subprocess.Popen[str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=project,
        env=_env(project),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"runserver exited:\n{server.stdout.read()}")  # type: ignore[union-attr]
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)  # polling for the port to open, not waiting for a guess
    server.kill()
    raise AssertionError("runserver did not start within 20 s")


def test_generated_app_serves_the_api_in_a_new_project(tmp_path):
    project = tmp_path / "site"
    project.mkdir()
    _run(project, "startproject", "mysite", str(project))
    settings_py = project / "mysite" / "settings.py"
    urls_py = project / "mysite" / "urls.py"
    # The quick start's first step: the core app alone, which provides the command.
    settings_py.write_text(settings_py.read_text() + '\nINSTALLED_APPS += ["django_shopkit"]\n')

    output = _run(project, "shopkit_startapp", "shop")

    app = project / "shop"
    assert sorted(p.relative_to(app).as_posix() for p in app.rglob("*.py")) == [
        "__init__.py",
        "admin.py",
        "apps.py",
        "migrations/__init__.py",
        "models.py",
    ]
    models_source = (app / "models.py").read_text()
    for model in MODELS:
        assert f"class {model.default_name}({model.abstract}):" in models_source

    # Paste exactly what the command printed.
    settings_block = _printed_block(output, "Add to your settings module:")
    assert '"django_shopkit",' not in settings_block  # already installed: not repeated
    settings_py.write_text(settings_py.read_text() + "\n" + settings_block)
    urls_py.write_text(
        urls_py.read_text() + "\n" + _printed_block(output, "Add to your root URLconf (urls.py):")
    )

    assert "shop/migrations/0001_initial.py" in _run(project, "makemigrations", "shop").replace(
        os.sep, "/"
    )
    _run(project, "migrate", "--no-input")
    assert "no issues" in _run(project, "check")
    _run(
        project,
        "shell",
        "-c",
        "from django_shopkit.loading import get_category_model, get_product_model; "
        "c = get_category_model().objects.create(name='Tools'); "
        "get_product_model().objects.create(name='Scaffolded hammer', price='9.50', stock=3, "
        "category=c)",
    )

    port = _free_port()
    server = _serve(project, port)
    try:
        status, root = _get_json(f"http://127.0.0.1:{port}/api/")
        assert status == 200
        assert "products" in root, root
        status, products = _get_json(root["products"])
        assert status == 200
        results = products["results"] if isinstance(products, dict) else products
        assert [p["name"] for p in results] == ["Scaffolded hammer"]
        # The storefront include the command printed, at the prefix it printed.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/shop/", timeout=10) as response:
            assert response.status == 200
            assert "Scaffolded hammer" in response.read().decode()
    finally:
        server.kill()
        server.wait(timeout=10)
        server.stdout.close()


def test_refuses_to_overwrite_an_existing_directory(tmp_path):
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "models.py").write_text("# mine\n")
    with pytest.raises(CommandError, match="already exists"):
        call_command("shopkit_startapp", "shop", str(tmp_path))
    assert (tmp_path / "shop" / "models.py").read_text() == "# mine\n"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("my-shop", "not a valid app name"),
        ("class", "not a valid app name"),
        ("shopkit_catalog", "label of a shopkit app"),
        ("json", "conflicts with the name of an existing Python module"),
    ],
)
def test_rejects_bad_names(tmp_path, name, message):
    with pytest.raises(CommandError, match=message):
        call_command("shopkit_startapp", name, str(tmp_path))
    assert not (tmp_path / name).exists()


def test_missing_destination_directory_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("shopkit_startapp", "shop", str(tmp_path / "nowhere"))


def test_class_names_can_be_chosen_and_are_printed(tmp_path, capsys):
    call_command("shopkit_startapp", "store", str(tmp_path), "--class-name", "product=Item")
    source = (tmp_path / "store" / "models.py").read_text()
    assert "class Item(AbstractProduct):" in source
    assert "class Product(" not in source
    out = capsys.readouterr().out
    assert 'SHOPKIT_MODELS_APP = "store"' in out
    assert 'SHOPKIT_PRODUCT_MODEL = "store.Item"' in out
    assert "SHOPKIT_TAG_MODEL" not in out  # default names come from SHOPKIT_MODELS_APP


@pytest.mark.parametrize("value", ["product", "widget=Item", "product=not-valid", "product=Tag"])
def test_bad_class_name_option(tmp_path, value):
    with pytest.raises(CommandError):
        call_command("shopkit_startapp", "store", str(tmp_path), "--class-name", value)
    assert not (tmp_path / "store").exists()


def test_app_inside_the_project_gets_a_dotted_module_path(tmp_path, monkeypatch):
    (tmp_path / "apps").mkdir()
    monkeypatch.chdir(tmp_path)
    call_command("shopkit_startapp", "shop", "apps")
    apps_source = (tmp_path / "apps" / "shop" / "apps.py").read_text()
    assert 'name = "apps.shop"' in apps_source
    assert 'label = "shop"' in apps_source


def test_admin_uses_library_admins_and_leaves_inline_models_to_them():
    source = render_admin(AppSpec(module="shop", label="shop", class_names={"ORDER_MODEL": "Sale"}))
    compile(source, "admin.py", "exec")
    assert "from django_shopkit.catalog.admin import (\n    CategoryAdmin,\n" in source
    assert (
        "from django_shopkit.orders.admin import (\n    AddressAdmin,\n    CartAdmin,\n"
        "    OrderAdmin,\n    PaymentAdmin,\n    PaymentEventAdmin,\n)\n"
    ) in source
    assert "admin.site.register(Address, AddressAdmin)" in source
    assert "admin.site.register(Sale, OrderAdmin)" in source
    assert "admin.site.register(Product, ProductAdmin)" in source
    # Edited inline on their parents' pages: neither registered nor imported (no unused name).
    for name in ("CartItem", "OrderItem"):
        assert f"register({name}" not in source
        assert f"    {name},\n" not in source
    assert "# OrderItem is shown inline on the Sale pages." in source


def test_generated_admin_names_the_library_admin_classes():
    """Each model's admin class exists; an inline model is among its parent admin's inlines."""
    for model in MODELS:
        if model.admin_path:
            assert issubclass(import_string(model.admin_path), admin.ModelAdmin), model
        else:
            parent = import_string(MODEL_SETTINGS[model.inline_in].admin_path)
            assert model.default_name in {i.__name__.removesuffix("Inline") for i in parent.inlines}
