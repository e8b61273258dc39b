"""The storefront's category tree: nested order, subtree counts and listings, breadcrumbs."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db

LIST = "shopkit_catalog:product-list"
DETAIL = "shopkit_catalog:product-detail"


@pytest.fixture
def tree():
    """Kitchen (position 1) > Mugs, Plates > Dessert plates; Garden (position 0) > Tools."""
    kitchen = make_category("Kitchen", position=1)
    mugs = make_category("Mugs", parent=kitchen, position=2)
    plates = make_category("Plates", parent=kitchen, position=1)
    dessert = make_category("Dessert plates", parent=plates)
    garden = make_category("Garden", position=0)
    tools = make_category("Tools", parent=garden)
    make_product(name="Blue Mug", category=mugs)
    make_product(name="Red Mug", category=mugs)
    make_product(name="Flat Plate", category=plates)
    make_product(name="Cake Plate", category=dessert)
    make_product(name="Spade", category=tools)
    make_product(name="Retired Mug", category=mugs, is_active=False)
    return {"kitchen": kitchen, "plates": plates, "dessert": dessert, "garden": garden}


def sidebar(html):
    """Return the sidebar's entries as (depth, name, count), in page order."""
    nav = html.split('<nav class="shopkit-categories"')[1].split("</nav>")[0]
    return [
        (int(depth), name, int(count))
        for depth, name, count in re.findall(
            r'<li class="shopkit-depth-(\d)"><a [^>]*>([^<]+)</a> <span class="count">\((\d+)\)',
            nav,
        )
    ]


def products(html):
    return re.findall(r'<li class="shopkit-product">\s*<a [^>]*>([^<]+)</a>', html)


def test_sidebar_is_a_tree_in_position_order_with_subtree_counts(client, tree):
    html = client.get(reverse(LIST)).content.decode()
    assert sidebar(html) == [
        (0, "Garden", 1),
        (1, "Tools", 1),
        (0, "Kitchen", 4),  # two mugs, a plate and a dessert plate; not the inactive mug
        (1, "Plates", 2),
        (2, "Dessert plates", 1),
        (1, "Mugs", 2),
    ]


def test_parent_category_lists_its_subcategories_products(client, tree, django_assert_num_queries):
    # The category tree, the count and the page (the sidebar reuses the tree).
    with django_assert_num_queries(3):
        response = client.get(reverse(LIST), {"category": tree["kitchen"].slug})
    html = response.content.decode()
    assert sorted(products(html)) == ["Blue Mug", "Cake Plate", "Flat Plate", "Red Mug"]
    assert sorted(
        products(client.get(reverse(LIST), {"category": tree["plates"].slug}).content.decode())
    ) == [
        "Cake Plate",
        "Flat Plate",
    ]


def test_unknown_category_lists_nothing(client, tree):
    response = client.get(reverse(LIST), {"category": "no-such-category"})
    assert response.status_code == 200
    assert products(response.content.decode()) == []


def test_category_page_has_breadcrumbs(client, tree):
    html = client.get(reverse(LIST), {"category": tree["dessert"].slug}).content.decode()
    crumbs = html.split('<nav class="shopkit-breadcrumbs"')[1].split("</nav>")[0]
    assert re.findall(r">([^<>]+)</(?:a|li)>", crumbs) == [
        "All products",
        "Kitchen",
        "Plates",
        "Dessert plates",
    ]


def test_product_page_has_breadcrumbs_from_the_root(client, tree):
    cake = make_product(name="Layer Cake Plate", category=tree["dessert"])
    html = client.get(reverse(DETAIL, kwargs={"slug": cake.slug})).content.decode()
    crumbs = html.split('<nav class="shopkit-breadcrumbs"')[1].split("</nav>")[0]
    assert re.findall(r">([^<>]+)</(?:a|li)>", crumbs) == [
        "All products",
        "Kitchen",
        "Plates",
        "Dessert plates",
        "Layer Cake Plate",
    ]
    assert f'href="{reverse(LIST)}?category={tree["plates"].slug}"' in crumbs
