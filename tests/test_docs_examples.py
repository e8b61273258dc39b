"""Run the host code of docs/extending-catalog.rst and docs/catalog.rst, read from the .rst.

Every Python block of those pages that parses is host code and must start with a
``# shop/<module>.py`` line; the blocks of one page are written, per module, into a package of
their own and imported (``models`` in an isolated app registry), then used as a host would.
"""

import ast
import importlib
import re
import sys
import types
from pathlib import Path

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext, isolate_apps, override_settings
from django.urls import clear_url_caches, reverse
from rest_framework.test import APIClient

from django_shopkit.catalog.querysets import ProductQuerySet
from django_shopkit.catalog.views import ProductViewSet
from django_shopkit.loading import get_product_model
from tests.factories import make_product, make_user

DOCS = Path(__file__).resolve().parent.parent / "docs"
HEADER = re.compile(r"^# shop/(\w+)\.py$")


def python_blocks(page):
    """Return the page's code blocks that parse as Python, as (first line number, code)."""
    lines = (DOCS / page).read_text().splitlines()
    blocks, i = [], 0
    while i < len(lines):
        line = lines[i]
        opens = line.strip() == ".. code-block:: python" or (
            line.rstrip().endswith("::") and not line.strip().startswith("..")
        )
        if not opens:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        body = []
        while j < len(lines) and (not lines[j].strip() or lines[j].startswith("    ")):
            body.append(lines[j][4:])
            j += 1
        code = "\n".join(body).strip("\n")
        try:
            ast.parse(code)
        except SyntaxError:
            pass  # a template, a console session: not Python
        else:
            if code:
                blocks.append((i + 1, code))
        i = j
    return blocks


def host_modules(page):
    """Return ``{module: source}`` of the page's host code, blocks of a module in order."""
    modules = {}
    for line, code in python_blocks(page):
        first = code.splitlines()[0]
        match = HEADER.match(first)
        assert match, f"{page}:{line}: a Python block must start with '# shop/<module>.py'"
        modules[match[1]] = modules.get(match[1], "") + "\n" + code + "\n"
    return modules


