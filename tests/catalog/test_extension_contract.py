"""What a host overrides runs on every read: serializer methods, model methods, DRF fields.

Each test subclasses as docs/extending-catalog.rst says and calls the ViewSet as the router
would; they run under every host configuration.
"""

import pytest
from django.urls import reverse
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.test import APIRequestFactory

from django_shopkit.catalog.serializers import ProductSerializer
from django_shopkit.catalog.views import ProductViewSet
from django_shopkit.loading import get_discount_model
from tests.factories import make_discount, make_product, make_user

pytestmark = pytest.mark.django_db


class RequestPricedSerializer(ProductSerializer):
    """The everyday SerializerMethodField pattern: read ``self.context["request"]``."""

    shown_to = serializers.SerializerMethodField()

    class Meta(ProductSerializer.Meta):
        fields = [*ProductSerializer.Meta.fields, "shown_to"]
        read_only_fields = fields

    def get_discount_price(self, obj):
        if self.context["request"].query_params.get("vip") == "1":
            return "0.01"
        return super().get_discount_price(obj)

    def get_shown_to(self, obj):
        return self.context["request"].query_params.get("who", "")


class RequestPricedViewSet(ProductViewSet):
    serializer_class = RequestPricedSerializer


def call(viewset, action, params=None, **kwargs):
    view = viewset.as_view({"get": action})
    response = view(APIRequestFactory().get("/", params or {}), **kwargs)
    response.render()
    return response


def test_a_serializer_reading_the_request_serves_list_detail_featured_and_mine():
    product = make_product(price="10.00", is_featured=True, created_by=make_user())
    make_discount(product, percent="50")
    listed = call(RequestPricedViewSet, "list", {"vip": "1", "who": "ann"})
    assert listed.status_code == 200
    assert [(r["discount_price"], r["shown_to"]) for r in listed.data["results"]] == [
        ("0.01", "ann")
    ]
    detail = call(RequestPricedViewSet, "retrieve", {"who": "bob"}, pk=product.pk)
    assert (detail.status_code, detail.data["discount_price"], detail.data["shown_to"]) == (
        200,
        "5.00",
        "bob",
    )
    featured = call(RequestPricedViewSet, "featured", {"vip": "1"})
    assert (featured.status_code, featured.data[0]["discount_price"]) == (200, "0.01")


def test_a_discount_rule_reading_its_product_runs_on_real_instances(
    monkeypatch, django_assert_max_num_queries
):
    seen = []

    def is_current(self, now=None):
        seen.append(type(self))
        # A rule reading the product: it must already be loaded, and be this product.
        return self.product.stock > 5 and self.pk is not None

    monkeypatch.setattr(get_discount_model(), "is_current", is_current)
    many = make_product(name="Many", price="10.00", stock=9)
    few = make_product(name="Few", price="10.00", stock=2)
    for product in (many, few):
        make_discount(product, percent="20")
    with django_assert_max_num_queries(3):
        listed = call(RequestPricedViewSet, "list")
    prices = {row["name"]: row["discount_price"] for row in listed.data["results"]}
    assert prices == {"Many": "8.00", "Few": None}
    assert set(seen) == {get_discount_model()}
    with django_assert_max_num_queries(2):
        detail = call(RequestPricedViewSet, "retrieve", pk=few.pk)
    assert detail.data["discount_price"] is None


def test_price_for_is_the_one_pricing_hook(monkeypatch, api):
    def price_for(self, product, request=None, now=None):
        return product.price - 1

    monkeypatch.setattr(get_discount_model(), "price_for", price_for)
    product = make_product(price="10.00")
    make_discount(product, percent="50")
    data = call(RequestPricedViewSet, "retrieve", pk=product.pk).data
    assert data["discount_price"] == "9.00"
    page = api.get(reverse("shopkit_catalog:product-detail", args=[product.slug]))
    assert "9.00" in page.content.decode()


class SkippingField(serializers.Field):
    def get_attribute(self, instance):
        raise SkipField


class SkippingSerializer(ProductSerializer):
    maybe = SkippingField(read_only=True)

    class Meta(ProductSerializer.Meta):
        fields = [*ProductSerializer.Meta.fields, "maybe"]
        read_only_fields = fields


class SkippingViewSet(ProductViewSet):
    serializer_class = SkippingSerializer


def test_a_field_drf_skips_is_left_out():
    product = make_product()
    detail = call(SkippingViewSet, "retrieve", pk=product.pk)
    assert detail.status_code == 200
    assert "maybe" not in detail.data
    assert "maybe" not in call(SkippingViewSet, "list").data["results"][0]


@pytest.mark.parametrize(
    ("value", "shown"),
    [("12.5", "12.50"), ("0", "0.00"), ("3.005", "3.01"), ("1E+1", "10.00"), ("-0.004", "-0.00")],
)
def test_decimal_columns_show_the_columns_places(value, shown):
    from decimal import Decimal

    from django_shopkit.catalog.serializers import DecimalColumn

    assert DecimalColumn(decimal_places=2).to_representation(Decimal(value)) == shown
