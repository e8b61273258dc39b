"""Settings of the example project's own tests (``pytest`` from example_project/)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "shopkit-example-tests-not-secret"
ALLOWED_HOSTS = ["*"]
# Its own variable, so a DATABASE_URL meant for the library suite does not leak in.
DATABASES = {"default": env.db("EXAMPLE_TEST_DATABASE_URL", default="sqlite:///:memory:")}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# E-mail: the test runner switches to the in-memory backend itself.
# Serve static files from the apps' directories, as in development: no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
