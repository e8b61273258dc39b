import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from django_shopkit.loading import get_cart_item_model, get_order_model
from django_shopkit.orders.abstract_models import OrderStatus
from django_shopkit.orders.gateways.dummy import DummyGateway
from tests.factories import make_discount, make_product
from tests.orders.helpers import fill_cart, place_order, reload

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def other_client(other_user):
    client = Client()
    client.force_login(other_user)
    return client


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("name", ["checkout", "order-list"])
def test_pages_need_login(db, name):
    # The cart page is not here: anonymous visitors have a session cart.
    response = Client().get(reverse(f"shopkit_orders:{name}"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_add_to_cart_and_see_the_cart(client, user):
    product = make_product(name="Blue Mug", price="8.00", stock=4)
    make_discount(product, percent="50")
    response = client.post(
        reverse("shopkit_orders:add-to-cart"), {"product": product.pk, "quantity": 2}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("shopkit_orders:cart")
    page = client.get(reverse("shopkit_orders:cart"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Blue Mug" in html
    assert "8.00" in html  # 2 x 4.00 after the discount
    assert "<del>16.00</del>" in html


def test_add_to_cart_errors_go_back_with_a_message(client):
    product = make_product(name="Rare", stock=1)
    detail = reverse("shopkit_catalog:product-detail", args=[product.slug])
    response = client.post(
        reverse("shopkit_orders:add-to-cart"),
        {"product": product.pk, "quantity": 5, "next": detail},
    )
    assert response["Location"] == detail
    assert any("Rare" in m for m in messages_of(response))
    bad = client.post(
        reverse("shopkit_orders:add-to-cart"),
        {"product": product.pk, "quantity": 0, "next": "https://evil.example/"},
    )
    assert bad["Location"] == reverse("shopkit_orders:cart")  # unsafe next ignored
    assert messages_of(bad)


def test_update_and_remove_lines_and_others_lines_are_404(client, other_client, user):
    product = make_product(stock=5)
    fill_cart(user, (product, 1))
    item = get_cart_item_model()._default_manager.get(cart__user=user)
    update = reverse("shopkit_orders:cart-item-update", args=[item.pk])
    remove = reverse("shopkit_orders:cart-item-remove", args=[item.pk])
    assert other_client.post(update, {"quantity": 3}).status_code == 404
    assert other_client.post(remove).status_code == 404
    client.post(update, {"quantity": 3})
    assert reload(item).quantity == 3
    response = client.post(update, {"quantity": 9})
    assert any("in stock" in m for m in messages_of(response))
    assert reload(item).quantity == 3
    client.post(remove)
    assert not get_cart_item_model()._default_manager.filter(pk=item.pk).exists()


def test_checkout_places_one_order_even_when_submitted_twice(client, user):
    product = make_product(stock=5)
    assert client.get(reverse("shopkit_orders:checkout"))["Location"] == reverse(
        "shopkit_orders:cart"
    )
    fill_cart(user, (product, 2))
    page = client.get(reverse("shopkit_orders:checkout")).content.decode()
    key = re.search(r'name="idempotency_key" value="(\w+)"', page).group(1)
    first = client.post(reverse("shopkit_orders:checkout"), {"idempotency_key": key})
    again = client.post(reverse("shopkit_orders:checkout"), {"idempotency_key": key})
    order = get_order_model()._default_manager.get(user=user)
    expected = reverse("shopkit_orders:order-detail", args=[order.number])
    assert first["Location"] == again["Location"] == expected
    assert reload(product).stock == 3
    confirmation = client.get(expected)
    assert order.number in confirmation.content.decode()


def test_checkout_out_of_stock_returns_to_the_cart(client, user):
    product = make_product(name="Last One", stock=1)
    fill_cart(user, (product, 1))
    type(product)._default_manager.filter(pk=product.pk).update(stock=0)
    response = client.post(reverse("shopkit_orders:checkout"), {"idempotency_key": "k"})
    assert response["Location"] == reverse("shopkit_orders:cart")
    assert any("Last One" in m for m in messages_of(response))
    assert not get_order_model()._default_manager.exists()


def test_order_pages_are_private(client, other_client, user):
    order = place_order(user, (make_product(), 1))
    detail = reverse("shopkit_orders:order-detail", args=[order.number])
    assert other_client.get(detail).status_code == 404
    for action in ("order-pay", "order-cancel"):
        url = reverse(f"shopkit_orders:{action}", args=[order.number])
        assert other_client.post(url, {"token": "tok_ok"}).status_code == 404
    assert reload(order).status == OrderStatus.PENDING
    assert (
        order.number not in other_client.get(reverse("shopkit_orders:order-list")).content.decode()
    )
    assert order.number in client.get(reverse("shopkit_orders:order-list")).content.decode()


def test_pay_and_cancel_from_the_order_page(client, user):
    order = place_order(user, (make_product(), 1))
    pay = reverse("shopkit_orders:order-pay", args=[order.number])
    declined = client.post(pay, {"token": "tok_decline"})
    assert any("declined" in m for m in messages_of(declined))
    client.post(pay, {"token": "tok_ok"})
    assert reload(order).status == OrderStatus.PAID
    assert len(DummyGateway.charges) == 1
    cancel = client.post(reverse("shopkit_orders:order-cancel", args=[order.number]))
    assert any("cannot become cancelled" in m for m in messages_of(cancel))
    other = place_order(user, (make_product(), 1))
    client.post(reverse("shopkit_orders:order-cancel", args=[other.number]))
    assert reload(other).status == OrderStatus.CANCELLED


def test_cart_and_order_pages_run_constant_queries(client, user):
    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    fill_cart(user, (make_product(), 1))
    cart_one = count(reverse("shopkit_orders:cart"))
    fill_cart(user, *[(make_product(), 1) for _ in range(4)])
    assert count(reverse("shopkit_orders:cart")) == cart_one
    place_order(user, (make_product(), 1))
    list_one = count(reverse("shopkit_orders:order-list"))
    order = place_order(user, *[(make_product(), 1) for _ in range(4)])
    assert count(reverse("shopkit_orders:order-list")) == list_one
    assert count(reverse("shopkit_orders:order-detail", args=[order.number])) <= 6


def test_add_to_cart_include_renders_a_form(user):
    product = make_product(stock=3)
    request = RequestFactory().get("/products/x/")
    request.user = user
    html = render_to_string(
        "django_shopkit/orders/includes/add_to_cart.html", {"product": product}, request
    )
    assert reverse("shopkit_orders:add-to-cart") in html
    assert f'value="{product.pk}"' in html
    assert "csrfmiddlewaretoken" in html
    sold_out = make_product(stock=0)
    assert "<form" not in render_to_string(
        "django_shopkit/orders/includes/add_to_cart.html", {"product": sold_out}, request
    )


def test_anonymous_add_to_cart_fills_a_session_cart_and_checkout_asks_to_log_in(db):
    product = make_product()
    client = Client()
    response = client.post(
        reverse("shopkit_orders:add-to-cart"), {"product": product.pk, "quantity": 2}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("shopkit_orders:cart")
    item = get_cart_item_model()._default_manager.get()
    assert (item.cart.user_id, item.quantity) == (None, 2)
    checkout = client.get(reverse("shopkit_orders:checkout"))
    assert "login" in checkout["Location"]
    assert checkout["Location"].endswith("next=" + reverse("shopkit_orders:checkout"))
