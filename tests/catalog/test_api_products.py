from decimal import Decimal

import pytest
from django.urls import reverse

from django_shopkit.catalog.serializers import ProductSerializer
from django_shopkit.loading import get_product_model
from tests.factories import (
    make_category,
    make_discount,
    make_product,
    make_review,
    make_tag,
    make_user,
)

pytestmark = pytest.mark.django_db

LIST = "shopkit-product-list"
DETAIL = "shopkit-product-detail"


def detail_url(product):
    return reverse(DETAIL, args=[product.pk])


def names(response):
    return [row["name"] for row in response.json()["results"]]


def make_full_product(**kwargs):
    """A product with a category, 3 tags, 2 reviews and a discount."""
    product = make_product(tags=[make_tag(), make_tag(), make_tag()], **kwargs)
    make_review(product, rating=4)
    make_review(product, rating=5)
    make_discount(product, percent="20")
    return product


# -- reading ----------------------------------------------------------------------------


def test_detail_fields(api):
    product = make_product(name="Blue Mug", price="12.50", stock=4, tags=["b-tag", "a-tag"])
    make_discount(product, percent="10")
    make_review(product, rating=3)
    response = api.get(detail_url(product))
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {
        "id", "name", "slug", "description", "price", "discount_price", "stock", "category",
        "category_name", "tags", "average_rating", "review_count", "is_featured", "created_at",
    }  # fmt: skip
    assert data["price"] == "12.50"
    assert data["discount_price"] == "11.25"
    assert data["category"] == product.category_id
    assert data["category_name"] == product.category.name
    assert data["tags"] == ["a-tag", "b-tag"]
    assert data["average_rating"] == "3.00"
    assert data["review_count"] == 1


def test_list_rows_equal_the_serializer_output(api):
    # The list reads values() rows; it must give exactly what the serializer gives.
    for i in range(4):
        make_full_product(price=f"{i}.99")
    make_product()
    response = api.get(reverse(LIST))
    queryset = get_product_model().objects.for_listing()
    expected = ProductSerializer(queryset, many=True).data
    assert response.json()["results"] == [dict(row) for row in expected]


@pytest.mark.parametrize("page_size", [10, 50])
def test_list_query_count_is_constant(api, page_size, django_assert_max_num_queries):
    for _ in range(page_size):
        make_full_product()
    with django_assert_max_num_queries(4):
        response = api.get(reverse(LIST), {"page_size": page_size})
    assert len(response.json()["results"]) == page_size
    assert all(len(row["tags"]) == 3 for row in response.json()["results"])


@pytest.mark.parametrize("page_size", [10, 50])
def test_list_query_count_with_regular_serializer_path(page_size, django_assert_max_num_queries):
    # A host serializer adding a field falls back to model instances: still constant.
    from rest_framework import serializers
    from rest_framework.test import APIRequestFactory

    from django_shopkit.catalog.views import ProductViewSet

    class Extended(ProductSerializer):
        shout = serializers.SerializerMethodField()

        class Meta(ProductSerializer.Meta):
            fields = [*ProductSerializer.Meta.fields, "shout"]

        def get_shout(self, obj):
            return obj.name.upper()

    class ExtendedViewSet(ProductViewSet):
        serializer_class = Extended

    for _ in range(page_size):
        make_full_product()
    view = ExtendedViewSet.as_view({"get": "list"})
    request = APIRequestFactory().get("/", {"page_size": page_size})
    with django_assert_max_num_queries(4):
        response = view(request)
        response.render()
    results = response.data["results"]
    assert len(results) == page_size
    assert all(row["shout"] == row["name"].upper() for row in results)
    assert all(len(row["tags"]) == 3 for row in results)


def test_detail_query_count(api, django_assert_max_num_queries):
    product = make_full_product()
    with django_assert_max_num_queries(3):
        response = api.get(detail_url(product))
    assert response.status_code == 200


def test_inactive_products_are_hidden_except_from_owner_and_staff(api):
    owner = make_user()
    hidden = make_product(is_active=False, created_by=owner)
    make_product(name="Visible")
    assert names(api.get(reverse(LIST))) == ["Visible"]
    assert api.get(detail_url(hidden)).status_code == 404
    api.force_authenticate(make_user())
    assert api.get(detail_url(hidden)).status_code == 404
    api.force_authenticate(owner)
    assert api.get(detail_url(hidden)).status_code == 200
    api.force_authenticate(make_user(is_staff=True))
    assert len(names(api.get(reverse(LIST)))) == 2


