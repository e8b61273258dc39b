"""Settings of django-shopkit, each with its default, type and purpose.

Every setting is read from the project's settings with the ``SHOPKIT_`` prefix, e.g.
``SHOPKIT_PAGE_SIZE``. Importing this module installs the defaults on
``django.conf.settings``; the ``django_shopkit`` app config imports it at start-up, so library
code reads ``settings.SHOPKIT_<NAME>`` and always finds a value.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from appconf import AppConf
from django.conf import LazySettings
from django.conf import settings as django_settings

__all__ = [
    "DEFAULT_THROTTLE_RATES",
    "MODELS",
    "MODEL_SETTINGS",
    "SETTING_TYPES",
    "ModelSpec",
    "ShopkitConf",
    "settings",
]


@dataclass(frozen=True)
class ModelSpec:
    """One shopkit model the host supplies: its setting, default class name and home app."""

    #: Setting suffix, e.g. ``"CART_ITEM_MODEL"``.
    setting: str
    #: Default class name, used with ``SHOPKIT_MODELS_APP`` and by ``shopkit_startapp``.
    default_name: str
    #: Library app that uses the model: ``"catalog"`` or ``"orders"``.
    app: str
    #: Docstring of the class ``shopkit_startapp`` generates.
    description: str
    #: Setting of the model whose shopkit admin edits this one inline; such a model has no
    #: ``ModelAdmin`` of its own.
    inline_in: str | None = None

    @property
    def app_name(self) -> str:
        """Return the library app's module path, e.g. ``"django_shopkit.orders"``."""
        return f"django_shopkit.{self.app}"

    @property
    def abstract(self) -> str:
        """Return the class name of the abstract base, e.g. ``"AbstractCartItem"``."""
        return f"Abstract{self.default_name}"

    @property
    def abstract_path(self) -> str:
        """Return the dotted path of the abstract base the host's model must subclass."""
        return f"{self.app_name}.abstract_models.{self.abstract}"

    @property
    def admin_path(self) -> str | None:
        """Return the dotted path of shopkit's ``ModelAdmin``, or ``None`` if edited inline."""
        if self.inline_in:
            return None
        return f"{self.app_name}.admin.{self.default_name}Admin"


#: Every shopkit model, in dependency order (a model only refers to models above it).
MODELS: tuple[ModelSpec, ...] = (
    ModelSpec("CATEGORY_MODEL", "Category", "catalog", "A product category."),
    ModelSpec("TAG_MODEL", "Tag", "catalog", "A free label on products."),
    ModelSpec("PRODUCT_MODEL", "Product", "catalog", "A product."),
    ModelSpec("REVIEW_MODEL", "Review", "catalog", "A customer's review of a product."),
    ModelSpec("DISCOUNT_MODEL", "Discount", "catalog", "A percentage off one product."),
    ModelSpec("CART_MODEL", "Cart", "orders", "A shopping cart."),
    ModelSpec(
        "CART_ITEM_MODEL",
        "CartItem",
        "orders",
        "One product line of a cart.",
        inline_in="CART_MODEL",
    ),
    ModelSpec("ORDER_MODEL", "Order", "orders", "A placed order."),
    ModelSpec(
        "ORDER_ITEM_MODEL",
        "OrderItem",
        "orders",
        "One product line of an order.",
        inline_in="ORDER_MODEL",
    ),
    ModelSpec("PAYMENT_MODEL", "Payment", "orders", "A payment attempt on an order."),
    ModelSpec(
        "REFUND_MODEL",
        "Refund",
        "orders",
        "A full or partial refund of a payment.",
        inline_in="ORDER_MODEL",
    ),
    ModelSpec(
        "PAYMENT_EVENT_MODEL", "PaymentEvent", "orders", "A payment provider's webhook event."
    ),
    ModelSpec("ADDRESS_MODEL", "Address", "orders", "An address in a customer's address book."),
)

#: Model setting suffix -> its model.
MODEL_SETTINGS: dict[str, ModelSpec] = {model.setting: model for model in MODELS}


#: Default rates of the throttle scopes of shopkit's write endpoints.
DEFAULT_THROTTLE_RATES: dict[str, str | None] = {
    "shopkit_cart": "120/minute",
    "shopkit_checkout": "20/minute",
    "shopkit_payment": "20/minute",
    "shopkit_review": "10/minute",
    "shopkit_product_write": "60/minute",
}


