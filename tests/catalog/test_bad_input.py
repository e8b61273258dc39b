"""Bad input and forbidden access on the catalog: always a 4xx, never a 500 or a write."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from django_shopkit.loading import get_category_model, get_product_model, get_tag_model
from tests.catalog.helpers import LIST, detail_url
from tests.factories import make_category, make_product, make_tag, make_user

pytestmark = pytest.mark.django_db


def stock_past_the_column():
    """Return the first stock value the database's stock column cannot hold."""
    field = get_product_model()._meta.get_field("stock")
    return connection.ops.integer_field_range(field.get_internal_type())[1] + 1


@pytest.mark.parametrize(
    "value", ["9223372036854775808", "99999999999999999999999", "²", "0", "abc"]
)
def test_category_filter_with_an_unknown_id_or_slug_is_an_empty_page(api, value):
    make_product()
    response = api.get(reverse(LIST), {"category": value})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_category_filter_by_id_still_works(api):
    product = make_product()
    response = api.get(reverse(LIST), {"category": str(product.category_id)})
    assert [row["id"] for row in response.json()["results"]] == [product.pk]


def test_stock_past_the_database_column_is_400(api, user):
    api.force_authenticate(user)
    category = make_category()
    for stock in (stock_past_the_column(), 2**63, 10**30):
        data = {"name": "Huge", "price": "1.00", "stock": stock, "category": category.pk}
        response = api.post(reverse(LIST), data, format="json")
        assert response.status_code == 400, stock
        assert "stock" in response.json()
    assert not get_product_model()._default_manager.filter(name="Huge").exists()

    product = make_product(created_by=user, stock=3)
    response = api.patch(detail_url(product), {"stock": 2**63}, format="json")
    assert response.status_code == 400
    assert "stock" in response.json()
    product.refresh_from_db()
    assert product.stock == 3


def test_negative_stock_keeps_its_message(api, user):
    api.force_authenticate(user)
    product = make_product(created_by=user)
    response = api.patch(detail_url(product), {"stock": -1}, format="json")
    assert response.json() == {"stock": ["Stock cannot be negative."]}


@pytest.mark.parametrize("category", ["a\x00b", "\x00"])
def test_storefront_list_with_a_nul_in_the_category_is_400(category):
    make_product()
    response = Client().get(reverse("shopkit_catalog:product-list"), {"category": category})
    assert response.status_code == 400


# -- forbidden access not covered elsewhere ---------------------------------------------------


def test_tag_detail_writes_are_staff_only(api):
    tag = make_tag("keep")
    url = reverse("shopkit-tag-detail", args=[tag.pk])
    assert api.patch(url, {"name": "x"}, format="json").status_code in (401, 403)
    assert api.delete(url).status_code in (401, 403)
    api.force_authenticate(make_user())
    assert api.patch(url, {"name": "x"}, format="json").status_code == 403
    assert api.put(url, {"name": "x"}, format="json").status_code == 403
    assert api.delete(url).status_code == 403
    assert get_tag_model()._default_manager.get(pk=tag.pk).name == "keep"


def test_anonymous_category_writes_are_refused(api):
    category = make_category("Keep")
    url = reverse("shopkit-category-detail", args=[category.pk])
    assert api.patch(url, {"name": "x"}, format="json").status_code in (401, 403)
    assert api.put(url, {"name": "x"}, format="json").status_code in (401, 403)
    assert api.delete(url).status_code in (401, 403)
    assert get_category_model()._default_manager.get(pk=category.pk).name == "Keep"


def test_anonymous_review_and_mine_are_refused(api):
    product = make_product()
    url = reverse("shopkit-product-reviews", args=[product.pk])
    assert api.post(url, {"rating": 5}, format="json").status_code in (401, 403)
    assert product.reviews.count() == 0
    assert api.get(reverse("shopkit-product-mine")).status_code in (401, 403)


def test_non_owner_cannot_write_an_inactive_product_it_cannot_see(api, user):
    product = make_product(created_by=make_user(), is_active=False)
    api.force_authenticate(user)
    assert api.patch(detail_url(product), {"price": "1.00"}, format="json").status_code == 404
    assert api.delete(detail_url(product)).status_code == 404
    assert get_product_model()._default_manager.filter(pk=product.pk).exists()


def test_too_many_tag_slugs_is_400(api):
    from django_shopkit.catalog.filters import MAX_TAG_SLUGS

    make_product(tags=["red"])
    many = ",".join(f"tag-{n}" for n in range(MAX_TAG_SLUGS + 1))
    response = api.get(reverse(LIST), {"tags": many})
    assert response.status_code == 400
    assert "tags" in response.json()


def test_repeated_tag_slugs_count_once(api):
    from django_shopkit.catalog.filters import MAX_TAG_SLUGS

    product = make_product(tags=["red"])
    response = api.get(reverse(LIST), {"tags": ",".join(["red"] * (MAX_TAG_SLUGS + 5))})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [product.pk]


def test_tag_name_taken_by_a_concurrent_request_is_400_not_500(api, monkeypatch):
    # Stand in for the race: the unique validator passes, the unique index refuses.
    monkeypatch.setattr(
        "rest_framework.validators.UniqueValidator.__call__", lambda self, value, field: None
    )
    make_tag("Red")
    api.force_authenticate(make_user(is_staff=True))
    response = api.post(reverse("shopkit-tag-list"), {"name": "Red"})
    assert response.status_code == 400
    assert "name" in response.json()
    assert get_tag_model()._default_manager.count() == 1
