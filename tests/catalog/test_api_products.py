import pytest
from django.urls import reverse
from rest_framework.test import APIRequestFactory

from django_shopkit.catalog.serializers import ProductSerializer
from django_shopkit.loading import get_product_model
from tests.catalog.helpers import (
    DETAIL,
    LIST,
    ExtendedViewSet,
    detail_url,
    make_full_product,
    names,
    registered_product_fields,
    registered_product_viewset,
)
from tests.factories import (
    make_category,
    make_discount,
    make_product,
    make_review,
    make_tag,
    make_user,
)

pytestmark = pytest.mark.django_db


# -- reading ----------------------------------------------------------------------------


def test_detail_fields(api):
    product = make_product(name="Blue Mug", price="12.50", stock=4, tags=["b-tag", "a-tag"])
    make_discount(product, percent="10")
    make_review(product, rating=3)
    response = api.get(detail_url(product))
    assert response.status_code == 200
    data = response.json()
    stock_fields = {
        "id", "name", "slug", "description", "price", "discount_price", "stock", "category",
        "category_name", "tags", "average_rating", "review_count", "is_featured", "created_at",
    }  # fmt: skip
    assert set(ProductSerializer.Meta.fields) == stock_fields
    # The host's serializer (behavioural configuration) may add fields to shopkit's.
    assert set(data) == stock_fields | set(registered_product_fields())
    assert data["price"] == "12.50"
    assert data["discount_price"] == "11.25"
    assert data["category"] == product.category_id
    assert data["category_name"] == product.category.name
    assert data["tags"] == ["a-tag", "b-tag"]
    assert data["average_rating"] == "3.00"
    assert data["review_count"] == 1


def test_list_is_the_registered_serializer_output(api):
    # The list is DRF's list() through the host's serializer, with the request in its context.
    for i in range(4):
        make_full_product(price=f"{i}.99")
    make_product()
    response = api.get(reverse(LIST))
    queryset = get_product_model()._default_manager.for_listing()
    serializer_class = registered_product_viewset().serializer_class
    context = {"request": response.wsgi_request}
    expected = serializer_class(queryset, many=True, context=context).data
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
    make_product(name="B", price="10.00")
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


def test_subclass_adding_plain_columns(django_assert_max_num_queries):
    from rest_framework.test import APIRequestFactory

    from django_shopkit.catalog.views import ProductViewSet

    class WithColumns(ProductSerializer):
        class Meta(ProductSerializer.Meta):
            fields = [*ProductSerializer.Meta.fields, "is_active", "updated_at"]
            read_only_fields = fields

    class ColumnsViewSet(ProductViewSet):
        serializer_class = WithColumns

    for i in range(3):
        make_full_product(price=f"{i}.50")
    view = ColumnsViewSet.as_view({"get": "list"})
    with django_assert_max_num_queries(3):
        response = view(APIRequestFactory().get("/"))
        response.render()
    assert [row["price"] for row in response.data["results"]] == ["2.50", "1.50", "0.50"]
    assert all(row["is_active"] is True and row["updated_at"] for row in response.data["results"])


def test_detail_ignores_list_parameters(api, django_assert_max_num_queries):
    product = make_product(price="10.00")
    # A filter that would exclude it, and a bad value that would be a 400 on the list.
    with django_assert_max_num_queries(2):
        response = api.get(detail_url(product), {"min_price": "50", "in_stock": "maybe"})
    assert response.status_code == 200
