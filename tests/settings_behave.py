"""Test settings, host configuration 3, "behavioural": a host that overrides what hosts override.

``tests.behaveshop`` renames the product manager, adds a host field and an ``is_current()``
reading the product to its Discount, and mounts the API with its own product ViewSet (hiding
products, a serializer that reads the request in ``get_discount_price()`` and in a method
field) exactly as docs/extending-catalog.rst shows. The whole suite runs under it.
"""

from tests.settings import *  # noqa: F403

INSTALLED_APPS = [
    app
    for app in INSTALLED_APPS  # noqa: F405
    if app != "tests.shop"
] + ["tests.behaveshop"]

SHOPKIT_MODELS_APP = "behaveshop"
ROOT_URLCONF = "tests.urls_behave"
# Anonymous product reads are cached; the host's ViewSet adds the header its serializer reads.
SHOPKIT_API_CACHE_TIMEOUT = 60
# What a host with another manager name tells drf-spectacular (it reads "objects" otherwise).
SPECTACULAR_SETTINGS = {"DEFAULT_QUERY_MANAGER": "catalog"}
