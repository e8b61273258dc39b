from decimal import Decimal

import pytest
from django.urls import reverse

from django_shopkit.loading import get_product_model
from tests.catalog.helpers import LIST, detail_url
from tests.factories import (
    make_category,
    make_product,
    make_tag,
    make_user,
)

pytestmark = pytest.mark.django_db


# -- writing ------------------------------------------------------------------------------


def payload(**overrides):
    data = {"name": "New thing", "price": "9.99", "stock": 5, "category": make_category().pk}
    data.update(overrides)
    return data


def test_create_requires_authentication(api):
    response = api.post(reverse(LIST), payload(), format="json")
    assert response.status_code in (401, 403)
    assert not get_product_model()._default_manager.exists()


def test_create_sets_owner_and_returns_read_representation(api, user):
    make_tag("red")
    api.force_authenticate(user)
    response = api.post(reverse(LIST), payload(tags=["red"]), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["slug"] == "new-thing"
    assert data["tags"] == ["red"]
    assert data["discount_price"] is None
    assert get_product_model()._default_manager.get(pk=data["id"]).created_by == user


def test_negative_price_is_400_with_a_message(api, user):
    api.force_authenticate(user)
    response = api.post(reverse(LIST), payload(price="-1.00"), format="json")
    assert response.status_code == 400
    assert response.json() == {"price": ["Price cannot be negative."]}


def test_bad_input_is_400_not_500(api, user):
    api.force_authenticate(user)
    assert api.post(reverse(LIST), payload(price="abc"), format="json").status_code == 400
    assert api.post(reverse(LIST), payload(stock=-3), format="json").status_code == 400
    assert api.post(reverse(LIST), payload(category=999999), format="json").status_code == 400
    assert api.post(reverse(LIST), payload(tags=["no-such"]), format="json").status_code == 400
    assert api.post(reverse(LIST), {"name": "x"}, format="json").status_code == 400


def test_write_permissions(api):
    owner, stranger, staff = make_user(), make_user(), make_user(is_staff=True)
    product = make_product(created_by=owner, price="10.00")
    url = detail_url(product)

    assert api.patch(url, {"price": "1.00"}, format="json").status_code in (401, 403)
    assert api.delete(url).status_code in (401, 403)
    api.force_authenticate(stranger)
    assert api.patch(url, {"price": "1.00"}, format="json").status_code == 403
    assert api.put(url, payload(), format="json").status_code == 403
    assert api.delete(url).status_code == 403
    product.refresh_from_db()
    assert product.price == Decimal("10.00")

    api.force_authenticate(owner)
    response = api.patch(url, {"price": "11.00"}, format="json")
    assert response.status_code == 200
    assert response.json()["price"] == "11.00"
    api.force_authenticate(staff)
    assert api.patch(url, {"price": "12.00"}, format="json").status_code == 200
    product.refresh_from_db()
    assert product.price == Decimal("12.00")
    assert api.put(url, payload(name="Renamed"), format="json").status_code == 200
    api.force_authenticate(owner)
    assert api.delete(url).status_code == 204
    assert not get_product_model()._default_manager.filter(pk=product.pk).exists()


def test_patch_cross_field_validation_uses_instance_values(api, user, staff):
    product = make_product(created_by=user, is_featured=True)
    api.force_authenticate(user)
    # is_featured is absent from the PATCH: the stored True is checked against is_active.
    response = api.patch(detail_url(product), {"is_active": False}, format="json")
    assert response.status_code == 400
    assert response.json() == {"is_featured": ["An inactive product cannot be featured."]}
    assert api.patch(detail_url(product), {"name": "Only a name"}, format="json").status_code == 200

    hidden = make_product(created_by=user, is_active=False)
    api.force_authenticate(staff)
    response = api.patch(detail_url(hidden), {"is_featured": True}, format="json")
    assert response.status_code == 400
    assert response.json() == {"is_featured": ["An inactive product cannot be featured."]}
    response = api.patch(
        detail_url(hidden), {"is_featured": True, "is_active": True}, format="json"
    )
    assert response.status_code == 200


def test_only_staff_change_the_featured_flag(api, user, staff):
    api.force_authenticate(user)
    response = api.post(reverse(LIST), payload(is_featured=True), format="json")
    assert response.status_code == 400
    assert response.json() == {"is_featured": ["Only staff can change the featured flag."]}
    product = make_product(created_by=user)
    response = api.patch(detail_url(product), {"is_featured": True}, format="json")
    assert response.status_code == 400
    # Sending the unchanged value (a PUT of the whole object) is fine.
    assert (
        api.put(detail_url(product), payload(is_featured=False), format="json").status_code == 200
    )
    api.force_authenticate(staff)
    assert api.patch(detail_url(product), {"is_featured": True}, format="json").status_code == 200


def test_high_value_rule_on_a_subclass_works_with_partial_data(user):
    from rest_framework.test import APIRequestFactory, force_authenticate

    from django_shopkit.catalog.serializers import ProductWriteSerializer
    from django_shopkit.catalog.views import ProductViewSet

    class CappedWrite(ProductWriteSerializer):
        high_value_price = Decimal("10000")
        high_value_max_stock = 100

    class CappedViewSet(ProductViewSet):
        write_serializer_class = CappedWrite

    product = make_product(created_by=user, price="20000.00", stock=5)
    view = CappedViewSet.as_view({"patch": "partial_update"})

    def patch(data):
        request = APIRequestFactory().patch("/", data, format="json")
        force_authenticate(request, user)
        return view(request, pk=str(product.pk))

    response = patch({"stock": 500})  # price is absent: the stored price is used
    assert response.status_code == 400
    assert "at most 100" in str(response.data)
    assert patch({"stock": 50}).status_code == 200
    assert patch({"price": "50.00", "stock": 500}).status_code == 200


# -- writes never undo stock or rating changes made meanwhile -------------------------------


def test_patch_writes_only_the_fields_sent(api, user, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    product = make_product(created_by=user, stock=10)
    api.force_authenticate(user)
    with CaptureQueriesContext(connection) as queries:
        response = api.patch(detail_url(product), {"description": "New words."}, format="json")
    assert response.status_code == 200
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert '"description"' in updates[0]
    for column in ('"stock"', '"average_rating"', '"review_count"', '"price"', '"name"'):
        assert column not in updates[0]


def test_patch_keeps_stock_sold_and_reviews_posted_after_the_read(api, user, monkeypatch):
    from django_shopkit.catalog.serializers import ProductWriteSerializer
    from django_shopkit.catalog.services import get_catalog_service
    from tests.factories import make_review

    product = make_product(created_by=user, stock=10)
    original_validate = ProductWriteSerializer.validate

    def validate_then_others_commit(self, attrs):
        # Between the view's read of the product and its save: a checkout and a review.
        get_catalog_service().reserve_stock(product.pk, 4)
        make_review(product, rating=5)
        return original_validate(self, attrs)

    monkeypatch.setattr(ProductWriteSerializer, "validate", validate_then_others_commit)
    api.force_authenticate(user)
    response = api.patch(detail_url(product), {"name": "Renamed"}, format="json")
    assert response.status_code == 200
    product.refresh_from_db()
    assert product.name == "Renamed"
    assert product.stock == 6
    assert product.review_count == 1


def test_stock_delta_adds_and_removes_units(api, user):
    from django_shopkit.catalog.services import get_catalog_service

    product = make_product(created_by=user, stock=10)
    get_catalog_service().reserve_stock(product.pk, 3)  # the client still believes 10
    api.force_authenticate(user)
    response = api.patch(detail_url(product), {"stock_delta": 5}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["stock"] == 12
    response = api.patch(detail_url(product), {"stock_delta": -12}, format="json")
    assert response.status_code == 200
    product.refresh_from_db()
    assert product.stock == 0


def test_stock_delta_below_zero_and_misuse_are_400(api, user):
    product = make_product(created_by=user, stock=2)
    api.force_authenticate(user)
    response = api.patch(detail_url(product), {"stock_delta": -3}, format="json")
    assert response.status_code == 400
    assert "stock_delta" in response.json()
    response = api.patch(detail_url(product), {"stock_delta": 1, "stock": 4}, format="json")
    assert response.status_code == 400
    response = api.post(reverse(LIST), payload(stock_delta=4), format="json")
    assert response.status_code == 400
    assert "stock_delta" in response.json()
    response = api.patch(detail_url(product), {"stock_delta": 2**40}, format="json")
    assert response.status_code == 400
    product.refresh_from_db()
    assert product.stock == 2


def test_stock_is_a_recount(api, user):
    product = make_product(created_by=user, stock=2)
    api.force_authenticate(user)
    assert api.patch(detail_url(product), {"stock": 40}, format="json").json()["stock"] == 40
    product.refresh_from_db()
    assert product.stock == 40


def test_a_subclass_may_add_a_write_only_field_that_is_no_column(api, user, monkeypatch):
    from rest_framework import serializers

    from django_shopkit.catalog.serializers import ProductWriteSerializer
    from django_shopkit.catalog.views import ProductViewSet

    class NotedWriteSerializer(ProductWriteSerializer):
        note = serializers.CharField(write_only=True, required=False)

        class Meta(ProductWriteSerializer.Meta):
            fields = [*ProductWriteSerializer.Meta.fields, "note"]

    monkeypatch.setattr(ProductViewSet, "write_serializer_class", NotedWriteSerializer)
    product = make_product(created_by=user)
    api.force_authenticate(user)
    response = api.patch(detail_url(product), {"note": "hi", "name": "Noted"}, format="json")
    assert response.status_code == 200, response.json()
    product.refresh_from_db()
    assert product.name == "Noted"
