"""App config of the shopkit orders app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    """Configure the shopkit orders app."""

    name = "django_shopkit.orders"
    label = "shopkit_orders"
    verbose_name = _("Shopkit orders")
