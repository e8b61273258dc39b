"""URLs of the cart, checkout and orders API, for hosts that mount the orders app alone.

``router`` holds the ViewSets and ``extra_urlpatterns`` the plain views;
``django_shopkit.urls`` merges both into the one API include.
"""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import DefaultRouter

from django_shopkit.orders.checkout_views import (
    AddressViewSet,
    GuestOrderViewSet,
    ShippingMethodsView,
)
from django_shopkit.orders.purchase import PurchaseView
from django_shopkit.orders.views import (
    CartItemViewSet,
    CartView,
    CheckoutView,
    OrderViewSet,
)
from django_shopkit.orders.webhooks import PaymentWebhookView

router = DefaultRouter()
router.register("orders", OrderViewSet, basename="shopkit-order")
router.register("cart/items", CartItemViewSet, basename="shopkit-cart-item")
router.register("addresses", AddressViewSet, basename="shopkit-address")

extra_urlpatterns: list[URLPattern | URLResolver] = [
    path("cart/", CartView.as_view(), name="shopkit-cart"),
    path("checkout/", CheckoutView.as_view(), name="shopkit-checkout"),
    # Buy now belongs to the orders app: it stays whatever product ViewSet is registered.
    path("products/<str:pk>/purchase/", PurchaseView.as_view(), name="shopkit-product-purchase"),
    path("payments/webhook/", PaymentWebhookView.as_view(), name="shopkit-payment-webhook"),
    path("shipping-methods/", ShippingMethodsView.as_view(), name="shopkit-shipping-methods"),
    path(
        "guest-orders/<str:token>/",
        GuestOrderViewSet.as_view({"get": "retrieve"}),
        name="shopkit-guest-order",
    ),
    path(
        "guest-orders/<str:token>/pay/",
        GuestOrderViewSet.as_view({"post": "pay"}),
        name="shopkit-guest-order-pay",
    ),
]

urlpatterns: list[URLPattern | URLResolver] = [*extra_urlpatterns, *router.urls]
