"""``django_shopkit.urls``: one API include, and ``api_urlpatterns()`` to swap a ViewSet."""

import pytest

from django_shopkit import urls as shopkit_urls
from django_shopkit.catalog.views import ProductViewSet
from django_shopkit.orders.purchase import PurchaseView
from django_shopkit.urls import api_urlpatterns


class SpecialProductViewSet(ProductViewSet):
    """A host's product ViewSet, swapped in by basename, exactly as the docs show."""


def _routes(patterns):
    """Return each pattern's path, name and view class (``None`` for the API root)."""
    return [
        (str(p.pattern), p.name, getattr(p.callback, "cls", None) or p.callback.view_class)
        for p in patterns
    ]


def test_purchase_is_an_orders_route_not_a_product_viewset_action():
    registry = {basename: viewset for _, viewset, basename in shopkit_urls.router.registry}
    assert registry["shopkit-product"] is ProductViewSet
    routes = {name: view for _, name, view in _routes(shopkit_urls.urlpatterns)}
    assert routes["shopkit-product-purchase"] is PurchaseView


def test_plain_views_come_before_the_router():
    names = [p.name for p in shopkit_urls.urlpatterns]
    assert names[:3] == ["shopkit-cart", "shopkit-checkout", "shopkit-product-purchase"]
    assert names[-1] == "api-root"


def test_swapping_the_product_viewset_keeps_the_purchase_route():
    routes = {
        name: view
        for _, name, view in _routes(api_urlpatterns({"shopkit-product": SpecialProductViewSet}))
    }
    assert routes["shopkit-product-purchase"] is PurchaseView
    assert routes["shopkit-product-detail"] is SpecialProductViewSet


def test_api_urlpatterns_without_viewsets_is_the_include():
    assert _routes(api_urlpatterns()) == _routes(shopkit_urls.urlpatterns)


def test_api_urlpatterns_swaps_one_viewset_and_keeps_every_path_and_name():
    default = _routes(shopkit_urls.urlpatterns)
    swapped = _routes(api_urlpatterns({"shopkit-product": SpecialProductViewSet}))

    assert [(path, name) for path, name, _ in swapped] == [
        (path, name) for path, name, _ in default
    ]
    for (path, name, view), (_, _, default_view) in zip(swapped, default, strict=True):
        if name.startswith("shopkit-product-") and name != "shopkit-product-purchase":
            assert view is SpecialProductViewSet, path
        else:
            assert view is default_view, path


def test_api_urlpatterns_rejects_an_unknown_basename():
    with pytest.raises(ValueError, match="'shopkit-produkt'"):
        api_urlpatterns({"shopkit-produkt": SpecialProductViewSet})


@pytest.mark.django_db
def test_api_root_lists_every_endpoint_and_each_link_resolves(client, django_assert_num_queries):
    from django.urls import resolve, reverse

    root_url = reverse("api-root")
    with django_assert_num_queries(0):
        response = client.get(root_url, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    links = response.json()
    assert list(links) == [
        "products",
        "categories",
        "tags",
        "orders",
        "cart/items",
        "addresses",
        "cart",
        "checkout",
        "payments/webhook",
        "shipping-methods",
    ]
    for key, url in links.items():
        path = url.removeprefix("http://testserver")
        assert path == root_url + key + "/", key
        assert resolve(path).url_name != "api-root", key