class ShopkitConf(AppConf):  # type: ignore[misc]  # appconf ships no type hints
    """Declare every ``SHOPKIT_*`` setting with its default."""

    # -- Models -------------------------------------------------------------------------
    #: App label whose models supply every model setting left unset: with ``"shop"``,
    #: ``SHOPKIT_PRODUCT_MODEL`` defaults to ``"shop.Product"`` and so on.
    MODELS_APP: str | None = None
    #: ``"app_label.ModelName"`` of the host's concrete models.
    CATEGORY_MODEL: str | None = None
    TAG_MODEL: str | None = None
    PRODUCT_MODEL: str | None = None
    REVIEW_MODEL: str | None = None
    DISCOUNT_MODEL: str | None = None
    CART_MODEL: str | None = None
    CART_ITEM_MODEL: str | None = None
    ORDER_MODEL: str | None = None
    ORDER_ITEM_MODEL: str | None = None
    PAYMENT_MODEL: str | None = None
    REFUND_MODEL: str | None = None
    PAYMENT_EVENT_MODEL: str | None = None
    ADDRESS_MODEL: str | None = None

    # -- Money --------------------------------------------------------------------------
    #: ISO 4217 code stored on orders and shown next to prices.
    CURRENCY: str = "USD"
    #: Places every amount is quantized to (ROUND_HALF_UP).
    CURRENCY_DECIMAL_PLACES: int = 2

    # -- API ----------------------------------------------------------------------------
    #: Default page size of list endpoints.
    PAGE_SIZE: int = 20
    #: Largest ``page_size`` a client may ask for.
    MAX_PAGE_SIZE: int = 100
    #: Pagination class of the product list (a dotted path); the keyset alternative is
    #: ``"django_shopkit.pagination.ShopkitCursorPagination"``.
    PRODUCT_PAGINATION_CLASS: str = "django_shopkit.pagination.ShopkitPagination"
    #: Largest quantity of one product in one cart line or order.
    MAX_LINE_QUANTITY: int = 99
    #: The shop's shipping methods: dotted paths of ``ShippingMethod`` classes, or dicts
    #: ``{"class": "dotted.path", **options}``; empty: orders carry no shipping.
    SHIPPING_METHODS: tuple[Any, ...] = ()
    #: Dotted path of the tax strategy class: ``...tax.NoTax`` or ``...tax.CountryRates``.
    TAX_STRATEGY: str = "django_shopkit.orders.tax.NoTax"
    #: Whether product prices and shipping rates are entered with tax included (EU style).
    PRICES_INCLUDE_TAX: bool = False
    #: ``CountryRates``' rates in percent, by country (``"DE"``) or region (``"US-CA"``).
    TAX_RATES: dict[str, Any] = {}
    #: Country whose rate applies before the buyer's address is known (the shop's own).
    TAX_DEFAULT_COUNTRY: str = ""
    #: Let anonymous visitors check out their session cart with an e-mail address.
    GUEST_CHECKOUT: bool = False
    #: Seconds a guest's signed order link stays valid (default: 30 days).
    GUEST_ORDER_LINK_MAX_AGE: int = 30 * 24 * 3600
    #: Refuse a checkout without a shipping address (by id or inline).
    REQUIRE_SHIPPING_ADDRESS: bool = False
    #: Merge an anonymous visitor's session cart into the user's cart at login.
    MERGE_CART_AT_LOGIN: bool = True
    #: Seconds without a change after which ``shopkit_clear_session_carts`` deletes a session
    #: cart; ``None`` uses ``SESSION_COOKIE_AGE`` (the session, and its cart key, is gone).
    SESSION_CART_MAX_AGE: int | None = None
    #: Deepest nesting of lists and objects a JSON request body may have (a 400 beyond).
    JSON_MAX_DEPTH: int = 64
    #: Rates of the throttle scopes of shopkit's write endpoints, e.g. ``"30/minute"``;
    #: ``None`` turns a scope off. A scope in ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``
    #: wins over this setting; scopes left out here keep these defaults.
    THROTTLE_RATES: dict[str, str | None] = DEFAULT_THROTTLE_RATES

    # -- Caching ------------------------------------------------------------------------
    #: Cache alias (a key of ``CACHES``) for shopkit's cached data.
    CACHE_ALIAS: str = "default"
    #: Prefix of every cache key shopkit writes.
    CACHE_KEY_PREFIX: str = "shopkit"
    #: Seconds the featured products are cached.
    FEATURED_CACHE_TIMEOUT: int = 900
    #: Seconds the popular categories are cached.
    CATEGORY_CACHE_TIMEOUT: int = 3600
    #: Seconds a product list's row count is cached per catalog version; 0 counts every time.
    COUNT_CACHE_TIMEOUT: int = 300
    #: Seconds anonymous product list and detail responses are cached per catalog version and
    #: request context; 0 (the default) caches none.
    API_CACHE_TIMEOUT: int = 0
    #: Seconds the HTML product list is cached with ``cache_page``.
    PAGE_CACHE_TIMEOUT: int = 60
    #: Seconds the category sidebar fragment is cached.
    SIDEBAR_CACHE_TIMEOUT: int = 500
    #: How many featured products are returned.
    FEATURED_LIMIT: int = 10
    #: How many categories the popular list returns.
    POPULAR_CATEGORIES_LIMIT: int = 20

    # -- Middleware ---------------------------------------------------------------------
    #: Field of the user model that ``ActiveUserMiddleware`` writes.
    ACTIVE_USER_FIELD: str = "last_active"
    #: Minimum seconds between two writes of one user's last-active time.
    ACTIVE_USER_INTERVAL: int = 300
    #: Logger name of ``RequestLoggingMiddleware``.
    REQUEST_LOG_LOGGER: str = "django_shopkit.request"
    #: Path prefixes that are not logged.
    REQUEST_LOG_SKIP_PATHS: tuple[str, ...] = ("/static/", "/media/", "/health")
    #: Header carrying the request id in and out.
    REQUEST_ID_HEADER: str = "X-Request-ID"
    #: Longest accepted incoming request id; longer ones are replaced.
    REQUEST_ID_MAX_LENGTH: int = 128

    # -- Services and payments ----------------------------------------------------------
    #: Dotted path of the payment gateway class.
    PAYMENT_GATEWAY: str = "django_shopkit.orders.gateways.dummy.DummyGateway"
    #: Seconds an attempt may stay ``created``/``processing``/``requires_action`` before
    #: ``shopkit_reconcile_payments`` asks the provider about it.
    PAYMENT_RECONCILE_AFTER: int = 300
    #: Stripe secret API key (``sk_...``) of the Stripe gateway.
    STRIPE_SECRET_KEY: str = ""
    #: Stripe publishable key (``pk_...``), given to Stripe.js on the payment step.
    STRIPE_PUBLISHABLE_KEY: str = ""
    #: Signing secret (``whsec_...``) of the webhook endpoint, from the Stripe dashboard.
    STRIPE_WEBHOOK_SECRET: str = ""
    #: Base URL of the Stripe API; ``None`` is Stripe's own. Tests point it at localstripe.
    STRIPE_API_BASE: str | None = None
    #: Payment method types of new PaymentIntents; empty turns on Stripe's automatic payment
    #: methods (the dashboard decides), e.g. ``("card",)`` restricts them.
    STRIPE_PAYMENT_METHOD_TYPES: tuple[str, ...] = ()
    #: Seconds the Stripe SDK waits for an answer before the outcome counts as unknown.
    STRIPE_TIMEOUT: int = 10
    #: Dotted path of the catalog service class (stock operations).
    CATALOG_SERVICE: str = "django_shopkit.catalog.services.CatalogService"
    #: Dotted path of the cart service class.
    CART_SERVICE: str = "django_shopkit.orders.services.CartService"
    #: Dotted path of the order service class.
    ORDER_SERVICE: str = "django_shopkit.orders.services.OrderService"

    # -- E-mail -------------------------------------------------------------------------
    #: Send an order confirmation e-mail when an order is placed.
    SEND_ORDER_EMAILS: bool = True
    #: Sender of order e-mails; ``None`` uses ``DEFAULT_FROM_EMAIL``.
    ORDER_EMAIL_FROM: str | None = None
    #: Prefix of order e-mail subjects.
    ORDER_EMAIL_SUBJECT_PREFIX: str = ""

    class Meta:
        prefix = "shopkit"


