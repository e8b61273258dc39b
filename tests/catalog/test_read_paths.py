"""The lean read paths (values() rows) give exactly DRF's regular output, or step aside."""

import datetime
import json
import threading
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.test import APIRequestFactory

from django_shopkit.catalog.converters import value_converter
from django_shopkit.catalog.serializers import ProductSerializer
from django_shopkit.catalog.sql_parts import tag_ordering
from django_shopkit.catalog.views import ProductViewSet
from tests.catalog.helpers import LIST, detail_url, make_full_product, plain, varied_products
from tests.factories import make_product

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"search": "mug"},
        {"ordering": "price"},
        {"ordering": "-average_rating"},
        {"ordering": "name", "page_size": 2, "page": 2},
        {"tags": "red"},
        {"min_price": "5", "in_stock": "true"},
    ],
)
def test_list_equals_drf_regular_path(api, params):
    varied_products()
    response = api.get(reverse(LIST), params)
    expected = plain("list", params, path=reverse(LIST))
    assert response.status_code == expected.status_code == 200
    assert response.content == expected.content


@pytest.mark.parametrize("index", range(4))
def test_detail_equals_drf_regular_path_in_one_query(api, index, django_assert_num_queries):
    product = varied_products()[index]
    with django_assert_num_queries(1):
        response = api.get(detail_url(product))
    expected = plain("retrieve", pk=str(product.pk))
    assert response.status_code == 200
    assert response.content == expected.content


def test_detail_in_another_timezone_equals_drf(api, settings):
    settings.TIME_ZONE = "America/New_York"
    product = make_full_product()
    with timezone.override("Asia/Kolkata"):
        body = api.get(detail_url(product)).json()
        expected = plain("retrieve", pk=str(product.pk)).data
    assert body["created_at"] == expected["created_at"]
    assert body["created_at"].endswith("+05:30")


def test_missing_or_malformed_product_is_drfs_404(api):
    for pk in ("999999", "abc"):
        response = api.get(reverse("shopkit-product-detail", args=[pk]))
        expected = plain("retrieve", pk=pk)
        assert response.status_code == expected.status_code == 404
        assert response.content == expected.content


def test_browsable_api_keeps_the_instance_path(api, django_assert_num_queries):
    product = make_full_product()
    # Two queries (row, tags prefetch): DRF's path, so the HTML forms see the instance.
    with django_assert_num_queries(2):
        response = api.get(detail_url(product), {"format": "api"})
    assert response.status_code == 200


def test_object_permission_that_reads_the_object_still_runs():
    class OnlyCheap(BasePermission):
        def has_object_permission(self, request, view, obj):
            return obj.price < 5

    class GuardedViewSet(ProductViewSet):
        permission_classes = [OnlyCheap]

    cheap, dear = make_product(price="1.00"), make_product(price="50.00")
    view = GuardedViewSet.as_view({"get": "retrieve"})
    factory = APIRequestFactory()
    assert view(factory.get("/"), pk=str(cheap.pk)).status_code == 200
    assert view(factory.get("/"), pk=str(dear.pk)).status_code == 403


def test_detail_lists_every_tag_when_the_queryset_joins_tags(django_assert_num_queries):
    class TaggedOnly(ProductViewSet):
        def get_queryset(self):
            return super().get_queryset().filter(tags__slug="red")

    product = make_product(tags=["red", "blue", "amber"])
    view = TaggedOnly.as_view({"get": "retrieve"})
    with django_assert_num_queries(1):
        response = view(APIRequestFactory().get("/"), pk=str(product.pk))
        response.render()
    assert response.data["tags"] == ["amber", "blue", "red"]


def test_tag_ordering_is_read_from_the_tag_model():
    assert tag_ordering() == ["name"]


def test_decimal_converter_matches_drf():
    field = serializers.DecimalField(max_digits=6, decimal_places=2)
    convert = value_converter(field)
    for value in ("1.50", "1.5", "3", "1.005", "-0.00", "9999.99", "1E+1"):
        assert convert(Decimal(value)) == field.to_representation(Decimal(value))
    as_number = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False)
    assert value_converter(as_number)(Decimal("1.5")) == Decimal("1.50")


def test_datetime_converter_matches_drf(settings):
    field = serializers.DateTimeField()
    aware = datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.UTC)
    naive = datetime.datetime(2026, 3, 29, 1, 30)
    for zone in ("UTC", "Europe/Paris"):
        with timezone.override(zone):
            convert = value_converter(field)
            for value in (aware, naive):
                assert convert(value) == field.to_representation(value)
    custom = serializers.DateTimeField(format="%Y-%m-%d")
    assert value_converter(custom)(aware) == "2026-03-29"


