"""App config of the shopkit orders app."""

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    """Configure the shopkit orders app: system checks and the cart merge at login."""

    name = "django_shopkit.orders"
    label = "shopkit_orders"
    verbose_name = _("Shopkit orders")

    def ready(self) -> None:
        """Register the orders app's system checks and connect the login receiver."""
        from django.contrib.auth.signals import user_logged_in

        from django_shopkit.orders import checks as orders_checks
        from django_shopkit.orders import payment_checks
        from django_shopkit.orders.receivers import merge_session_cart

        user_logged_in.connect(merge_session_cart, dispatch_uid="shopkit_merge_session_cart")

        checks.register(orders_checks.check_catalog_installed)
        checks.register(orders_checks.check_payment_gateway, deploy=True)
        checks.register(payment_checks.check_payment_gateway)
        checks.register(payment_checks.check_webhook_mounted, checks.Tags.urls, deploy=True)