def test_unknown_product_is_404(api):
    assert api.get(reverse(DETAIL, args=[999999])).status_code == 404


# -- filters, search, ordering, pagination --------------------------------------------------


def test_filters(api):
    mugs, plates = make_category("Mugs"), make_category("Plates")
    red, blue = make_tag("red"), make_tag("blue")
    make_product(name="Cheap mug", price="5.00", stock=0, category=mugs, tags=[red])
    make_product(name="Dear mug", price="50.00", category=mugs, tags=[blue], is_featured=True)
    make_product(name="Plate", price="20.00", category=plates, tags=[red, blue])

    def query(**params):
        return sorted(names(api.get(reverse(LIST), params)))

    assert query(min_price="10") == ["Dear mug", "Plate"]
    assert query(max_price="20") == ["Cheap mug", "Plate"]
    assert query(min_price="10", max_price="30") == ["Plate"]
    assert query(category=mugs.slug) == ["Cheap mug", "Dear mug"]
    assert query(category=str(plates.pk)) == ["Plate"]
    assert query(tags="red") == ["Cheap mug", "Plate"]
    assert query(tags="red,blue") == ["Cheap mug", "Dear mug", "Plate"]  # any, no duplicates
    assert query(in_stock="true") == ["Dear mug", "Plate"]
    assert query(in_stock="false") == ["Cheap mug"]
    assert query(featured="true") == ["Dear mug"]
    assert query(active="true") == ["Cheap mug", "Dear mug", "Plate"]
    assert query(category="no-such-category") == []


def test_bad_filter_value_is_400(api):
    response = api.get(reverse(LIST), {"min_price": "cheap"})
    assert response.status_code == 400
    assert "min_price" in response.json()


def test_search(api):
    make_product(name="Blue Mug", description="ceramic")
    make_product(name="Red Cup", description="a blue stripe")
    make_product(name="Green Plate")
    assert sorted(names(api.get(reverse(LIST), {"search": "blue"}))) == ["Blue Mug", "Red Cup"]
    assert names(api.get(reverse(LIST), {"search": "ceramic"})) == ["Blue Mug"]
    assert names(api.get(reverse(LIST), {"search": "zzz"})) == []


def test_ordering(api):
    a = make_product(name="A", price="30.00")
    b = make_product(name="B", price="10.00")
    c = make_product(name="C", price="20.00")
    make_review(a, rating=2)
    make_review(c, rating=5)

    def ordered(ordering):
        return names(api.get(reverse(LIST), {"ordering": ordering}))

    assert names(api.get(reverse(LIST))) == ["C", "B", "A"]  # newest first by default
    assert ordered("price") == ["B", "C", "A"]
    assert ordered("-price") == ["A", "C", "B"]
    assert ordered("name") == ["A", "B", "C"]
    assert ordered("-name") == ["C", "B", "A"]
    assert ordered("created_at") == ["A", "B", "C"]
    assert ordered("-average_rating") == ["C", "A", "B"]  # unrated last
    assert ordered("average_rating") == ["A", "C", "B"]  # unrated last too
    assert ordered("stock") == ["C", "B", "A"]  # not allowed: default order
    assert b.pk


def test_pagination(api, settings):
    settings.SHOPKIT_PAGE_SIZE = 2
    settings.SHOPKIT_MAX_PAGE_SIZE = 3
    for i in range(5):
        make_product(name=f"P{i}")
    first = api.get(reverse(LIST)).json()
    assert first["count"] == 5
    assert [r["name"] for r in first["results"]] == ["P4", "P3"]
    assert first["next"]
    assert first["previous"] is None
    third = api.get(reverse(LIST), {"page": 3}).json()
    assert [r["name"] for r in third["results"]] == ["P0"]
    assert len(api.get(reverse(LIST), {"page_size": 100}).json()["results"]) == 3
    assert api.get(reverse(LIST), {"page": 9}).status_code == 404


# -- writing ------------------------------------------------------------------------------


def payload(**overrides):
    data = {"name": "New thing", "price": "9.99", "stock": 5, "category": make_category().pk}
    data.update(overrides)
    return data


def test_create_requires_authentication(api):
    response = api.post(reverse(LIST), payload(), format="json")
    assert response.status_code in (401, 403)
    assert not get_product_model().objects.exists()


