"""App config of the shopkit catalog."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    """Connect the catalog's cache-invalidation signal handlers."""

    name = "django_shopkit.catalog"
    label = "shopkit_catalog"
    verbose_name = _("Shopkit catalog")

    def ready(self) -> None:
        """Connect the signal handlers once the host's models are loaded."""
        from django_shopkit.catalog import signals

        signals.connect_handlers()
