"""The catalog's pages offer the orders features only when the orders app is installed."""

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from tests.factories import make_product

pytestmark = pytest.mark.django_db


def test_product_page_has_add_to_cart_form_and_cart_link(django_assert_max_num_queries):
    product = make_product(name="Blue Mug", stock=3)
    with django_assert_max_num_queries(6):
        response = Client().get(
            reverse("shopkit_catalog:product-detail", kwargs={"slug": product.slug})
        )
    html = response.content.decode()
    assert f'action="{reverse("shopkit_orders:add-to-cart")}"' in html
    assert f'name="product" value="{product.pk}"' in html
    assert f'href="{reverse("shopkit_orders:cart")}"' in html


def test_sold_out_product_page_has_no_add_to_cart_form():
    product = make_product(name="Blue Mug", stock=0)
    html = (
        Client()
        .get(reverse("shopkit_catalog:product-detail", kwargs={"slug": product.slug}))
        .content.decode()
    )
    assert reverse("shopkit_orders:add-to-cart") not in html


@pytest.mark.parametrize(
    ("app", "expected"),
    [("django_shopkit.orders", "yes"), ("django_shopkit.catalog", "yes"), ("nope.app", "no")],
)
def test_shopkit_app_installed_tag(app, expected):
    template = Template(
        "{% load shopkit %}{% shopkit_app_installed app as on %}"
        "{% if on %}yes{% else %}no{% endif %}"
    )
    assert template.render(Context({"app": app})) == expected
