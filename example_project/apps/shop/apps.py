"""App config of the shop app: the example project's concrete shopkit models."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    """Hold every concrete shopkit model (``SHOPKIT_MODELS_APP = "shop"``)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.shop"
    label = "shop"
    verbose_name = _("Shop")
