"""Session carts: anonymous visitors shop, their cart merges into the user's at login."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import login
from django.contrib.messages import get_messages
from django.contrib.messages.storage import default_storage
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from django_shopkit.loading import get_cart_item_model, get_cart_model
from django_shopkit.orders.cart import CART_SESSION_KEY, SessionOwner, cart_owner
from django_shopkit.orders.services import get_cart_service
from tests.factories import make_product, make_user
from tests.orders.helpers import fill_cart

pytestmark = pytest.mark.django_db

ITEMS = "shopkit-cart-item-list"


def carts():
    return get_cart_model()._default_manager


def lines_of(cart):
    return {
        i.product_id: i.quantity for i in get_cart_item_model()._default_manager.filter(cart=cart)
    }


def add(client, product, quantity=1):
    return client.post(reverse(ITEMS), {"product": product.pk, "quantity": quantity}, format="json")


def session_cart(client):
    key = client.session[CART_SESSION_KEY]
    return carts().get(session_key=key, user__isnull=True)


# -- API ----------------------------------------------------------------------------------------


def test_anonymous_visitor_adds_changes_and_removes_lines():
    product, other = make_product(price="4.00", stock=10), make_product(price="2.50")
    client = APIClient()
    assert client.get(reverse("shopkit-cart")).json()["items"] == []
    first = add(client, product, 2)
    assert first.status_code == 201, first.json()
    assert add(client, product, 3).json()["quantity"] == 5  # the same line, incremented
    assert add(client, other).status_code == 201
    cart = session_cart(client)
    assert cart.user_id is None
    assert lines_of(cart) == {product.pk: 5, other.pk: 1}
    body = client.get(reverse("shopkit-cart")).json()
    assert body["id"] == cart.pk
    assert (body["item_count"], body["total"]) == (6, "22.50")
    line = first.json()["id"]
    detail = reverse("shopkit-cart-item-detail", args=[line])
    assert client.patch(detail, {"quantity": 7}, format="json").json()["quantity"] == 7
    too_many = client.patch(detail, {"quantity": 11}, format="json")
    assert too_many.status_code == 400
    assert "Only 10" in too_many.json()["detail"]
    assert client.delete(detail).status_code == 204
    assert lines_of(cart) == {other.pk: 1}
    assert client.delete(reverse("shopkit-cart")).status_code == 204
    assert lines_of(cart) == {}


def test_a_visitor_never_reaches_another_visitors_or_a_users_lines(user):
    product = make_product()
    visitor, stranger, member = APIClient(), APIClient(), APIClient()
    member.force_authenticate(user)
    mine = add(visitor, product).json()["id"]
    theirs = add(member, product).json()["id"]
    for client, line in ((stranger, mine), (member, mine), (visitor, theirs), (stranger, theirs)):
        url = reverse("shopkit-cart-item-detail", args=[line])
        assert client.patch(url, {"quantity": 2}, format="json").status_code == 404
        assert client.delete(url).status_code == 404
    assert stranger.get(reverse("shopkit-cart")).json()["items"] == []
    assert [i["id"] for i in member.get(reverse("shopkit-cart")).json()["items"]] == [theirs]
    assert get_cart_item_model()._default_manager.filter(quantity=1).count() == 2


def test_a_forged_cart_key_in_no_session_reaches_nothing(user):
    product = make_product()
    add(APIClient(), product)
    # A visitor cannot name a cart: the key lives in the server-side session only.
    client = APIClient()
    response = client.get(reverse("shopkit-cart"), HTTP_COOKIE="shopkit_cart=x")
    assert response.json()["items"] == []


def test_anonymous_checkout_still_needs_a_user():
    client = APIClient()
    add(client, make_product())
    assert client.post(reverse("shopkit-checkout")).status_code in (401, 403)


def test_reading_an_empty_cart_creates_no_session_cart():
    client = APIClient()
    client.get(reverse("shopkit-cart"))
    assert not carts().exists()
    assert CART_SESSION_KEY not in client.session


def test_anonymous_cart_reads_a_constant_number_of_queries():
    client = APIClient()
    counts = []
    for _ in range(3):
        add(client, make_product(price="3.00"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("shopkit-cart")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2], counts


# -- Storefront ---------------------------------------------------------------------------------


def test_storefront_anonymous_cart_pages():
    product = make_product(name="Teapot", price="12.00", stock=4)
    client = Client()
    response = client.post(
        reverse("shopkit_orders:add-to-cart"), {"product": product.pk, "quantity": 1}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("shopkit_orders:cart")
    page = client.get(reverse("shopkit_orders:cart")).content.decode()
    assert "Teapot" in page
    item = get_cart_item_model()._default_manager.get()
    client.post(reverse("shopkit_orders:cart-item-update", args=[item.pk]), {"quantity": 3})
    assert lines_of(item.cart) == {product.pk: 3}
    # Another visitor's request for the line is a 404 and changes nothing.
    stranger = Client()
    url = reverse("shopkit_orders:cart-item-remove", args=[item.pk])
    assert stranger.post(url).status_code == 404
    assert "Teapot" not in stranger.get(reverse("shopkit_orders:cart")).content.decode()
    client.post(url)
    assert lines_of(item.cart) == {}
    # Checking out is for users (guest checkout is a separate setting).
    checkout = client.get(reverse("shopkit_orders:checkout"))
    assert checkout.status_code == 302
    assert "login" in checkout["Location"]


# -- Merge at login -----------------------------------------------------------------------------


def test_login_merges_the_session_cart_adding_quantities():
    shared, only_anon, only_user = make_product(stock=20), make_product(), make_product()
    user = make_user(password="pw")
    fill_cart(user, (shared, 2), (only_user, 1))
    client = Client()
    for product, quantity in ((shared, 3), (only_anon, 4)):
        client.post(
            reverse("shopkit_orders:add-to-cart"), {"product": product.pk, "quantity": quantity}
        )
    anonymous_cart = session_cart(client)
    assert client.login(username=user.get_username(), password="pw")
    cart = get_cart_service().get_cart(user, create=False)
    assert lines_of(cart) == {shared.pk: 5, only_anon.pk: 4, only_user.pk: 1}
    assert not carts().filter(pk=anonymous_cart.pk).exists()
    assert not get_cart_item_model()._default_manager.filter(cart=anonymous_cart.pk).exists()
    assert CART_SESSION_KEY not in client.session
    assert carts().count() == 1
    # The visitor now sees the merged cart as the user.
    page = client.get(reverse("shopkit_orders:cart")).content.decode()
    assert shared.name in page
    assert only_anon.name in page


def test_login_without_a_user_cart_moves_the_lines():
    product = make_product()
    user = make_user(password="pw")
    client = Client()
    client.post(reverse("shopkit_orders:add-to-cart"), {"product": product.pk, "quantity": 2})
    client.login(username=user.get_username(), password="pw")
    assert lines_of(get_cart_service().get_cart(user, create=False)) == {product.pk: 2}


def login_with_messages(user, session):
    """Log ``user`` in on a request carrying ``session`` and a message store; return messages."""
    request = RequestFactory().get("/")
    request.session = session
    request._messages = default_storage(request)
    request.user = None
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return [str(m) for m in get_messages(request)]


def anonymous_session_with(*lines):
    """Return a session whose cart holds ``(product, quantity)`` lines."""
    session = SessionStore()
    request = RequestFactory().get("/")
    request.session = request_session = session
    request.user = None
    owner = cart_owner(request, create=True)
    for product, quantity in lines:
        get_cart_service().add(owner, product.pk, quantity)
    request_session.save()
    return session


@override_settings(SHOPKIT_MAX_LINE_QUANTITY=6)
def test_merge_caps_at_stock_and_line_maximum_with_a_message():
    scarce = make_product(name="Scarce", stock=4)
    plenty = make_product(name="Plenty", stock=50)
    retired = make_product(name="Retired", stock=5)
    user = make_user()
    fill_cart(user, (scarce, 3), (plenty, 4))
    session = anonymous_session_with((scarce, 2), (plenty, 5), (retired, 1))
    type(retired)._default_manager.filter(pk=retired.pk).update(is_active=False)
    notes = login_with_messages(user, session)
    cart = get_cart_service().get_cart(user, create=False)
    assert lines_of(cart) == {scarce.pk: 4, plenty.pk: 6}
    assert sorted(notes) == [
        "Only 4 of “Scarce” could be kept in your cart (5 requested).",
        "Only 6 of “Plenty” could be kept in your cart (9 requested).",
        "“Retired” could not be kept in your cart: it is no longer available.",
    ]


def test_merge_never_lowers_a_line_the_user_had():
    product = make_product(stock=10)
    user = make_user()
    fill_cart(user, (product, 5))
    session = anonymous_session_with((product, 1))
    type(product)._default_manager.filter(pk=product.pk).update(stock=2)
    notes = login_with_messages(user, session)
    assert lines_of(get_cart_service().get_cart(user)) == {product.pk: 5}
    assert len(notes) == 1


def test_merge_is_one_transaction(monkeypatch):
    product = make_product()
    user = make_user()
    session = anonymous_session_with((product, 2))

    def broken(self, objs, fields, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(get_cart_item_model()._default_manager.__class__, "bulk_update", broken)
    fill_cart(user, (product, 1))  # a line in both carts: the merge updates it
    with pytest.raises(RuntimeError):
        get_cart_service().merge(SessionOwner(session[CART_SESSION_KEY]), user)
    # Nothing half-done: the session cart and its line are still there, the user's unchanged.
    assert lines_of(carts().get(session_key=session[CART_SESSION_KEY])) == {product.pk: 2}
    assert lines_of(get_cart_service().get_cart(user)) == {product.pk: 1}


@override_settings(SHOPKIT_MERGE_CART_AT_LOGIN=False)
def test_merge_can_be_turned_off():
    product = make_product()
    user = make_user()
    session = anonymous_session_with((product, 2))
    login_with_messages(user, session)
    assert get_cart_service().get_cart(user, create=False) is None
    assert carts().filter(session_key=session[CART_SESSION_KEY]).exists()


def test_login_without_a_session_cart_touches_no_cart():
    user = make_user()
    with CaptureQueriesContext(connection) as queries:
        login_with_messages(user, SessionStore())
    cart_table = get_cart_model()._meta.db_table
    assert not [q for q in queries.captured_queries if cart_table in q["sql"]]


# -- Expired session carts ----------------------------------------------------------------------


def age(cart, days, line_days=None):
    then = timezone.now() - timedelta(days=days)
    carts().filter(pk=cart.pk).update(updated_at=then)
    line_then = timezone.now() - timedelta(days=line_days if line_days is not None else days)
    get_cart_item_model()._default_manager.filter(cart=cart).update(updated_at=line_then)


def test_clear_session_carts_deletes_only_abandoned_session_carts(user):
    product = make_product()
    service = get_cart_service()
    abandoned, fresh, busy = SessionOwner("a" * 40), SessionOwner("b" * 40), SessionOwner("c" * 40)
    for owner in (abandoned, fresh, busy):
        service.add(owner, product.pk, 1)
    service.add(user, product.pk, 1)
    age(service.get_cart(abandoned), days=30)
    age(service.get_cart(busy), days=30, line_days=1)  # a line changed yesterday
    age(service.get_cart(user), days=400)
    out = io.StringIO()
    call_command("shopkit_clear_session_carts", "--dry-run", stdout=out)
    assert "1 expired" in out.getvalue()
    assert carts().count() == 4
    call_command("shopkit_clear_session_carts", stdout=out)
    assert "Deleted 1 " in out.getvalue()
    assert service.get_cart(abandoned, create=False) is None
    assert not get_cart_item_model()._default_manager.filter(cart__session_key="a" * 40).exists()
    assert service.get_cart(fresh, create=False) is not None
    assert service.get_cart(busy, create=False) is not None
    assert service.get_cart(user, create=False) is not None


@override_settings(SHOPKIT_SESSION_CART_MAX_AGE=3600)
def test_clear_session_carts_age_from_settings_and_option():
    product = make_product()
    service = get_cart_service()
    owner = SessionOwner("d" * 40)
    service.add(owner, product.pk, 1)
    age(service.get_cart(owner), days=1)
    call_command(
        "shopkit_clear_session_carts", "--older-than", str(3 * 86400), stdout=io.StringIO()
    )
    assert service.get_cart(owner, create=False) is not None
    call_command("shopkit_clear_session_carts", stdout=io.StringIO())
    assert service.get_cart(owner, create=False) is None
    with pytest.raises(CommandError):
        call_command("shopkit_clear_session_carts", "--older-than", "-1")


# -- The docs' host code ------------------------------------------------------------------------


def test_docs_carts_page_code_reads_a_visitors_cart():
    from pathlib import Path

    from tests.docs_blocks import code_blocks

    page = Path(__file__).resolve().parents[2] / "docs" / "carts.rst"
    (block,) = [b for b in code_blocks(page) if "cart_size" in b.text]
    namespace: dict = {}
    exec(compile(block.text, str(page), "exec"), namespace)
    request = RequestFactory().get("/")
    request.session, request.user = SessionStore(), None
    assert namespace["cart_size"](request) == 0
    owner = cart_owner(request, create=True)
    get_cart_service().add(owner, make_product().pk, 3)
    assert namespace["cart_size"](request) == 3


def test_another_site_cannot_post_into_an_anonymous_cart():
    product = make_product()
    client = APIClient(enforce_csrf_checks=True)
    forged = client.post(reverse(ITEMS), {"product": product.pk, "quantity": 1})
    assert forged.status_code == 403
    assert "CSRF" in forged.json()["detail"]
    assert not carts().exists()
    # The shop's own pages send the token back (cookie and header): the same request works.
    token = "a" * 32
    client.cookies["csrftoken"] = token
    ok = client.post(reverse(ITEMS), {"product": product.pk, "quantity": 1}, HTTP_X_CSRFTOKEN=token)
    assert ok.status_code == 201, ok.json()


def test_an_api_client_gets_its_csrf_cookie_from_the_cart():
    # A client with no page of the shop (a script, an app on the same origin) starts with
    # GET cart/: its answer sets the csrftoken cookie that the cart writes then send back.
    product = make_product()
    client = APIClient(enforce_csrf_checks=True)
    response = client.get(reverse("shopkit-cart"))
    assert response.status_code == 200
    token = response.cookies["csrftoken"].value
    added = client.post(
        reverse(ITEMS), {"product": product.pk, "quantity": 2}, HTTP_X_CSRFTOKEN=token
    )
    assert added.status_code == 201, added.json()
    assert client.get(reverse("shopkit-cart")).json()["item_count"] == 2
