"""App config of the django_shopkit core app."""

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class ShopkitConfig(AppConfig):
    """Load the settings and register the system checks."""

    name = "django_shopkit"
    label = "shopkit"
    verbose_name = _("Shopkit")

    def ready(self) -> None:
        """Install setting defaults and register the checks."""
        from django_shopkit import checks as shopkit_checks
        from django_shopkit import conf  # noqa: F401  (installs the SHOPKIT_* defaults)

        checks.register(shopkit_checks.check_settings)
        checks.register(shopkit_checks.check_required_apps)
        checks.register(shopkit_checks.check_models, checks.Tags.models)

        from django_shopkit.middleware.checks import check_middleware

        checks.register(check_middleware)

        from django_shopkit.db_checks import check_sqlite_transaction_mode

        checks.register(check_sqlite_transaction_mode)
