"""Test settings, host configuration 2: app label ``altshop``, other class names, auth.User.

Nothing in the library may hard-code an app label, a model name, a related name or a URL
prefix; running the whole suite under this configuration too is how that is proven.
"""

from tests.settings import *  # noqa: F403

INSTALLED_APPS = [
    app
    for app in INSTALLED_APPS  # noqa: F405
    if app not in ("tests.accounts", "tests.shop")
] + ["tests.altshop"]

AUTH_USER_MODEL = "auth.User"
SHOPKIT_MODELS_APP = None
SHOPKIT_CATEGORY_MODEL = "altshop.Department"
SHOPKIT_TAG_MODEL = "altshop.Label"
SHOPKIT_PRODUCT_MODEL = "altshop.Item"
SHOPKIT_REVIEW_MODEL = "altshop.Rating"
SHOPKIT_DISCOUNT_MODEL = "altshop.Markdown"
SHOPKIT_CART_MODEL = "altshop.Basket"
SHOPKIT_CART_ITEM_MODEL = "altshop.BasketLine"
SHOPKIT_ORDER_MODEL = "altshop.Purchase"
SHOPKIT_ORDER_ITEM_MODEL = "altshop.PurchaseLine"
SHOPKIT_PAYMENT_MODEL = "altshop.Charge"
SHOPKIT_REFUND_MODEL = "altshop.ChargeRefund"
SHOPKIT_PAYMENT_EVENT_MODEL = "altshop.ProviderEvent"
SHOPKIT_ADDRESS_MODEL = "altshop.PostalAddress"
# auth.User has no last_active; the middleware writes last_login instead.
SHOPKIT_ACTIVE_USER_FIELD = "last_login"

ROOT_URLCONF = "tests.urls_alt"
