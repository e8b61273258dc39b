from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIRequestFactory

from tests.catalog.helpers import ExtendedViewSet, names
from tests.factories import (
    make_product,
    make_review,
    make_user,
)

pytestmark = pytest.mark.django_db


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
    # The ids (cached afterwards), the products, their tags.
    with django_assert_max_num_queries(3):
        response = api.get(reverse("shopkit-product-featured"))
    assert [row["name"] for row in response.json()] == ["F3", "F2"]
    with django_assert_max_num_queries(2):
        again = api.get(reverse("shopkit-product-featured"))
    assert again.json() == response.json()


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
    make_product(name="Star", is_featured=True)
    plain = api.get(reverse("shopkit-product-featured")).json()
    assert "shout" not in plain[0]
    view = ExtendedViewSet.as_view({"get": "featured"})
    response = view(APIRequestFactory().get("/"))
    assert response.data[0]["shout"] == "STAR"
