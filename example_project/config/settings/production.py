"""Production settings: everything from the environment, HTTPS only, static files by whitenoise.

Required: ``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS`` (comma-separated) and, for anything but
a trial, ``DATABASE_URL`` and ``CACHE_URL``. See docs/example-project.rst.
"""

from .base import *  # noqa: F403
from .base import STORAGES, env, mail_settings

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Behind a proxy or load balancer that terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# SMTP; e.g. EMAIL_URL=smtp+tls://user:password@smtp.example.com:587
globals().update(mail_settings(env.str("EMAIL_URL", default="smtp://localhost:25")))

# The demo shop has no payment provider account: name your provider's gateway here. Until then
# "check --deploy" reports the development gateway (shopkit.E022), which would accept any token.
SHOPKIT_PAYMENT_GATEWAY = env.str(
    "SHOPKIT_PAYMENT_GATEWAY", default="django_shopkit.orders.payments.DummyGateway"
)