def load_package(tmp_path, monkeypatch, name, modules):
    """Write ``modules`` as package ``name`` and import them; models in an isolated registry.

    Django gives a model the label of the installed app its module is in, and the docs'
    models declare none: they are run as if in a module of the catalog app, then put in the
    package as its ``models`` module, so ``from .models import Product`` works.
    """
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    for module, source in modules.items():
        if module != "models":
            (package / f"{module}.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    loaded = {"package": importlib.import_module(name)}
    with isolate_apps("django_shopkit.catalog"):
        if "models" in modules:
            namespace = {"__name__": f"django_shopkit.catalog.{name}_models"}
            exec(compile(modules["models"], f"{package}/models.py", "exec"), namespace)
            models = types.ModuleType(f"{name}.models")
            models.__dict__.update({k: v for k, v in namespace.items() if k != "__name__"})
            sys.modules[f"{name}.models"] = models
            loaded["models"] = models
        for module in modules:
            if module not in ("models", "admin"):
                loaded[module] = importlib.import_module(f"{name}.{module}")
    return loaded


@pytest.fixture
def unload():
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if name.startswith("docs_"):
            del sys.modules[name]


def test_every_host_block_of_both_pages_is_found():
    assert set(host_modules("extending-catalog.rst")) == {"models", "serializers", "views", "urls"}
    assert set(host_modules("catalog.rst")) == {"models", "queries", "admin"}


@pytest.mark.django_db
def test_catalog_page_blocks_run(tmp_path, monkeypatch, unload):
    modules = host_modules("catalog.rst")
    loaded = load_package(tmp_path, monkeypatch, "docs_catalog", modules)
    product_model = loaded["models"].Product
    queryset = loaded["queries"].products_for_sale()
    assert isinstance(queryset, ProductQuerySet)
    assert isinstance(queryset.cheap(), loaded["models"].ShopProductQuerySet)
    # The admin block registers the configured models (on a fresh site, not the test one).
    site = admin.AdminSite(name="docs")
    monkeypatch.setattr(admin, "site", site)
    importlib.import_module("docs_catalog.admin")
    assert site.is_registered(get_product_model())
    assert product_model._meta.get_field("name")


@pytest.mark.django_db
def test_extending_page_blocks_run(
    tmp_path, monkeypatch, unload, django_capture_on_commit_callbacks
):
    on_commit = django_capture_on_commit_callbacks
    modules = host_modules("extending-catalog.rst")
    loaded = load_package(tmp_path, monkeypatch, "docs_extending", modules)
    models = loaded["models"]
    assert models.Product._meta.get_field("sku").max_length == 32
    assert models.Discount._meta.get_field("members_only")
    viewset = loaded["views"].ShopProductViewSet
    assert issubclass(viewset, ProductViewSet)

    with override_settings(ROOT_URLCONF="docs_extending.urls"):
        clear_url_caches()
        try:
            purchase = reverse("shopkit-product-purchase", args=[1])
            assert purchase.endswith("/products/1/purchase/")
            real = get_product_model()
            if not any(f.name == "sku" for f in real._meta.get_fields()):
                return  # this configuration's Product has no sku to show or filter on
            shown = make_product(name="Shown", sku="A-1", tags=["b-tag", "a-tag"])
            make_product(name="No SKU", sku="")
            api = APIClient()
            api.force_authenticate(make_user())  # signed in: no cached response
            with CaptureQueriesContext(connection) as one:
                rows = api.get(reverse("shopkit-product-list")).json()["results"]
            assert [(r["name"], r["sku"], r["tag_slugs"]) for r in rows] == [
                ("Shown", "A-1", ["a-tag", "b-tag"])
            ]
            # The relation the serializer reads is prefetched: more products, same queries.
            with on_commit(execute=True):  # a new catalog version: the count is redone
                for i in range(5):
                    make_product(name=f"More {i}", sku=f"M-{i}", tags=["a-tag", f"tag-{i}"])
            with CaptureQueriesContext(connection) as six:
                rows = api.get(reverse("shopkit-product-list")).json()["results"]
            assert len(rows) == 6
            assert all(len(r["tag_slugs"]) == 2 for r in rows)
            assert len(six) == len(one)
            assert api.get(reverse("shopkit-product-list"), {"search": "A-1"}).json()["count"] == 1
            # The write serializer's validate(): featured products need a SKU.
            staff = make_user(is_staff=True)
            api.force_authenticate(staff)
            url = reverse("shopkit-product-detail", args=[shown.pk])
            response = api.patch(url, {"sku": "", "is_featured": True}, format="json")
            assert response.status_code == 400
            assert response.json() == {"sku": ["Featured products need a SKU."]}
            # A write answers with the host's read serializer: its fields, its method field.
            response = api.patch(url, {"sku": "A-2"}, format="json")
            assert response.status_code == 200, response.content
            assert (response.json()["sku"], response.json()["tag_slugs"]) == (
                "A-2",
                ["a-tag", "b-tag"],
            )
            bought = APIClient()
            bought.force_authenticate(make_user())
            response = bought.post(purchase.replace("/1/", f"/{shown.pk}/"), {"quantity": 1})
            assert response.status_code == 201, response.content
        finally:
            clear_url_caches()


def test_the_discount_hook_of_the_docs_prices_as_documented(tmp_path, monkeypatch, unload):
    from decimal import Decimal
    from types import SimpleNamespace

    loaded = load_package(
        tmp_path,
        monkeypatch,
        "docs_pricing",
        {"models": host_modules("extending-catalog.rst")["models"]},
    )
    discount_model = loaded["models"].Discount
    # Its product relation points at a model this isolated registry cannot resolve: build
    # the instance without __init__ (no database either way).
    discount = discount_model.__new__(discount_model)
    discount.__dict__.update(percent=Decimal("10"), starts_at=None, ends_at=None)
    discount.members_only = True
    anonymous = SimpleNamespace(user=SimpleNamespace(is_authenticated=False))
    member = SimpleNamespace(user=SimpleNamespace(is_authenticated=True))
    product = SimpleNamespace(price=Decimal("20.00"), stock=500)
    assert discount.price_for(product, request=anonymous) is None
    assert discount.price_for(product, request=member) == Decimal("17.00")
    discount.members_only = False
    assert discount.price_for(SimpleNamespace(price=Decimal("20.00"), stock=1)) == Decimal("18.00")
