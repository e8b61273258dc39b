"""HTTP Basic authentication that password-guessing clients cannot use to slow the shop down.

Every failed attempt costs a password hash (hundreds of milliseconds of CPU by design); a client
sending wrong passwords in a loop would take the workers from everyone else. After
``LOGIN_FAILURE_THROTTLE_RATE`` failures from one client address, further attempts from it are
refused with 429 before any hashing, until the window ends. Credentials holding control
characters (a NUL byte) are refused with 401 before they reach the database.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BasicAuthentication
from rest_framework.throttling import BaseThrottle

from django_shopkit.validators import has_control_characters

logger = logging.getLogger(__name__)

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate):
    """Return ``(attempts, seconds)`` of a rate such as ``"10/minute"``."""
    count, period = rate.split("/")
    return int(count), _PERIODS[period.strip()[0]]


class LoginFailureThrottle(BaseThrottle):
    """Count failed logins per client address in the default cache (a fixed window)."""

    def __init__(self, request):
        self.attempts, self.window = parse_rate(settings.LOGIN_FAILURE_THROTTLE_RATE)
        # DRF's client address: REMOTE_ADDR, or X-Forwarded-For with NUM_PROXIES set.
        self.key = f"login-failures:{self.get_ident(request)}"

    def _cache(self, call, default):
        try:
            return call()
        except Exception as exc:  # a cache that is down must not lock everyone out
            logger.warning("Login failure throttle skipped: the cache failed (%s).", exc)
            return default

    def check(self):
        """Raise Throttled when this client has used up its failed attempts."""
        failures = self._cache(lambda: cache.get(self.key, 0), 0)
        if failures >= self.attempts:
            raise exceptions.Throttled(
                wait=self.window, detail=_("Too many failed sign-in attempts; try again later.")
            )

    def failed(self):
        """Count one failed attempt."""

        def count():
            cache.add(self.key, 0, self.window)
            return cache.incr(self.key)

        self._cache(count, None)


class ThrottledBasicAuthentication(BasicAuthentication):
    """DRF's Basic authentication with failed attempts throttled per client address."""

    def authenticate(self, request):
        """Authenticate, refusing throttled clients before they cost a password hash."""
        self.throttle = LoginFailureThrottle(request)
        return super().authenticate(request)

    def authenticate_credentials(self, userid, password, request=None):
        """Check the credentials; count a failure against the client."""
        if has_control_characters(userid) or has_control_characters(password):
            raise exceptions.AuthenticationFailed(_("Invalid username/password."))
        self.throttle.check()
        try:
            return super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            self.throttle.failed()
            raise


try:
    from drf_spectacular.authentication import BasicScheme
except ImportError:  # pragma: no cover - the example always installs drf-spectacular
    pass
else:

    class ThrottledBasicScheme(BasicScheme):
        """Describe :class:`ThrottledBasicAuthentication` in the schema as plain HTTP Basic."""

        target_class = "apps.users.authentication.ThrottledBasicAuthentication"
