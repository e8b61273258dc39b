"""The behavioural host (``--ds=tests.settings_behave``): every read shows the host's values.

Its serializer reads the request in ``get_discount_price()`` (``X-Member: gold`` pays 10 % less
of the discounted price) and in a method field (``viewer``), and reads ``product.tags`` in
another (``tag_slugs``, its ``for_listing()`` adding ``with_tags()``); its Discount applies
only while the product has ``min_stock`` units; its ViewSet hides products whose SKU is
``HIDDEN``; its product manager is ``catalog``. Under the other configurations this module is
skipped.
"""

from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from tests.catalog.helpers import detail_url
from tests.factories import make_discount, make_product, make_tag, make_user

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not apps.is_installed("tests.behaveshop"),
        reason="behavioural host only (--ds=tests.settings_behave)",
    ),
]

GOLD = {"X-Member": "gold"}
LIST = "shopkit-product-list"


def priced_products():
    """One product per discount case; return them by name."""
    applies = make_product(name="Applies", price="20.00", stock=10, tags=["t1", "t2"])
    make_discount(applies, percent="10", min_stock=5)  # 18.00; gold 16.20
    too_few = make_product(name="Too few", price="20.00", stock=3)
    make_discount(too_few, percent="10", min_stock=5)  # the host's rule: no discount
    plain = make_product(name="Plain", price="7.00")
    hidden = make_product(name="Hidden", price="7.00", sku="HIDDEN")
    return {p.name: p for p in (applies, too_few, plain, hidden)}


def detail_url_of(pk):
    return reverse("shopkit-product-detail", args=[pk])


def by_name(rows):
    return {row["name"]: row for row in rows}


def test_manager_is_renamed_and_objects_is_gone():
    from django_shopkit.loading import get_product_model

    model = get_product_model()
    assert model._default_manager.name == "catalog"
    assert model.objects is None


def test_list_shows_the_hosts_prices_fields_and_hides_its_hidden_products(api):
    priced_products()
    user = make_user()
    api.force_authenticate(user)
    rows = by_name(api.get(reverse(LIST)).json()["results"])
    assert set(rows) == {"Applies", "Too few", "Plain"}
    assert rows["Applies"]["discount_price"] == "18.00"
    assert rows["Too few"]["discount_price"] is None
    assert rows["Applies"]["viewer"] == user.get_username()
    assert rows["Applies"]["sku"] == "SKU"
    assert rows["Applies"]["tag_slugs"] == ["t1", "t2"]
    gold = by_name(api.get(reverse(LIST), headers=GOLD).json()["results"])
    assert gold["Applies"]["discount_price"] == "16.20"
    assert gold["Too few"]["discount_price"] is None


def test_detail_featured_and_mine_show_the_hosts_values(api):
    products = priced_products()
    owner = make_user()
    mine = make_product(name="Mine", price="50.00", stock=9, created_by=owner, is_featured=True)
    make_discount(mine, percent="50", min_stock=1)
    applies = products["Applies"]
    applies.is_featured = True
    applies.save()

    detail = api.get(detail_url(applies), headers=GOLD)
    assert detail.status_code == 200
    assert (detail.json()["discount_price"], detail.json()["viewer"]) == ("16.20", None)
    assert api.get(detail_url(products["Hidden"])).status_code == 404

    featured = api.get(reverse("shopkit-product-featured"), headers=GOLD)
    assert featured.status_code == 200
    assert {r["name"]: r["discount_price"] for r in featured.json()} == {
        "Mine": "22.50",
        "Applies": "16.20",
    }

    api.force_authenticate(owner)
    response = api.get(reverse("shopkit-product-mine"))
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert (row["name"], row["discount_price"], row["viewer"]) == (
        "Mine",
        "25.00",
        owner.get_username(),
    )


def test_writes_answer_with_the_hosts_read_serializer(api):
    owner = make_user()
    api.force_authenticate(owner)
    body = {"name": "Written", "price": "9.00", "stock": 3, "sku": "W-1"}
    body["category"] = make_product().category_id
    response = api.post(reverse(LIST), body, format="json", headers=GOLD)
    assert response.status_code == 201, response.content
    created = response.json()
    # The host's read fields, computed for this request (no to_representation() override).
    assert (created["sku"], created["viewer"], created["tag_slugs"]) == (
        "W-1",
        owner.get_username(),
        [],
    )
    make_tag("t9")
    response = api.patch(detail_url_of(created["id"]), {"tags": ["t9"]}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["tags"], response.json()["tag_slugs"]) == (["t9"], ["t9"])


def test_anonymous_cache_varies_on_what_the_hosts_serializer_reads(api):
    products = priced_products()
    url = detail_url(products["Applies"])
    assert api.get(url).json()["discount_price"] == "18.00"
    assert api.get(url, headers=GOLD).json()["discount_price"] == "16.20"
    assert api.get(url).json()["discount_price"] == "18.00"


@pytest.mark.parametrize("page_size", [10, 50])
def test_query_counts_stay_constant(api, page_size, django_assert_max_num_queries):
    category_tags = [make_tag(), make_tag()]
    for i in range(page_size + 3):
        product = make_product(price="10.00", stock=9, tags=category_tags)
        make_discount(product, percent=str(i % 50), min_stock=i % 12)
    api.force_authenticate(make_user())  # signed in: never served from the response cache
    with django_assert_max_num_queries(4):
        response = api.get(reverse(LIST), {"page_size": page_size})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == page_size
    slugs = [tag.slug for tag in sorted(category_tags, key=lambda tag: tag.name)]
    assert all(row["tag_slugs"] == slugs for row in rows)
    # The host's rule ran on real Discount instances: stock 9 < min_stock 10 or 11 -> no price.
    assert {row["discount_price"] is None for row in rows} == {True, False}
    with django_assert_max_num_queries(3):
        assert api.get(detail_url(product)).status_code == 200


def test_purchase_charges_the_hosts_price_through_the_swapped_viewset(api):
    products = priced_products()
    api.force_authenticate(make_user())
    for name, total in (("Applies", "36.00"), ("Too few", "40.00")):
        url = reverse("shopkit-product-purchase", args=[products[name].pk])
        response = api.post(url, {"quantity": 2}, format="json")
        assert response.status_code == 201, response.json()
        assert Decimal(response.json()["total"]) == Decimal(total)


def test_storefront_pages_show_the_hosts_prices(client):
    products = priced_products()
    page = client.get(reverse("shopkit_catalog:product-list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "18.00" in html
    detail = client.get(reverse("shopkit_catalog:product-detail", args=[products["Too few"].slug]))
    assert detail.status_code == 200
    assert "18.00" not in detail.content.decode()
