import pytest
from django.contrib.admin import AdminSite
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from django_shopkit.loading import get_order_model, get_payment_model
from django_shopkit.orders.abstract_models import OrderStatus
from django_shopkit.orders.admin import OrderAdmin, PaymentAdmin, register_orders_admin
from django_shopkit.orders.services import get_order_service
from tests.factories import make_product
from tests.orders.helpers import fill_cart, place_order, reload

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    site = AdminSite(name="test_admin")
    register_orders_admin(site)
    return site


@pytest.fixture
def order_admin(site):
    return site._registry[get_order_model()]


def admin_request(user, method="get", path="/admin/", data=None):
    request = getattr(RequestFactory(), method)(path, data or {})
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def texts(request):
    return [str(m) for m in request._messages]


def test_register_leaves_existing_registrations_alone():
    site = AdminSite(name="other")

    class MyOrderAdmin(OrderAdmin):
        pass

    site.register(get_order_model(), MyOrderAdmin)
    register_orders_admin(site)
    assert type(site._registry[get_order_model()]) is MyOrderAdmin
    assert type(site._registry[get_payment_model()]) is PaymentAdmin


def test_actions_go_through_the_service_and_report_errors(order_admin, staff, user):
    product = make_product(stock=5)
    paid = place_order(user, (product, 1))
    get_order_service().process_payment(paid, {})
    pending = place_order(user, (product, 2))
    queryset = get_order_model()._default_manager.filter(pk__in=[paid.pk, pending.pk])

    request = admin_request(staff, "post")
    order_admin.mark_fulfilled(request, queryset)
    assert reload(paid).status == OrderStatus.FULFILLED
    assert reload(pending).status == OrderStatus.PENDING
    messages = texts(request)
    assert any(pending.number in m and "cannot become fulfilled" in m for m in messages)
    assert "1 order(s) marked fulfilled." in messages

    request = admin_request(staff, "post")
    order_admin.cancel_orders(request, queryset)
    assert reload(pending).status == OrderStatus.CANCELLED
    assert reload(product).stock == 4  # the cancelled order's 2 units came back
    assert any(paid.number in m for m in texts(request))


def test_orders_cannot_be_added_or_edited_by_hand(order_admin, staff):
    request = admin_request(staff)
    assert not order_admin.has_add_permission(request)
    assert "status" in order_admin.get_readonly_fields(request)
    assert "total" in order_admin.get_readonly_fields(request)


def admin_url(name, *args):
    meta = get_order_model()._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{name}", args=args)


@pytest.mark.urls("tests.orders.admin_urls")
def test_changelist_queries_are_constant_and_change_page_renders(client, staff, user):
    client.force_login(staff)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(admin_url("changelist"), {"status__exact": "pending"})
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    first = place_order(user, (make_product(), 1))
    one, _html = count()
    for _ in range(4):
        place_order(user, (make_product(), 1))
    five, html = count()
    assert five == one
    assert first.number in html

    response = client.get(admin_url("change", first.pk))
    assert response.status_code == 200
    assert first.number in response.content.decode()


@pytest.mark.urls("tests.orders.admin_urls")
def test_change_page_queries_do_not_grow_with_lines(client, staff, user):
    client.force_login(staff)

    def count(order):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(admin_url("change", order.pk))
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    one, _html = count(place_order(user, (make_product(), 1)))
    products = [make_product(name=f"Line product {n}") for n in range(5)]
    five, html = count(place_order(user, *[(p, 1) for p in products]))
    assert five == one  # the read-only product column is joined, not read per line
    assert all(p.name in html for p in products)


@pytest.mark.urls("tests.orders.admin_urls")
def test_cancel_action_from_the_changelist(client, staff, user):
    client.force_login(staff)
    product = make_product(stock=3)
    order = place_order(user, (product, 3))
    response = client.post(
        admin_url("changelist"),
        {"action": "cancel_orders", "_selected_action": [order.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 order(s) cancelled." in response.content.decode()
    assert reload(order).status == OrderStatus.CANCELLED
    assert reload(product).stock == 3


@pytest.mark.urls("tests.orders.admin_urls")
def test_cart_admin_shows_the_lines(client, staff, user):
    client.force_login(staff)
    product = make_product(name="Inline Teapot")
    cart = fill_cart(user, (product, 2))
    meta = cart._meta
    prefix = f"admin:{meta.app_label}_{meta.model_name}"
    response = client.get(reverse(f"{prefix}_change", args=[cart.pk]))
    assert response.status_code == 200
    assert "Inline Teapot" in response.content.decode()  # the raw-id widget's label
    assert client.get(reverse(f"{prefix}_changelist")).status_code == 200
