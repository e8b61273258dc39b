import pytest
from django.urls import reverse

pytest.importorskip("drf_spectacular")

from drf_spectacular.drainage import GENERATOR_STATS  # noqa: E402
from drf_spectacular.generators import SchemaGenerator  # noqa: E402


@pytest.fixture
def schema(settings):
    settings.REST_FRAMEWORK = {"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
    GENERATOR_STATS.reset()
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return generated


def operation(schema, name, method, *args):
    return schema["paths"][reverse(name, args=args).replace("/1/", "/{id}/")][method]


def body_ref(op):
    return op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]


def response_refs(op):
    return {
        code: response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        for code, response in op["responses"].items()
        if "content" in response
    }


def test_orders_endpoints_are_described_accurately(schema):
    add = operation(schema, "shopkit-cart-item-list", "post")
    assert body_ref(add) == "AddToCart"
    assert response_refs(add) == {"201": "CartItem", "200": "CartItem"}
    patch = operation(schema, "shopkit-cart-item-detail", "patch", 1)
    assert set(schema["components"]["schemas"][body_ref(patch)]["properties"]) == {"quantity"}
    checkout = operation(schema, "shopkit-checkout", "post")
    assert "requestBody" not in checkout
    assert response_refs(checkout) == {"201": "Order", "200": "Order"}
    assert [p["name"] for p in checkout["parameters"]] == ["Idempotency-Key"]
    pay = operation(schema, "shopkit-order-pay", "post", 1)
    assert body_ref(pay) == "Pay"
    assert response_refs(pay) == {"200": "Order"}
    purchase = operation(schema, "shopkit-product-purchase", "post", 1)
    assert body_ref(purchase) == "Purchase"
    assert response_refs(purchase) == {"201": "Order"}
    assert response_refs(operation(schema, "shopkit-cart", "get")) == {"200": "Cart"}
    # No "could not derive type" or similar warning about the orders views.
    assert not [w for w in GENERATOR_STATS._warn_cache if "django_shopkit/orders" in str(w)]
