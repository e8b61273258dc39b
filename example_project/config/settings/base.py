"""Settings shared by every environment of the example shop.

Values that differ between machines come from the environment (or an optional ``.env`` file
next to ``manage.py``) through django-environ. Nothing secret has a default here.
"""

from pathlib import Path

import django
import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# Optional: a developer may keep local overrides in example_project/.env (never committed).
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "corsheaders",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_shopkit",
    "django_shopkit.catalog",
    "django_shopkit.orders",
    "apps.users",
    "apps.shop",
]

MIDDLEWARE = [
    # First, so the duration and request id cover everything below it.
    "django_shopkit.middleware.request_logging.RequestLoggingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: it needs request.user; writes User.last_active at most every 5 min.
    "django_shopkit.middleware.active_user.ActiveUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# -- Data -------------------------------------------------------------------------------------
# SQLite next to manage.py unless DATABASE_URL names another database, e.g.
# postgres://user:password@127.0.0.1:5432/shop
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Persistent connections, re-checked before reuse: a new PostgreSQL connection per request
# costs more than most requests themselves.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Take SQLite's write lock when a transaction starts: a deferred transaction that must
    # upgrade while another worker writes fails at once with "database is locked" (a 500),
    # an immediate one waits up to ``timeout`` seconds. See shopkit's docs/deployment.rst.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": env.int("DJANGO_SQLITE_TIMEOUT", default=20)}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_from_url(url: str) -> dict[str, object]:
    """Return a ``CACHES`` entry for ``url``; redis:// gets shopkit's fail-safe Redis backend.

    ``FailSafeRedisCache`` is Django's ``RedisCache`` whose errors are logged misses: with Redis
    down the shop (sidebar fragment, sessions, throttles) keeps serving from the database.
    """
    if url.startswith("locmem://"):  # django-environ spells it locmemcache://
        url = "locmemcache://" + url.removeprefix("locmem://")
    backend = None
    if url.startswith(("redis://", "rediss://")):
        backend = "django_shopkit.cache_backends.FailSafeRedisCache"
    config: dict[str, object] = environ.Env.cache_url_config(url, backend=backend)
    return config


# Local memory by default; CACHE_URL=redis://127.0.0.1:6379/1 shares the cache between
# processes, which the catalog's cache invalidation needs once there is more than one worker.
CACHES = {"default": cache_from_url(env.str("CACHE_URL", default="locmem://"))}

# -- Users --------------------------------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# -- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# -- Static files ---------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# -- E-mail ---------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="shop@example.com")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def mail_settings(url: str) -> dict[str, object]:
    """Return the e-mail settings for ``url`` (``smtp+tls://user:pass@host:587``, ``consolemail://``).

    Django 6.1 replaces ``EMAIL_BACKEND`` and friends with ``MAILERS``; older versions get the
    classic settings.
    """
    config = environ.Env.email_url_config(url)
    if django.VERSION < (6, 1):
        return config
    options = {
        "host": config.get("EMAIL_HOST"),
        "port": config.get("EMAIL_PORT"),
        "username": config.get("EMAIL_HOST_USER"),
        "password": config.get("EMAIL_HOST_PASSWORD"),
        "use_tls": config.get("EMAIL_USE_TLS"),
        "use_ssl": config.get("EMAIL_USE_SSL"),
    }
    smtp = config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    return {
        "MAILERS": {
            "default": {
                "BACKEND": config["EMAIL_BACKEND"],
                "OPTIONS": {k: v for k, v in options.items() if v not in (None, "")}
                if smtp
                else {},
            }
        }
    }


# -- API ------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Browsers: the session with its CSRF token; scripts and apps: a token from api/auth/token/.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
        # Basic auth with failed attempts throttled per client (LOGIN_FAILURE_THROTTLE_RATE).
        "apps.users.authentication.ThrottledBasicAuthentication",
    ],
    # Shopkit's JSON parser for every view, the shop's own included: deeply nested bodies are
    # a 400, not a RecursionError.
    "DEFAULT_PARSER_CLASSES": [
        "django_shopkit.parsers.ShopkitJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"register": env.str("REGISTER_THROTTLE_RATE", default="20/hour")},
}
# Failed sign-ins (HTTP Basic) allowed per client address before it is refused with 429.
LOGIN_FAILURE_THROTTLE_RATE = env.str("LOGIN_FAILURE_THROTTLE_RATE", default="10/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "django-shopkit example shop API",
    "DESCRIPTION": "Catalog, cart, checkout and orders of the django-shopkit example project.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from the drf-spectacular-sidecar package: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation documents its 4xx responses and their body (shopkit's hook).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "django_shopkit.openapi.add_error_responses",
    ],
}
CORS_ALLOWED_ORIGINS: list[str] = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"

# -- Shopkit --------------------------------------------------------------------------------------
SHOPKIT_MODELS_APP = "shop"
SHOPKIT_CURRENCY = env.str("SHOPKIT_CURRENCY", default="USD")
# The shop's own order rules (a minimum order value) on top of shopkit's.
SHOPKIT_ORDER_SERVICE = "apps.shop.services.ShopOrderService"
SHOP_MINIMUM_ORDER_TOTAL = env.str("SHOP_MINIMUM_ORDER_TOTAL", default="10.00")
# Payments: the dummy gateway by default (with DEBUG its test tokens demo 3-D Secure, redirects
# and declines); SHOPKIT_PAYMENT_GATEWAY=django_shopkit.orders.gateways.stripe.StripeGateway
# and the three Stripe keys take real cards.
SHOPKIT_PAYMENT_GATEWAY = env.str(
    "SHOPKIT_PAYMENT_GATEWAY", default="django_shopkit.orders.gateways.dummy.DummyGateway"
)
SHOPKIT_STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
SHOPKIT_STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
SHOPKIT_STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# Anyone can buy: visitors check out as guests with an e-mail address, and their order's page
# is reached through the signed link of the confirmation e-mail.
SHOPKIT_GUEST_CHECKOUT = True
# EU-style VAT: prices are entered with VAT included, at the rate of the buyer's country.
SHOPKIT_TAX_STRATEGY = "django_shopkit.orders.tax.CountryRates"
SHOPKIT_PRICES_INCLUDE_TAX = True
SHOPKIT_TAX_RATES = {"DE": "19", "AT": "20"}
SHOPKIT_TAX_DEFAULT_COUNTRY = "DE"
# Two ways to ship: a flat rate anywhere, free from 50.00 worth of goods.
SHOPKIT_SHIPPING_METHODS = [
    {
        "class": "django_shopkit.orders.shipping.FlatRateShipping",
        "code": "standard",
        "name": "Standard (3-5 days)",
        "rate": "4.90",
    },
    {
        "class": "django_shopkit.orders.shipping.FreeShippingAbove",
        "code": "free",
        "name": "Free shipping",
        "threshold": "50.00",
    },
]

# -- Logging --------------------------------------------------------------------------------------
# Everything to stdout: the process manager (systemd, a container runtime, a PaaS) collects it.
LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django_shopkit": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "apps": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}
