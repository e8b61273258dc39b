"""The raw SQL read path (catalog.sql) gives DRF's regular output, or steps aside."""

from decimal import Decimal, InvalidOperation

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from django_shopkit.catalog.converters import value_converter
from django_shopkit.catalog.serializers import ProductSerializer
from django_shopkit.catalog.views import ProductViewSet
from django_shopkit.loading import get_product_model
from tests.catalog.helpers import LIST, PlainViewSet, make_full_product, plain, varied_products
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db


def test_list_page_is_one_query_with_its_count(api, django_assert_num_queries):
    varied_products()
    make_full_product()
    for params in ({}, {"page_size": 2, "page": 2}, {"ordering": "-average_rating"}):
        with django_assert_num_queries(1):
            response = api.get(reverse(LIST), params)
        assert response.content == plain("list", params, path=reverse(LIST)).content


@pytest.mark.parametrize(
    "params",
    [
        {"page": 9},
        {"page": "last", "page_size": 2},
        {"page": "0"},
        {"page": "x"},
        {"search": "no such product"},
        {"ordering": "-price", "page_size": 3, "page": 2},
    ],
)
def test_edge_pages_equal_drf(api, params, django_assert_max_num_queries):
    varied_products()
    with django_assert_max_num_queries(2):
        response = api.get(reverse(LIST), params)
    expected = plain("list", params, path=reverse(LIST))
    assert response.status_code == expected.status_code
    assert response.content == expected.content


def test_ordering_through_another_table_falls_back_and_equals_drf():
    class ByCategory(ProductViewSet):
        ordering_fields = [*ProductViewSet.ordering_fields, "category__name"]

    class PlainByCategory(PlainViewSet):
        ordering_fields = ByCategory.ordering_fields

    for name in ("b", "c", "a"):
        make_product(category=make_category(name))
    request = {"ordering": "-category__name"}
    factory = APIRequestFactory()
    got = ByCategory.as_view({"get": "list"})(factory.get("/", request))
    want = PlainByCategory.as_view({"get": "list"})(factory.get("/", request))
    got.render(), want.render()
    assert got.content == want.content
    assert [row["category_name"] for row in got.data["results"]] == ["c", "b", "a"]


def test_distinct_queryset_takes_the_orm_path():
    class Distinct(ProductViewSet):
        def get_queryset(self):
            return super().get_queryset().distinct()

    make_full_product()
    reader = ProductSerializer.row_reader(get_product_model(), "default")
    assert reader is not None
    assert reader.compile(get_product_model().objects.distinct()) is None
    response = Distinct.as_view({"get": "list"})(APIRequestFactory().get("/"))
    response.render()
    assert response.status_code == 200
    assert response.data["count"] == 1


def test_backend_converters_it_skips_for_none_keep_none():
    reader = ProductSerializer.row_reader(get_product_model(), "default")
    assert reader is not None
    for _position, convert, expression, keeps_none in (*reader.steps, *reader.tag_steps):
        if keeps_none:
            assert convert(None, expression, connection) is None


def test_fraction_converter_matches_drf_or_its_error():
    field = serializers.DecimalField(max_digits=6, decimal_places=2)
    convert = value_converter(field)
    values = ("0.05", "-12.34", "1234.56", "99999.99", "-0.10", "0E-2", "NaN", "12.345")
    for value in values:
        try:
            expected = field.to_representation(Decimal(value))
        except InvalidOperation:
            with pytest.raises(InvalidOperation):
                convert(Decimal(value))
        else:
            assert convert(Decimal(value)) == expected