def _accepted_types(hint: Any) -> type | tuple[type, ...]:
    """Return the type(s) ``isinstance`` accepts for a setting annotated ``hint``."""
    if typing.get_origin(hint) is tuple:
        # Settings modules write sequences as lists as often as tuples; both work.
        return (list, tuple)
    if typing.get_origin(hint) is dict:
        return dict
    # ``str | None`` -> (str, NoneType); a plain class has no arguments.
    return typing.get_args(hint) or cast("type", hint)


#: Setting suffix -> accepted Python type(s), from ``ShopkitConf``'s annotations; checked by the
#: ``shopkit.E004`` system check.
SETTING_TYPES: dict[str, type | tuple[type, ...]] = {
    name: _accepted_types(hint) for name, hint in typing.get_type_hints(ShopkitConf).items()
}


if TYPE_CHECKING:

    class ShopkitSettings(LazySettings):
        """Django's settings as shopkit reads them: every ``SHOPKIT_*`` setting typed."""

        SHOPKIT_MODELS_APP: str | None
        SHOPKIT_CATEGORY_MODEL: str | None
        SHOPKIT_TAG_MODEL: str | None
        SHOPKIT_PRODUCT_MODEL: str | None
        SHOPKIT_REVIEW_MODEL: str | None
        SHOPKIT_DISCOUNT_MODEL: str | None
        SHOPKIT_CART_MODEL: str | None
        SHOPKIT_CART_ITEM_MODEL: str | None
        SHOPKIT_ORDER_MODEL: str | None
        SHOPKIT_ORDER_ITEM_MODEL: str | None
        SHOPKIT_PAYMENT_MODEL: str | None
        SHOPKIT_REFUND_MODEL: str | None
        SHOPKIT_PAYMENT_EVENT_MODEL: str | None
        SHOPKIT_ADDRESS_MODEL: str | None
        SHOPKIT_CURRENCY: str
        SHOPKIT_CURRENCY_DECIMAL_PLACES: int
        SHOPKIT_PAGE_SIZE: int
        SHOPKIT_MAX_PAGE_SIZE: int
        SHOPKIT_PRODUCT_PAGINATION_CLASS: str
        SHOPKIT_COUNT_CACHE_TIMEOUT: int
        SHOPKIT_API_CACHE_TIMEOUT: int
        SHOPKIT_MAX_LINE_QUANTITY: int
        SHOPKIT_MERGE_CART_AT_LOGIN: bool
        SHOPKIT_REQUIRE_SHIPPING_ADDRESS: bool
        SHOPKIT_SHIPPING_METHODS: tuple[Any, ...]
        SHOPKIT_GUEST_CHECKOUT: bool
        SHOPKIT_GUEST_ORDER_LINK_MAX_AGE: int
        SHOPKIT_TAX_STRATEGY: str
        SHOPKIT_PRICES_INCLUDE_TAX: bool
        SHOPKIT_TAX_RATES: dict[str, Any]
        SHOPKIT_TAX_DEFAULT_COUNTRY: str
        SHOPKIT_SESSION_CART_MAX_AGE: int | None
        SHOPKIT_JSON_MAX_DEPTH: int
        SHOPKIT_THROTTLE_RATES: dict[str, str | None]
        SHOPKIT_CACHE_ALIAS: str
        SHOPKIT_CACHE_KEY_PREFIX: str
        SHOPKIT_FEATURED_CACHE_TIMEOUT: int
        SHOPKIT_CATEGORY_CACHE_TIMEOUT: int
        SHOPKIT_PAGE_CACHE_TIMEOUT: int
        SHOPKIT_SIDEBAR_CACHE_TIMEOUT: int
        SHOPKIT_FEATURED_LIMIT: int
        SHOPKIT_POPULAR_CATEGORIES_LIMIT: int
        SHOPKIT_ACTIVE_USER_FIELD: str
        SHOPKIT_ACTIVE_USER_INTERVAL: int
        SHOPKIT_REQUEST_LOG_LOGGER: str
        SHOPKIT_REQUEST_LOG_SKIP_PATHS: tuple[str, ...]
        SHOPKIT_REQUEST_ID_HEADER: str
        SHOPKIT_REQUEST_ID_MAX_LENGTH: int
        SHOPKIT_PAYMENT_GATEWAY: str
        SHOPKIT_PAYMENT_RECONCILE_AFTER: int
        SHOPKIT_STRIPE_SECRET_KEY: str
        SHOPKIT_STRIPE_PUBLISHABLE_KEY: str
        SHOPKIT_STRIPE_WEBHOOK_SECRET: str
        SHOPKIT_STRIPE_API_BASE: str | None
        SHOPKIT_STRIPE_PAYMENT_METHOD_TYPES: tuple[str, ...]
        SHOPKIT_STRIPE_TIMEOUT: int
        SHOPKIT_CATALOG_SERVICE: str
        SHOPKIT_CART_SERVICE: str
        SHOPKIT_ORDER_SERVICE: str
        SHOPKIT_SEND_ORDER_EMAILS: bool
        SHOPKIT_ORDER_EMAIL_FROM: str | None
        SHOPKIT_ORDER_EMAIL_SUBJECT_PREFIX: str

        def __getattr__(self, name: str) -> Any: ...


#: ``django.conf.settings``, typed for the ``SHOPKIT_*`` names (read it, never copy values:
#: ``override_settings`` must keep working).
settings = cast("ShopkitSettings", django_settings)
