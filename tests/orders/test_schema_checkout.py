"""The OpenAPI schema of addresses, shipping methods, guest orders and checkout's input."""

import pytest

from tests.openapi import generate

pytest.importorskip("drf_spectacular")

SCRIPT = """
names = {
    "addresses": ("shopkit-address-list", []),
    "address": ("shopkit-address-detail", [1]),
    "shipping": ("shopkit-shipping-methods", []),
    "guest": ("shopkit-guest-order", ["TOKEN"]),
    "guest_pay": ("shopkit-guest-order-pay", ["TOKEN"]),
    "checkout": ("shopkit-checkout", []),
    "cart": ("shopkit-cart", []),
}
paths = {
    key: schema["paths"][reverse(name, args=args).replace("/1/", "/{id}/").replace(
        "/TOKEN/", "/{token}/")]
    for key, (name, args) in names.items()
}
warnings = [str(w) for w in GENERATOR_STATS._warn_cache if "django_shopkit/orders" in str(w)]
print(json.dumps({"paths": paths, "components": schema["components"]["schemas"],
                  "warnings": warnings}, default=str))
"""


@pytest.fixture(scope="module")
def generated():
    return generate(SCRIPT)


def ref(schema):
    return schema["$ref"].rsplit("/", 1)[1]


def body(op):
    return ref(op["requestBody"]["content"]["application/json"]["schema"])


def ok(op, code="200"):
    return op["responses"][code]["content"]["application/json"]["schema"]


def test_address_book_endpoints(generated):
    paths, components = generated["paths"], generated["components"]
    assert set(paths["addresses"]) == {"get", "post"}
    assert set(paths["address"]) == {"get", "put", "patch", "delete"}
    assert body(paths["addresses"]["post"]) == "Address"
    address = components["Address"]
    assert set(address["properties"]) == {
        "id",
        "name",
        "line1",
        "line2",
        "city",
        "postcode",
        "region",
        "country",
        "phone",
        "created_at",
        "updated_at",
    }
    assert set(address["required"]) >= {"name", "line1", "city", "country"}
    assert "404" in paths["address"]["get"]["responses"]
    assert generated["warnings"] == []


def test_shipping_methods_and_cart_query(generated):
    paths, components = generated["paths"], generated["components"]
    shipping = paths["shipping"]["get"]
    assert [p["name"] for p in shipping["parameters"]] == [
        "address_id",
        "country",
        "region",
        "postcode",
    ] or sorted(p["name"] for p in shipping["parameters"]) == [
        "address_id",
        "country",
        "postcode",
        "region",
    ]
    assert ok(shipping)["type"] == "array"
    assert set(components[ref(ok(shipping)["items"])]["properties"]) == {"code", "name", "cost"}
    assert {} in shipping["security"]  # anonymous visitors (session carts) too
    cart = paths["cart"]["get"]
    assert "shipping_method" in {p["name"] for p in cart["parameters"]}
    assert {"200", "404", "409"} <= set(cart["responses"])
    assert {"shipping_total", "tax_total", "shipping_method", "prices_include_tax"} <= set(
        components["Cart"]["properties"]
    )
    assert {"tax_rate", "net_total", "tax_total", "gross_total"} <= set(
        components["CartItem"]["properties"]
    )


def test_checkout_input_and_guest_orders(generated):
    paths, components = generated["paths"], generated["components"]
    checkout = paths["checkout"]["post"]
    assert body(checkout) == "Checkout"
    assert set(components["Checkout"]["properties"]) == {
        "shipping_address_id",
        "shipping_address",
        "billing_address_id",
        "billing_address",
        "shipping_method",
        "email",
    }
    assert {"201", "200", "400", "404", "409"} <= set(checkout["responses"])
    guest = paths["guest"]["get"]
    assert ref(ok(guest)) == "Order"
    assert {"403", "404"} <= set(guest["responses"])
    assert set(paths["guest"]) == {"get"}  # no list, no change: the token is the only key
    assert body(paths["guest_pay"]["post"]) == "Pay"
    assert {"200", "202", "402", "404", "409", "503"} <= set(
        paths["guest_pay"]["post"]["responses"]
    )
    order = components["Order"]["properties"]
    assert {
        "shipping_address",
        "billing_address",
        "shipping_method",
        "shipping_total",
        "tax_total",
        "prices_include_tax",
    } <= set(order)