def test_list_ordered_by_an_annotation_of_the_queryset():
    from django.db.models.functions import Length

    class ByNameLength(ProductViewSet):
        ordering_fields = [*ProductViewSet.ordering_fields, "name_length"]

        def get_queryset(self):
            return super().get_queryset().annotate(name_length=Length("name"))

    for name in ("ccc", "a", "bb"):
        make_product(name=name)
    view = ByNameLength.as_view({"get": "list"})
    response = view(APIRequestFactory().get("/", {"ordering": "-name_length"}))
    response.render()
    assert [row["name"] for row in response.data["results"]] == ["ccc", "bb", "a"]


def test_kept_row_serializer_follows_the_active_timezone(api):
    # Row serializers are kept between requests: one kept for UTC must not answer for Tokyo.
    product = make_full_product()
    bodies = {}
    for zone in ("UTC", "Asia/Tokyo", "UTC"):
        with timezone.override(zone):
            body = api.get(reverse(LIST)).content
            assert body == plain("list", path=reverse(LIST)).content
            bodies.setdefault(zone, body)
            assert body == bodies[zone]
    detail = api.get(detail_url(product)).json()
    assert detail["created_at"].endswith("Z")
    with timezone.override("Asia/Tokyo"):
        assert api.get(detail_url(product)).json()["created_at"].endswith("+09:00")


def test_kept_row_serializer_is_rebuilt_when_settings_change(api, settings):
    make_full_product(price="12.50")
    assert isinstance(api.get(reverse(LIST)).json()["results"][0]["price"], str)
    settings.REST_FRAMEWORK = {"COERCE_DECIMAL_TO_STRING": False}
    body = api.get(reverse(LIST)).json()
    assert body["results"][0]["price"] == 12.5
    assert body == json.loads(plain("list", path=reverse(LIST)).content)


def test_row_serializer_prices_discounts_per_call_in_threads():
    # Each call prices discounts with its own instance: calls from threads must not mix rows.
    rows = []
    for i in range(1, 41):
        rows.append(
            {
                "id": i,
                "name": f"p{i}",
                "slug": f"p{i}",
                "description": "",
                "price": Decimal("100.00"),
                "stock": 1,
                "category_id": 1,
                "category__name": "c",
                "average_rating": None,
                "review_count": 0,
                "is_featured": False,
                "created_at": timezone.now(),
                "discount__percent": Decimal(i),
                "discount__starts_at": None,
                "discount__ends_at": None,
                "tags": [],
            }
        )
    expected = [
        row["discount_price"] for row in ProductSerializer.serialize_rows(rows, tags_read=True)
    ]
    assert expected[:3] == ["99.00", "98.00", "97.00"]
    barrier = threading.Barrier(8)
    results = []

    def work():
        barrier.wait()
        for _ in range(25):
            out = ProductSerializer.serialize_rows(rows, tags_read=True)
            results.append([row["discount_price"] for row in out])

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 200
    assert all(result == expected for result in results)


def test_prefetch_added_by_a_host_queryset_is_dropped_on_the_row_paths(
    django_assert_num_queries,
):
    class Prefetching(ProductViewSet):
        def get_queryset(self):
            return super().get_queryset().prefetch_related("reviews")

    product = make_full_product()
    factory = APIRequestFactory()
    with django_assert_num_queries(1):
        detail = Prefetching.as_view({"get": "retrieve"})(factory.get("/"), pk=str(product.pk))
        detail.render()
    with django_assert_num_queries(1):
        listing = Prefetching.as_view({"get": "list"})(factory.get("/"))
        listing.render()
    assert listing.data["results"][0] == detail.data


def test_a_host_for_listing_that_filters_applies_on_the_row_paths(monkeypatch, api):
    # The row paths skip the stock for_listing() (it only loads relations), not a host's.
    from django_shopkit.catalog.querysets import ProductQuerySet
    from django_shopkit.loading import get_product_model

    class HidingQuerySet(ProductQuerySet):
        def for_listing(self):
            return super().for_listing().exclude(name__startswith="Hidden")

    product_model = get_product_model()
    shown, hidden = make_product(name="Shown mug"), make_product(name="Hidden mug")
    monkeypatch.setattr(product_model.objects, "all", lambda: HidingQuerySet(product_model))
    assert [row["id"] for row in api.get(reverse(LIST)).json()["results"]] == [shown.pk]
    assert api.get(detail_url(shown)).status_code == 200
    assert api.get(detail_url(hidden)).status_code == 404


def test_kept_row_serializers_stay_bounded_with_a_new_tzinfo_per_request(api):
    from zoneinfo import ZoneInfo

    from django_shopkit.catalog import representation

    make_full_product()
    for _ in range(representation._MAX_ROW_SERIALIZERS + 20):
        with timezone.override(ZoneInfo.no_cache("Europe/Paris")):
            assert api.get(reverse(LIST)).status_code == 200
    assert 0 < len(representation._ROW_SERIALIZERS) <= representation._MAX_ROW_SERIALIZERS
