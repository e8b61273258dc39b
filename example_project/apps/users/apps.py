"""App config of the users app."""

from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    """Custom user with e-mail login; connects the profile signal."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.users"
    label = "users"
    verbose_name = _("Users")

    def ready(self):
        """Connect the signal handlers once the models are loaded."""
        from . import signals

        post_save.connect(
            signals.create_profile,
            sender=self.get_model("User"),
            dispatch_uid="apps.users.create_profile",
        )
