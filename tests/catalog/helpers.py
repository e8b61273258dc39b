"""Helpers shared by the catalog API tests."""

from django.urls import reverse

from tests.factories import make_discount, make_product, make_review, make_tag

LIST = "shopkit-product-list"
DETAIL = "shopkit-product-detail"


def detail_url(product):
    return reverse(DETAIL, args=[product.pk])


def names(response):
    return [row["name"] for row in response.json()["results"]]


def make_full_product(**kwargs):
    """A product with a category, 3 tags, 2 reviews and a discount."""
    product = make_product(tags=[make_tag(), make_tag(), make_tag()], **kwargs)
    make_review(product, rating=4)
    make_review(product, rating=5)
    make_discount(product, percent="20")
    return product
