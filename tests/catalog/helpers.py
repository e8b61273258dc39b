"""Helpers shared by the catalog API tests."""

import datetime

from django.apps import apps
from django.urls import resolve, reverse
from django.utils import timezone
from rest_framework import serializers

from django_shopkit.catalog.serializers import ProductSerializer
from django_shopkit.catalog.views import ProductViewSet
from tests.factories import make_category, make_discount, make_product, make_review, make_tag

LIST = "shopkit-product-list"
DETAIL = "shopkit-product-detail"


def listing_queries():
    """Return the queries a page of products runs: its rows, and its tags where prefetched.

    The behavioural host's serializer reads ``product.tags`` and its ``for_listing()``
    prefetches them; the other configurations show the stored ``tag_names`` only.
    """
    return 2 if apps.is_installed("tests.behaveshop") else 1


def registered_product_viewset():
    """Return the product ViewSet the host's URLconf mounts (the host's own, if swapped)."""
    return resolve(reverse(LIST)).func.cls


def registered_product_fields():
    """Return the fields the host's product serializer shows."""
    return list(registered_product_viewset().serializer_class.Meta.fields)


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


def varied_products():
    """Products with current, expired, future and fractional discounts, tags and ratings."""
    now = timezone.now()
    mugs = make_category("Mugs")
    red, blue = make_tag("red"), make_tag("blue")
    current = make_full_product(name="Red mug", price="12.50", category=mugs)
    current.tags.add(red)
    expired = make_product(name="Blue plate", price="7.05", tags=[blue, red])
    make_discount(expired, percent="33.33", ends_at=now - datetime.timedelta(days=1))
    future = make_product(name="Green mug", price="0.99", category=mugs)
    make_discount(future, percent="50", starts_at=now + datetime.timedelta(days=1))
    odd = make_product(name="Odd bowl", price="19.99", tags=["zeta", "alpha"])
    make_discount(odd, percent="12.5")
    make_review(odd, rating=1)
    return [current, expired, future, odd]


class Extended(ProductSerializer):
    """A host serializer adding a computed field: it takes DRF's regular path."""

    shout = serializers.SerializerMethodField()

    class Meta(ProductSerializer.Meta):
        fields = [*ProductSerializer.Meta.fields, "shout"]

    def get_shout(self, obj):
        return obj.name.upper()


class ExtendedViewSet(ProductViewSet):
    serializer_class = Extended