def test_create_sets_owner_and_returns_read_representation(api, user):
    make_tag("red")
    api.force_authenticate(user)
    response = api.post(reverse(LIST), payload(tags=["red"]), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["slug"] == "new-thing"
    assert data["tags"] == ["red"]
    assert data["discount_price"] is None
    assert get_product_model().objects.get(pk=data["id"]).created_by == user


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
    assert not get_product_model().objects.filter(pk=product.pk).exists()


def test_patch_cross_field_validation_uses_instance_values(api, user):
    api.force_authenticate(user)
    product = make_product(created_by=user, is_active=False)
    response = api.patch(detail_url(product), {"is_featured": True}, format="json")
    assert response.status_code == 400
    assert response.json() == {"is_featured": ["An inactive product cannot be featured."]}
    assert api.patch(detail_url(product), {"name": "Only a name"}, format="json").status_code == 200
    response = api.patch(
        detail_url(product), {"is_featured": True, "is_active": True}, format="json"
    )
    assert response.status_code == 200
    response = api.patch(detail_url(product), {"is_active": False}, format="json")
    assert response.status_code == 400


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


# -- actions ------------------------------------------------------------------------------


def test_mine_lists_own_products_including_inactive(api, django_assert_max_num_queries):
    owner = make_user()
    make_product(name="Mine", created_by=owner)
    make_product(name="Mine hidden", created_by=owner, is_active=False)
    make_product(name="Theirs")
    assert api.get(reverse("shopkit-product-mine")).status_code in (401, 403)
    api.force_authenticate(owner)
    with django_assert_max_num_queries(4):
        response = api.get(reverse("shopkit-product-mine"))
    assert sorted(names(response)) == ["Mine", "Mine hidden"]


def test_featured(api, django_assert_max_num_queries, settings):
    settings.SHOPKIT_FEATURED_LIMIT = 2
    make_product(name="F1", is_featured=True)
    make_product(name="F2", is_featured=True)
    make_product(name="F3", is_featured=True)
    make_product(name="Hidden", is_featured=True, is_active=False)
    make_product(name="Plain")
    with django_assert_max_num_queries(2):
        response = api.get(reverse("shopkit-product-featured"))
    assert [row["name"] for row in response.json()] == ["F3", "F2"]


def test_reviews_list_and_create(api, django_assert_max_num_queries):
    product = make_product()
    make_review(product, rating=4, comment="fine")
    url = reverse("shopkit-product-reviews", args=[product.pk])
    with django_assert_max_num_queries(3):
        response = api.get(url)
    assert response.status_code == 200
    assert [r["comment"] for r in response.json()["results"]] == ["fine"]

    assert api.post(url, {"rating": 5}, format="json").status_code in (401, 403)
    reviewer = make_user()
    api.force_authenticate(reviewer)
    response = api.post(url, {"rating": 5, "comment": "great"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["user"] == reviewer.pk
    product.refresh_from_db()
    assert (product.average_rating, product.review_count) == (Decimal("4.50"), 2)

    again = api.post(url, {"rating": 1}, format="json")
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["You have already reviewed this product."]}


def test_review_rating_out_of_range_is_400(api, user):
    api.force_authenticate(user)
    url = reverse("shopkit-product-reviews", args=[make_product().pk])
    for rating in (0, 6, "x"):
        assert api.post(url, {"rating": rating}, format="json").status_code == 400


def test_reviews_of_unknown_or_hidden_product_are_404(api, user):
    api.force_authenticate(user)
    hidden = make_product(is_active=False)
    assert api.get(reverse("shopkit-product-reviews", args=[hidden.pk])).status_code == 404
    url = reverse("shopkit-product-reviews", args=[hidden.pk])
    assert api.post(url, {"rating": 3}, format="json").status_code == 404


def test_featured_uses_the_viewsets_serializer(api):
    from rest_framework import serializers
    from rest_framework.test import APIRequestFactory

    from django_shopkit.catalog.views import ProductViewSet

    class Extended(ProductSerializer):
        shout = serializers.SerializerMethodField()

        class Meta(ProductSerializer.Meta):
            fields = [*ProductSerializer.Meta.fields, "shout"]

        def get_shout(self, obj):
            return obj.name.upper()

    class ExtendedViewSet(ProductViewSet):
        serializer_class = Extended

    make_product(name="Star", is_featured=True)
    plain = api.get(reverse("shopkit-product-featured")).json()
    assert "shout" not in plain[0]
    view = ExtendedViewSet.as_view({"get": "featured"})
    response = view(APIRequestFactory().get("/"))
    assert response.data[0]["shout"] == "STAR"
