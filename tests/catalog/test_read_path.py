"""The product list's page cut: the page's ids first, the same rows and order as a slice."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIRequestFactory

from django_shopkit.catalog.views import ProductViewSet
from tests.catalog.helpers import LIST, make_full_product, registered_product_viewset
from tests.factories import make_product, make_user

pytestmark = pytest.mark.django_db


def walk(api, params):
    """Return the ids of every page of the list, in order, and the count it reports."""
    ids, page, count = [], 1, None
    while True:
        response = api.get(reverse(LIST), {**params, "page": page, "page_size": 4})
        assert response.status_code == 200, response.content
        data = response.json()
        count = data["count"]
        ids += [row["id"] for row in data["results"]]
        if data["next"] is None:
            return ids, count
        page += 1


def visible(ordering):
    """Return the ids the registered ViewSet's queryset shows an anonymous visitor, in order."""
    view = registered_product_viewset()(action="list", request=APIRequestFactory().get("/"))
    view.request.user = type("Anon", (), {"is_authenticated": False, "is_staff": False})()
    queryset = view.get_queryset().order_by(*ordering)
    return list(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("query", "ordering"),
    [
        ({}, ["-created_at", "-id"]),
        ({"ordering": "price"}, ["price", "-created_at", "-id"]),
        ({"ordering": "-name"}, ["-name", "-created_at", "-id"]),
    ],
)
def test_every_page_holds_the_rows_a_slice_would(api, query, ordering):
    for i in range(11):
        # Repeated prices: ties are broken the same way on every page.
        make_product(name=f"Item {i:02d}", price=f"{i % 3}.50", tags=["t"])
    make_product(name="Hidden", is_active=False)
    ids, count = walk(api, query)
    assert ids == visible(ordering)
    assert count == len(ids) == 11


def test_the_page_query_joins_only_the_pages_rows(api):
    for _ in range(6):
        make_full_product()
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(reverse(LIST), {"page": 2, "page_size": 4})
    assert [len(row["tags"]) for row in response.json()["results"]] == [3, 3]
    table = registered_product_viewset().serializer_class.Meta.model._meta.db_table
    page_queries = [
        q["sql"]
        for q in ctx.captured_queries
        if f'FROM "{table}"' in q["sql"] and "COUNT(" not in q["sql"]
    ]
    # One query: the ids of the page in a subquery (with the LIMIT), the joins outside it;
    # the last page is cut at the count, as Django's paginator cuts it.
    assert len(page_queries) == 1
    sql = page_queries[0]
    assert " IN (SELECT " in sql
    assert "LIMIT 2 OFFSET 4" in sql.split(" IN (SELECT ", 1)[1]
    assert "JOIN" in sql.split(" IN (SELECT ", 1)[0]


class SlicingViewSet(ProductViewSet):
    """A host that cuts pages by slicing, with a distinct() queryset."""

    cuts = []

    def get_queryset(self):
        return super().get_queryset().distinct()

    def page_rows(self, queryset, bottom, top):
        self.cuts.append((bottom, top))
        return queryset[bottom:top]


@pytest.mark.parametrize("viewset", [ProductViewSet, SlicingViewSet])
def test_a_subclass_may_cut_its_pages_itself(viewset):
    products = [make_full_product() for _ in range(5)]
    SlicingViewSet.cuts = []
    view = viewset.as_view({"get": "list"})
    request = APIRequestFactory().get("/", {"page": 2, "page_size": 3})
    response = view(request)
    response.render()
    assert response.status_code == 200
    newest_first = [p.pk for p in reversed(products)]
    assert [row["id"] for row in response.data["results"]] == newest_first[3:]
    assert SlicingViewSet.cuts == ([(3, 5)] if viewset is SlicingViewSet else [])


def test_mine_pages_only_the_users_products(api):
    owner = make_user()
    mine = [make_product(created_by=owner, is_active=i % 2 == 0) for i in range(5)]
    make_product()
    api.force_authenticate(owner)
    response = api.get(reverse("shopkit-product-mine"), {"page": 2, "page_size": 3})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [mine[1].pk, mine[0].pk]
