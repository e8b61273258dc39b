"""The OpenAPI schema of the orders API, generated in a subprocess with drf-spectacular on.

drf-spectacular binds annotations when the views are imported, so the schema class has to be
configured from the start: ``tests.orders.settings_openapi``.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytest.importorskip("drf_spectacular")

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, django
django.setup()
from django.urls import reverse
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
schema = SchemaGenerator().get_schema(request=None, public=True)
names = {
    "add": ("shopkit-cart-item-list", "post", []),
    "patch": ("shopkit-cart-item-detail", "patch", [1]),
    "checkout": ("shopkit-checkout", "post", []),
    "pay": ("shopkit-order-pay", "post", [1]),
    "cancel": ("shopkit-order-cancel", "post", [1]),
    "purchase": ("shopkit-product-purchase", "post", [1]),
    "cart": ("shopkit-cart", "get", []),
}
ops = {
    key: schema["paths"][reverse(name, args=args).replace("/1/", "/{id}/")][method]
    for key, (name, method, args) in names.items()
}
warnings = [str(w) for w in GENERATOR_STATS._warn_cache if "django_shopkit/orders" in str(w)]
print(json.dumps({"ops": ops, "components": schema["components"]["schemas"],
                  "warnings": warnings}, default=str))
"""


@pytest.fixture(scope="module")
def generated():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.orders.settings_openapi",
        "SHOPKIT_BASE_SETTINGS": settings.SETTINGS_MODULE,
    }
    env.pop("DATABASE_URL", None)  # schema generation needs no database
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def body(op):
    return op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]


def responses(op):
    return {
        code: response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        for code, response in op["responses"].items()
        if "content" in response
    }


def test_orders_endpoints_are_described_accurately(generated):
    ops, components = generated["ops"], generated["components"]
    assert body(ops["add"]) == "AddToCart"
    assert responses(ops["add"]) == {"201": "CartItem", "200": "CartItem"}
    assert set(components[body(ops["patch"])]["properties"]) == {"quantity"}
    assert "requestBody" not in ops["checkout"]
    assert responses(ops["checkout"]) == {"201": "Order", "200": "Order"}
    assert [p["name"] for p in ops["checkout"]["parameters"]] == ["Idempotency-Key"]
    assert body(ops["pay"]) == "Pay"
    assert responses(ops["pay"]) == {"200": "Order"}
    assert "requestBody" not in ops["cancel"]
    assert body(ops["purchase"]) == "Purchase"
    assert responses(ops["purchase"]) == {"201": "Order"}
    assert responses(ops["cart"]) == {"200": "Cart"}
    assert generated["warnings"] == []
