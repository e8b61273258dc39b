import pytest
from django.urls import reverse

from django_shopkit.loading import get_category_model, get_tag_model
from tests.factories import make_category, make_product, make_tag, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [3, 15])
def test_category_list_with_counts_in_two_queries(api, count, django_assert_max_num_queries):
    categories = [make_category(f"C{i:02}") for i in range(count)]
    for category in categories:
        make_product(category=category)
        make_product(category=category)
        make_product(category=category, is_active=False)
    with django_assert_max_num_queries(2):
        response = api.get(reverse("shopkit-category-list"), {"page_size": 50})
    rows = response.json()["results"]
    assert len(rows) == count
    assert {row["product_count"] for row in rows} == {2}  # inactive products not counted


def test_category_detail_and_fields(api):
    parent = make_category("Kitchen")
    child = make_category("Mugs", parent=parent, description="All mugs")
    response = api.get(reverse("shopkit-category-detail", args=[child.pk]))
    assert response.json() == {
        "id": child.pk,
        "name": "Mugs",
        "slug": "mugs",
        "description": "All mugs",
        "parent": parent.pk,
        "position": 0,
        "product_count": 0,
    }


def test_category_writes_are_staff_only(api):
    url = reverse("shopkit-category-list")
    assert api.post(url, {"name": "New"}, format="json").status_code in (401, 403)
    api.force_authenticate(make_user())
    assert api.post(url, {"name": "New"}, format="json").status_code == 403
    category = make_category("Old")
    detail = reverse("shopkit-category-detail", args=[category.pk])
    assert api.patch(detail, {"name": "X"}, format="json").status_code == 403
    assert api.delete(detail).status_code == 403
    api.force_authenticate(make_user(is_staff=True))
    response = api.post(url, {"name": "New"}, format="json")
    assert response.status_code == 201
    assert response.json()["slug"] == "new"
    assert response.json()["product_count"] == 0
    assert api.patch(detail, {"name": "Renamed"}, format="json").status_code == 200
    assert api.delete(detail).status_code == 204
    assert not get_category_model()._default_manager.filter(pk=category.pk).exists()


def test_category_in_use_cannot_be_deleted_400(api):
    api.force_authenticate(make_user(is_staff=True))
    category = make_category("Busy")
    make_product(category=category)
    response = api.delete(reverse("shopkit-category-detail", args=[category.pk]))
    assert response.status_code == 400
    assert "cannot be deleted" in response.json()[0]


def test_category_cannot_be_its_own_ancestor(api):
    api.force_authenticate(make_user(is_staff=True))
    parent = make_category("Parent")
    child = make_category("Child", parent=parent)
    url = reverse("shopkit-category-detail", args=[parent.pk])
    assert api.patch(url, {"parent": parent.pk}, format="json").status_code == 400
    assert api.patch(url, {"parent": child.pk}, format="json").status_code == 400


def test_popular_categories(api, django_assert_max_num_queries):
    big, small = make_category("Big"), make_category("Small")
    make_category("Empty")  # no products: left out
    for _ in range(3):
        make_product(category=big)
    make_product(category=small)
    response = api.get(reverse("shopkit-category-popular"))
    assert [(r["name"], r["product_count"]) for r in response.json()] == [("Big", 3), ("Small", 1)]
    with django_assert_max_num_queries(0):
        api.get(reverse("shopkit-category-popular"))


def test_tag_list_and_staff_writes(api, django_assert_max_num_queries):
    make_tag("b")
    make_tag("a")
    with django_assert_max_num_queries(2):
        response = api.get(reverse("shopkit-tag-list"))
    assert [t["name"] for t in response.json()["results"]] == ["a", "b"]
    url = reverse("shopkit-tag-list")
    assert api.post(url, {"name": "c"}, format="json").status_code in (401, 403)
    api.force_authenticate(make_user())
    assert api.post(url, {"name": "c"}, format="json").status_code == 403
    api.force_authenticate(make_user(is_staff=True))
    assert api.post(url, {"name": "c"}, format="json").status_code == 201
    duplicate = api.post(url, {"name": "c"}, format="json")
    assert duplicate.status_code == 400
    assert "name" in duplicate.json()
    assert get_tag_model()._default_manager.count() == 3
