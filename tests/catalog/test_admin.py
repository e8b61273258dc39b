import pytest
from django.test import Client
from django.urls import reverse

from django_shopkit.loading import (
    get_category_model,
    get_discount_model,
    get_product_model,
    get_review_model,
    get_tag_model,
)
from tests.factories import make_discount, make_product, make_review, make_tag, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.catalog.urls_admin")]


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


def fill(count):
    for _ in range(count):
        product = make_product(tags=[make_tag(), make_tag()])
        make_review(product)
        make_discount(product)


@pytest.mark.parametrize("count", [2, 12])
def test_product_changelist_queries_are_bounded(admin_client, count, django_assert_max_num_queries):
    fill(count)
    with django_assert_max_num_queries(10):
        response = admin_client.get(changelist(get_product_model()))
    assert response.status_code == 200
    assert response.context["cl"].result_count == count


@pytest.mark.parametrize(
    "getter",
    [get_category_model, get_tag_model, get_review_model, get_discount_model],
)
def test_other_changelists_load_with_bounded_queries(
    admin_client, getter, django_assert_max_num_queries
):
    fill(5)
    with django_assert_max_num_queries(10):
        response = admin_client.get(changelist(getter()))
    assert response.status_code == 200


def test_product_add_form_loads(admin_client):
    model = get_product_model()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    assert admin_client.get(url).status_code == 200


def test_product_search(admin_client):
    make_product(name="Blue Mug")
    make_product(name="Red Plate")
    response = admin_client.get(changelist(get_product_model()), {"q": "mug"})
    assert response.context["cl"].result_count == 1


def test_non_staff_cannot_open_the_changelist():
    client = Client()
    client.force_login(make_user())
    response = client.get(changelist(get_product_model()))
    assert response.status_code == 302


def test_admin_classes_pass_the_system_checks():
    from tests.catalog.urls_admin import site

    assert site.check(None) == []


def test_register_catalog_admin_leaves_registered_models_alone():
    from django.contrib import admin

    from django_shopkit.catalog.admin import ProductAdmin, register_catalog_admin

    site = admin.AdminSite(name="other")

    class HostProductAdmin(ProductAdmin):
        pass

    site.register(get_product_model(), HostProductAdmin)
    register_catalog_admin(site)
    assert type(site.get_model_admin(get_product_model())) is HostProductAdmin
    assert site.is_registered(get_category_model())


def _change_form_data(client, product):
    """Return the product's change form as the browser would post it back, unchanged."""
    model = get_product_model()
    url = reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[product.pk]
    )
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
        if field.show_hidden_initial:
            data[form.add_initial_prefix(name)] = str(form[name].initial)
    return url, data


def test_admin_save_keeps_units_sold_after_the_page_loaded(admin_client):
    from django_shopkit.catalog.services import get_catalog_service

    product = make_product(stock=10, tags=[make_tag()])
    make_review(product, rating=4)
    url, data = _change_form_data(admin_client, product)
    # A checkout and a review commit while the page is open.
    get_catalog_service().reserve_stock(product.pk, 3)
    make_review(product, rating=2)
    data["description"] = "Edited in the admin."
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    product.refresh_from_db()
    assert product.description == "Edited in the admin."
    assert product.stock == 7
    assert product.review_count == 2
    assert str(product.average_rating) == "3.00"


def test_admin_stock_edit_is_applied_as_a_delta(admin_client):
    from django_shopkit.catalog.services import get_catalog_service

    product = make_product(stock=10)
    url, data = _change_form_data(admin_client, product)
    get_catalog_service().reserve_stock(product.pk, 3)  # sold while the page was open
    data["stock"] = "15"  # the owner adds 5 units to the 10 shown
    assert admin_client.post(url, data).status_code == 302
    product.refresh_from_db()
    assert product.stock == 12


def test_admin_stock_removal_below_zero_is_refused(admin_client):
    from django_shopkit.catalog.services import get_catalog_service

    product = make_product(stock=5)
    url, data = _change_form_data(admin_client, product)
    get_catalog_service().reserve_stock(product.pk, 4)
    data["stock"] = "0"  # remove the 5 shown; only 1 is left
    response = admin_client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "Stock not changed" in response.content.decode()
    product.refresh_from_db()
    assert product.stock == 1
