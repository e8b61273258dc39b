"""Storefront (HTML) URLs of the cart, checkout and orders, namespace ``shopkit_orders``.

Names: ``cart``, ``add-to-cart``, ``cart-item-update``, ``cart-item-remove``, ``checkout``,
``checkout-address``, ``address-book``, ``guest-order``, ``guest-order-pay``,
``order-list``, ``order-detail``, ``order-pay``, ``order-return``, ``order-cancel``, and
``dummy-provider`` (the dummy gateway's stand-in for a provider's page).
"""

from django.urls import URLPattern, URLResolver, path

from django_shopkit.orders import storefront, storefront_checkout
from django_shopkit.orders.gateways.dummy import DummyProviderView

app_name = "shopkit_orders"

urlpatterns: list[URLPattern | URLResolver] = [
    path("cart/", storefront.CartView.as_view(), name="cart"),
    path("cart/add/", storefront.AddToCartView.as_view(), name="add-to-cart"),
    path("cart/items/<int:pk>/", storefront.CartItemUpdateView.as_view(), name="cart-item-update"),
    path(
        "cart/items/<int:pk>/remove/",
        storefront.CartItemRemoveView.as_view(),
        name="cart-item-remove",
    ),
    path("checkout/", storefront.CheckoutView.as_view(), name="checkout"),
    path(
        "checkout/address/",
        storefront_checkout.CheckoutAddressView.as_view(),
        name="checkout-address",
    ),
    path("addresses/", storefront_checkout.AddressBookView.as_view(), name="address-book"),
    # A guest's order: the signed token of the confirmation e-mail, never the number alone.
    path(
        "orders/guest/<str:token>/",
        storefront_checkout.GuestOrderDetailView.as_view(),
        name="guest-order",
    ),
    path(
        "orders/guest/<str:token>/pay/",
        storefront_checkout.GuestOrderPayView.as_view(),
        name="guest-order-pay",
    ),
    path("orders/", storefront.OrderListView.as_view(), name="order-list"),
    # Order numbers (``SK-7KQ2-M9XD-4RTP``) are slugs; anything else is a 404 before any query.
    path("orders/<slug:number>/", storefront.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<slug:number>/pay/", storefront.OrderPayView.as_view(), name="order-pay"),
    path("orders/<slug:number>/return/", storefront.OrderReturnView.as_view(), name="order-return"),
    path("orders/<slug:number>/cancel/", storefront.OrderCancelView.as_view(), name="order-cancel"),
    path(
        "payments/dummy/<slug:client_secret>/",
        DummyProviderView.as_view(),
        name="dummy-provider",
    ),
]
