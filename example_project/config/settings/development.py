"""Development settings: DEBUG, SQLite, console e-mail, the debug toolbar when installed."""

import importlib.util

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, MIDDLEWARE, env, mail_settings

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Development only: a fixed key so `manage.py runserver` works on a fresh clone.
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY", default="django-insecure-shopkit-example-development-only-key"
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
INTERNAL_IPS = ["127.0.0.1"]

globals().update(mail_settings(env.str("EMAIL_URL", default="consolemail://")))

CORS_ALLOWED_ORIGINS = env.list(
    "CORS_ALLOWED_ORIGINS", default=["http://localhost:3000", "http://127.0.0.1:3000"]
)

if importlib.util.find_spec("debug_toolbar") is not None:
    INSTALLED_APPS = [*INSTALLED_APPS, "debug_toolbar"]
    # As early as possible (nothing here encodes responses); the request log stays first.
    MIDDLEWARE = [MIDDLEWARE[0], "debug_toolbar.middleware.DebugToolbarMiddleware", *MIDDLEWARE[1:]]
    # A handle at the edge of the page until clicked, so the shop itself stays visible.
    DEBUG_TOOLBAR_CONFIG = {"SHOW_COLLAPSED": True}

# Static files straight from the apps' directories, re-read on change: no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
