"""The OpenAPI schema of the orders API (drf-spectacular, generated in a subprocess)."""

import pytest

from tests.openapi import generate

pytest.importorskip("drf_spectacular")

SCRIPT = """
names = {
    "add": ("shopkit-cart-item-list", "post", []),
    "patch": ("shopkit-cart-item-detail", "patch", [1]),
    "checkout": ("shopkit-checkout", "post", []),
    "pay": ("shopkit-order-pay", "post", [1]),
    "cancel": ("shopkit-order-cancel", "post", [1]),
    "purchase": ("shopkit-product-purchase", "post", [1]),
    "cart": ("shopkit-cart", "get", []),
    "webhook": ("shopkit-payment-webhook", "post", []),
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
    return generate(SCRIPT)


def body(op):
    return op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]


def responses(op):
    return {
        code: response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        for code, response in op["responses"].items()
        if "content" in response and code < "400"
    }


def errors(op):
    return {
        code: response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        for code, response in op["responses"].items()
        if code >= "400"
    }


def test_orders_endpoints_are_described_accurately(generated):
    ops, components = generated["ops"], generated["components"]
    assert body(ops["add"]) == "AddToCart"
    assert responses(ops["add"]) == {"201": "CartItem", "200": "CartItem"}
    assert set(components[body(ops["patch"])]["properties"]) == {"quantity"}
    assert body(ops["checkout"]) == "Checkout"  # its fields: tests/orders/test_schema_checkout.py
    assert responses(ops["checkout"]) == {"201": "Order", "200": "Order"}
    assert [p["name"] for p in ops["checkout"]["parameters"]] == ["Idempotency-Key"]
    assert body(ops["pay"]) == "Pay"
    assert responses(ops["pay"]) == {"200": "Order", "202": "PaymentPending"}
    pending = components["PaymentPending"]["properties"]
    assert set(pending) == {"detail", "code", "payment"}
    action = components["PaymentAction"]["properties"]
    assert set(action) == {"type", "redirect_url", "client_secret"}
    assert {"amount_paid", "amount_refunded", "amount_outstanding"} <= set(
        components["Order"]["properties"]
    )
    assert set(components[body(ops["pay"])]["properties"]) == {
        "token",
        "payment_method",
        "return_url",
    }
    assert responses(ops["webhook"]) == {"200": "WebhookAnswer"}
    assert "400" in errors(ops["webhook"])  # a bad signature or payload
    assert ops["webhook"]["requestBody"]["content"]["application/json"]["schema"]["type"] == (
        "object"
    )
    assert ops["webhook"].get("security", [{}]) == [{}]  # no session or token: the signature
    assert "requestBody" not in ops["cancel"]
    assert body(ops["purchase"]) == "Purchase"
    assert responses(ops["purchase"]) == {"201": "Order", "200": "Order"}
    assert responses(ops["cart"]) == {"200": "Cart"}
    assert generated["warnings"] == []


def test_errors_are_documented_with_their_shape(generated):
    ops, components = generated["ops"], generated["components"]
    assert errors(ops["checkout"]) == {
        "400": "ValidationError",
        "401": "Error",
        "403": "Error",
        "404": "Error",  # an address id that is not the user's
        "409": "Error",
        "429": "Error",
    }
    assert set(errors(ops["pay"])) == {"400", "401", "402", "403", "404", "409", "429", "503"}
    assert set(errors(ops["cancel"])) == {"400", "401", "403", "404", "409", "429"}
    assert set(errors(ops["purchase"])) >= {"400", "404", "409", "429"}
    # A read, never throttled; its query (address, shipping method) may be a 400, 404 or 409.
    assert set(errors(ops["cart"])) == {"400", "401", "403", "404", "409"}
    assert components["Error"]["required"] == ["detail"]
    assert components["ValidationError"]["type"] == "object"


def test_order_dates_are_nullable(generated):
    order = generated["components"]["Order"]["properties"]
    for name in ("paid_at", "fulfilled_at", "cancelled_at"):
        assert order[name].get("nullable") is True, name
    assert order["created_at"].get("nullable") is not True
