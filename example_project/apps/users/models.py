"""Custom user (e-mail login) and the profile created for each new user."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .managers import UserManager


class User(AbstractUser):
    """A user who logs in with an e-mail address instead of a username."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    # Written by django_shopkit's ActiveUserMiddleware, at most once per interval.
    last_active = models.DateTimeField(_("last active"), null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["-date_joined"]
        constraints = [
            # Logins ignore case, so two addresses differing only in case must not coexist.
            models.UniqueConstraint(Lower("email"), name="users_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.email

    def get_full_name(self):
        """Return the first and last name, or the e-mail address when both are empty."""
        return f"{self.first_name} {self.last_name}".strip() or self.email


class Profile(models.Model):
    """Shop-facing details of a user; one per user, created when the user is."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    bio = models.TextField(_("bio"), blank=True)
    newsletter = models.BooleanField(_("receives the newsletter"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return self.display_name or str(self.user)
