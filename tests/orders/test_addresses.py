"""The address book API, addresses at checkout and their snapshots on the order."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from django_shopkit.loading import get_address_model, get_order_model
from django_shopkit.orders.addresses import address_lines, snapshot_of
from django_shopkit.orders.services import CheckoutDetails, get_order_service
from tests.factories import make_product
from tests.orders.helpers import fill_cart, order_count, reload

pytestmark = pytest.mark.django_db

LIST = "shopkit-address-list"
CHECKOUT = "shopkit-checkout"

HOME = {
    "name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "city": "London",
    "postcode": "SW1Y 4JH",
    "country": "gb",
}


def detail(address_id):
    return reverse("shopkit-address-detail", args=[address_id])


def make_address(user, **fields):
    data = {**HOME, "country": "GB", **fields}
    return get_address_model()._default_manager.create(user=user, **data)


# -- Address book -------------------------------------------------------------------------------


def test_create_list_read_change_and_delete_own_addresses(api, user):
    created = api.post(reverse(LIST), HOME, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["country"] == "GB"  # normalised
    assert (body["line2"], body["region"], body["phone"]) == ("", "", "")
    stored = get_address_model()._default_manager.get(pk=body["id"])
    assert (stored.user_id, stored.city) == (user.pk, "London")
    assert [a["id"] for a in api.get(reverse(LIST)).json()["results"]] == [body["id"]]
    assert api.get(detail(body["id"])).json()["name"] == "Ada Lovelace"
    patched = api.patch(detail(body["id"]), {"phone": "+44 20 7946 0000"}, format="json")
    assert patched.json()["phone"] == "+44 20 7946 0000"
    replaced = api.put(
        detail(body["id"]), {**HOME, "city": "Bath", "country": "GB"}, format="json"
    ).json()
    assert (replaced["city"], replaced["phone"]) == ("Bath", "")
    assert api.delete(detail(body["id"])).status_code == 204
    assert not get_address_model()._default_manager.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"country": "GBR"}, "country"),
        ({"country": ""}, "country"),
        ({"name": ""}, "name"),
        ({"line1": "x" * 201}, "line1"),
        ({"city": "Lon\x00don"}, "city"),
        ({"postcode": "1" * 21}, "postcode"),
    ],
)
def test_invalid_addresses_are_400_with_field_messages(api, change, field):
    response = api.post(reverse(LIST), {**HOME, **change}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0]
    assert not get_address_model()._default_manager.exists()


def test_missing_fields_are_named(api):
    response = api.post(reverse(LIST), {"name": "Ada"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"line1", "city", "country"}


def test_another_users_address_is_404(api, user, other_user):
    theirs = make_address(other_user, city="Paris", country="FR")
    url = detail(theirs.pk)
    assert api.get(url).status_code == 404
    assert api.patch(url, {"city": "Lyon"}, format="json").status_code == 404
    assert api.put(url, {**HOME, "country": "GB"}, format="json").status_code == 404
    assert api.delete(url).status_code == 404
    assert reload(theirs).city == "Paris"
    assert api.get(reverse(LIST)).json()["results"] == []


def test_anonymous_visitors_have_no_address_book(user):
    make_address(user)
    anonymous = APIClient()
    assert anonymous.get(reverse(LIST)).status_code in (401, 403)
    assert anonymous.post(reverse(LIST), HOME, format="json").status_code in (401, 403)


def test_the_owner_cannot_be_changed(api, user, other_user):
    mine = make_address(user)
    api.patch(detail(mine.pk), {"user": other_user.pk, "city": "York"}, format="json")
    mine = reload(mine)
    assert (mine.user_id, mine.city) == (user.pk, "York")


def test_address_list_queries_are_constant(api, user):
    def count():
        with CaptureQueriesContext(connection) as queries:
            response = api.get(reverse(LIST))
        assert response.status_code == 200
        return len(queries), len(response.json()["results"])

    make_address(user)
    one = count()
    for n in range(4):
        make_address(user, name=f"Person {n}")
    five = count()
    assert (one[1], five[1]) == (1, 5)
    assert one[0] == five[0]


# -- Checkout -----------------------------------------------------------------------------------


def test_checkout_with_an_address_from_the_book_snapshots_it(api, user):
    product = make_product(stock=5)
    home = make_address(user, phone="+44 1")
    fill_cart(user, (product, 2))
    response = api.post(reverse(CHECKOUT), {"shipping_address_id": home.pk}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["shipping_address"]["city"] == "London"
    assert body["billing_address"] == body["shipping_address"]  # billed where shipped
    order = get_order_model()._default_manager.get(number=body["number"])
    assert order.shipping_address == home.to_snapshot()
    # Editing or deleting the book entry never changes the order.
    home.city = "Leeds"
    home.save()
    home.delete()
    order = reload(order)
    assert order.shipping_address["city"] == "London"
    assert api.get(reverse("shopkit-order-detail", args=[order.pk])).json()["shipping_address"] == {
        **home.to_snapshot(),
        "city": "London",
    }


def test_checkout_with_inline_addresses(api, user):
    fill_cart(user, (make_product(), 1))
    billing = {
        "name": "Ada's Firm",
        "line1": "1 Main St",
        "city": "Boston",
        "country": "US",
        "region": "MA",
        "postcode": "02108",
    }
    response = api.post(
        reverse(CHECKOUT),
        {"shipping_address": HOME, "billing_address": billing},
        format="json",
    )
    assert response.status_code == 201, response.json()
    order = get_order_model()._default_manager.get()
    assert order.shipping_address["country"] == "GB"
    assert order.billing_address == {**billing, "line2": "", "phone": ""}
    assert not get_address_model()._default_manager.exists()  # inline: not added to the book


def test_checkout_with_another_users_address_is_404_and_places_nothing(api, user, other_user):
    product = make_product(stock=5)
    fill_cart(user, (product, 2))
    theirs = make_address(other_user)
    for body in (
        {"shipping_address_id": theirs.pk},
        {"billing_address_id": theirs.pk},
        {"shipping_address_id": 999_999},
    ):
        response = api.post(reverse(CHECKOUT), body, format="json")
        assert response.status_code == 404
        assert "not in your address book" in response.json()["detail"]
    assert order_count() == 0
    assert reload(product).stock == 5


def test_checkout_address_errors_are_400_with_field_messages(api, user):
    home = make_address(user)
    fill_cart(user, (make_product(), 1))
    both = api.post(
        reverse(CHECKOUT),
        {"shipping_address_id": home.pk, "shipping_address": HOME},
        format="json",
    )
    assert both.status_code == 400
    assert list(both.json()) == ["shipping_address"]
    bad = api.post(
        reverse(CHECKOUT), {"shipping_address": {**HOME, "country": "ZZ"}}, format="json"
    )
    assert bad.status_code == 400
    assert list(bad.json()["shipping_address"]) == ["country"]
    assert (
        api.post(reverse(CHECKOUT), {"shipping_address_id": "x"}, format="json").status_code == 400
    )
    assert order_count() == 0


def test_checkout_without_addresses_still_works(api, user):
    fill_cart(user, (make_product(), 1))
    body = api.post(reverse(CHECKOUT)).json()
    assert (body["shipping_address"], body["billing_address"]) == (None, None)


@override_settings(SHOPKIT_REQUIRE_SHIPPING_ADDRESS=True)
def test_a_shipping_address_can_be_required(api, user):
    fill_cart(user, (make_product(), 1))
    response = api.post(reverse(CHECKOUT), {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"shipping_address": ["A shipping address is required."]}
    assert api.post(reverse(CHECKOUT), {"shipping_address": HOME}, format="json").status_code == 201


def test_address_lines_for_labels_and_e_mails():
    snapshot = {**HOME, "country": "DE", "line2": "", "region": "Berlin", "phone": ""}
    assert address_lines(snapshot) == [
        "Ada Lovelace",
        "12 St James's Square",
        "SW1Y 4JH London",
        "Berlin",
        "Germany",
    ]


@pytest.mark.urls("tests.orders.admin_urls")
def test_admin_order_page_shows_the_addresses(client, staff, user):
    cart = fill_cart(user, (make_product(), 1))
    shipping = snapshot_of({**HOME, "country": "GB", "name": "<b>Ada</b>"})
    details = CheckoutDetails(shipping_address=shipping)
    get_order_service().place_order(user, cart, details=details)
    order = get_order_model()._default_manager.get()
    client.force_login(staff)
    meta = order._meta
    page = client.get(
        reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[order.pk])
    ).content.decode()
    assert "&lt;b&gt;Ada&lt;/b&gt;<br>12 St James&#x27;s Square" in page
    assert "United Kingdom" in page
    address = make_address(user)
    address_meta = address._meta
    prefix = f"admin:{address_meta.app_label}_{address_meta.model_name}"
    assert client.get(reverse(f"{prefix}_changelist")).status_code == 200
    assert client.get(reverse(f"{prefix}_change", args=[address.pk])).status_code == 200
