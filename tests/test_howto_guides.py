"""The host code of the top-level how-to guides, run in a shop built by the quick start.

docs/howto/ is run by tests/test_howto_blocks.py and extending-catalog by
tests/test_docs_examples.py; this module runs the other guides of docs/index.rst's "How-to
guides" toctree. Each test copies the quick-start site (the ``quick_start_site`` fixture),
applies every host-code block of its page in order (see :mod:`tests.docs_site`), and asserts
what the page promises. A fragment that continues a session is run, as written, by the test
``RUN_IN_CONTEXT`` names; a block that cannot run here is listed in ``NOT_RUN`` with the
reason. ``test_every_howto_guide_is_run`` fails when a guide of the toctree is run by no
module, and a new host-code block fails its page's test until it runs (or is listed).
"""

import json
import shlex
import socket
import subprocess
import sys
import types

import pytest
from django.conf import settings
from django.test.utils import isolate_apps

from tests.docs_blocks import Block, code_blocks
from tests.docs_site import ROOT, QuickStart, readme_blocks

DOCS = ROOT / "docs"
HOST_CODE = {"python", "console", "html+django", "css"}

pytestmark = pytest.mark.skipif(
    settings.SETTINGS_MODULE != "tests.settings",
    reason="builds its own project, the same under either host configuration: runs once",
)

#: Pages of the how-to toctree whose blocks other modules run.
RUN_ELSEWHERE = {
    "extending-catalog": "tests/test_docs_examples.py",
    **{f"howto/{p.stem}": "tests/test_howto_blocks.py" for p in (DOCS / "howto").glob("*.rst")},
}

#: Host-code blocks no test here applies, by page and first line, with the reason.
NOT_RUN = {
    (
        "payments",
        '$ curl -X POST https://shop.example.com/api/checkout/ -H "Authorization: Token ..."',
    ): (
        "a session against a deployed shop in Stripe's test mode; tests/orders runs the Stripe"
        " gateway's flows against localstripe"
    ),
    ("example-project", "$ python3 dev.py demo"): (
        "creates a virtualenv and installs from the network; the example project's own tests"
        " run its migrate and seed_demo"
    ),
    ("example-project", "$ python3 -m venv .venv"): "the same by hand: a virtualenv, pip -e",
    ("example-project", "$ cd example_project"): (  # two blocks: the run and the tests
        "the production-like run and the example's tests run in the repository's"
        " example_project, not a quick-start site: example_project/tests runs check --deploy"
        " under production settings and gunicorn on PostgreSQL and Redis"
    ),
}

#: Fragments that continue a session (an ``order`` in the shell): the named test gives them
#: their context and runs them as written.
RUN_IN_CONTEXT = {
    ("payments", "from decimal import Decimal"): "test_payments_refund_in_the_shell",
}

#: Run in the built project; the last line it prints is JSON.
SHELL_PREAMBLE = """
import json
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
"""


def host_blocks(page: str) -> list[Block]:
    """Return the page's host-code blocks, in order."""
    return [b for b in code_blocks(DOCS / f"{page}.rst") if b.language in HOST_CODE]


def first_line(block: Block) -> str:
    """Return the block's first line, which names it in ``NOT_RUN``."""
    return block.text.splitlines()[0].strip()


def runnable(page: str) -> list[Block]:
    """Return the page's host-code blocks applied as they stand, in order."""
    apart = NOT_RUN.keys() | RUN_IN_CONTEXT.keys()
    return [b for b in host_blocks(page) if (page, first_line(b)) not in apart]


def in_context(page: str, line: str) -> Block:
    """Return the block of ``RUN_IN_CONTEXT`` that starts with ``line``."""
    (block,) = [b for b in host_blocks(page) if first_line(b) == line]
    return block


def apply_page(site: QuickStart, page: str) -> None:
    """Apply every runnable block of the page to the site, in order."""
    blocks = runnable(page)
    assert blocks, f"{page} shows no host code"
    for block in blocks:
        site.apply(block)


def django_shell(site: QuickStart, code: str) -> object:
    """Run ``code`` in the site's shell; return the JSON it printed last."""
    output = site.shell(f"python manage.py shell -c {shlex.quote(SHELL_PREAMBLE + code)}")
    return json.loads(output.strip().splitlines()[-1])


def manage(site: QuickStart, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run a management command that may fail; return its exit status and all it printed."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=site.dir,
        env={**site.env, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


def check_is_clean(site: QuickStart) -> None:
    """Assert that ``check`` finds nothing, database checks included."""
    assert "no issues" in site.shell("python manage.py check --database default")


def dead_port() -> int:
    """Return a local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def without_quick_start_urls(site: QuickStart) -> QuickStart:
    """Remove the quick start's URL block from the site's urls.py (startproject's remain)."""
    (block,) = [b for b in readme_blocks() if b.target == "urls.py"]
    urls = site.dir / "mysite" / "urls.py"
    text = urls.read_text()
    assert block.text in text
    urls.write_text(text.replace(block.text, ""))
    return site


# -- The guard -------------------------------------------------------------------------------


def howto_toctree() -> list[str]:
    """Return the entries of docs/index.rst's "How-to guides" toctree."""
    text = (DOCS / "index.rst").read_text()
    section = text.split(":caption: How-to guides", 1)[1].split(".. toctree::", 1)[0]
    return [
        line.strip() for line in section.splitlines() if line.startswith("   ") and line.strip()
    ]


PAGES = [
    "installation",
    "payments",
    "middleware",
    "deployment",
    "throttling",
    "example-project",
    "carts",
    "addresses",
    "tax",
]


def test_every_howto_guide_is_run():
    entries = howto_toctree()
    assert set(entries) == set(RUN_ELSEWHERE) | set(PAGES), entries
    for page, line in NOT_RUN.keys() | RUN_IN_CONTEXT.keys():
        assert line in {first_line(b) for b in host_blocks(page)}, f"stale entry: {page} {line}"
    for test_name in RUN_IN_CONTEXT.values():
        assert callable(globals().get(test_name)), test_name
    for page in PAGES:
        for block in runnable(page):
            if block.language != "console":
                # QuickStart.apply refuses a block that does not say where it goes; say it here
                # too, so a new block fails the guard and not only its page's test.
                assert block.target, f"{block.source}:{block.line}: the block names no file"
    # Pages that show only blocks this module cannot run are still listed, with their reasons.
    assert runnable("example-project") == []


# -- The pages -------------------------------------------------------------------------------


def test_deployment(quick_start_site, tmp_path):
    site = quick_start_site.copy_to(tmp_path)
    # The cache block reads REDIS_URL: point it at a port nothing listens on, to show the
    # promise of the page (Redis down is a miss) without touching the shared Redis.
    site.env["REDIS_URL"] = f"redis://127.0.0.1:{dead_port()}/0"
    apply_page(site, "deployment")
    check_is_clean(site)  # shopkit.W040 included: the SQLite block keeps IMMEDIATE
    result = django_shell(
        site,
        """
from django.conf import settings
from django.core.cache import cache, caches
from django.contrib.auth import get_user_model
db = settings.DATABASES["default"]
client = Client()
client.force_login(get_user_model().objects.get(username="admin"))
nested = client.post("/api/cart/items/", "[" * 100_000, content_type="application/json")
print(json.dumps({
    "options": db["OPTIONS"],
    "conn": [db["CONN_MAX_AGE"], db["CONN_HEALTH_CHECKS"]],
    "backend": type(caches["default"]).__name__,
    "cache_get": cache.get("anything", "miss"),
    "storefront": [client.get(p).status_code for p in ("/shop/", "/shop/products/hammer/")],
    "api": client.get("/api/products/").status_code,
    "nested": [nested.status_code, nested.json()],
}))
""",
    )
    assert result["options"] == {"transaction_mode": "IMMEDIATE", "timeout": 20}
    assert result["conn"] == [60, True]
    assert result["backend"] == "FailSafeRedisCache"
    assert result["cache_get"] == "miss"
    assert result["storefront"] == [200, 200]  # the {% cache %} sidebar too, Redis down
    assert result["api"] == 200
    assert result["nested"] == [400, {"detail": "JSON parse error - nested deeper than 64 levels."}]


def test_deployment_postgres_block_is_the_settings_it_shows():
    # The CONN_* block is written for PostgreSQL but is plain settings: applied above to the
    # quick start's SQLite; here only its lines are evaluated against a PostgreSQL entry,
    # without connecting (this test needs no server).
    (block,) = [b for b in runnable("deployment") if "CONN_MAX_AGE" in b.text]
    namespace = {"DATABASES": {"default": {"ENGINE": "django.db.backends.postgresql"}}}
    exec(compile(block.text, f"{block.source}:{block.line}", "exec"), namespace)
    assert namespace["DATABASES"]["default"]["CONN_MAX_AGE"] == 60
    assert namespace["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is True


def test_throttling(quick_start_site, tmp_path):
    site = quick_start_site.copy_to(tmp_path)
    apply_page(site, "throttling")
    check_is_clean(site)
    result = django_shell(
        site,
        """
from django.contrib.auth import get_user_model
from shop.models import Product
admin = get_user_model().objects.get(username="admin")
hammer = Product.objects.get(name="Hammer")
buyer = Client()
buyer.force_login(admin)
checkouts = [buyer.post("/api/checkout/") for _ in range(11)]
reviews = [
    buyer.post(f"/api/products/{hammer.pk}/reviews/", {"rating": 5, "text": "Good"}).status_code
    for _ in range(12)
]
visitor = Client()
adds = [visitor.post("/api/wishlist/", {"product": hammer.pk}).status_code for _ in range(6)]
reads = [visitor.get("/api/wishlist/").status_code for _ in range(8)]
shares = [visitor.post("/api/wishlist/share/").status_code for _ in range(12)]
print(json.dumps({
    "checkouts": [r.status_code for r in checkouts],
    "throttled": [checkouts[-1].json(), checkouts[-1].headers.get("Retry-After")],
    "reviews": reviews,
    "adds": adds,
    "reads": reads,
    "shares": shares,
}))
""",
    )
    # SHOPKIT_THROTTLE_RATES: checkout at 10/minute (an empty cart is refused, and counted).
    assert result["checkouts"][:10] == [400] * 10
    assert result["checkouts"][10] == 429
    detail, retry_after = result["throttled"]
    assert detail["detail"].startswith("Request was throttled. Expected available in ")
    assert 0 < int(retry_after) <= 60
    # "shopkit_review": None turns reviews' throttle off (the default is 10/minute).
    assert 429 not in result["reviews"]
    # The wishlist: 5 writes a minute from DEFAULT_THROTTLE_RATES; reads are never throttled;
    # "share" counts in shopkit_review, which is off.
    assert result["adds"] == [201] * 5 + [429]
    assert result["reads"] == [200] * 8
    assert result["shares"] == [200] * 12


def test_middleware(quick_start_site, tmp_path):
    site = quick_start_site.copy_to(tmp_path)
    apply_page(site, "middleware")
    # No shopkit.E010/W010/W011: the order and the active-user field are right.
    check_is_clean(site)
    result = django_shell(
        site,
        """
import datetime
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
User = get_user_model()
admin = User.objects.get(username="admin")
client = Client()
client.force_login(admin)
long_ago = timezone.now() - datetime.timedelta(days=1)
User.objects.filter(pk=admin.pk).update(last_login=long_ago)
response = client.get("/shop/", headers={"X-Request-ID": "howto-1"})
admin.refresh_from_db()
print(json.dumps({
    "middleware": settings.MIDDLEWARE[0],
    "status": response.status_code,
    "request_id": response.headers.get("X-Request-ID"),
    "recorded": admin.last_login > long_ago,
}))
""",
    )
    assert result == {
        "middleware": "django_shopkit.middleware.RequestLoggingMiddleware",
        "status": 200,
        "request_id": "howto-1",
        "recorded": True,  # ActiveUserMiddleware wrote SHOPKIT_ACTIVE_USER_FIELD
    }


def test_middleware_custom_user_block(tmp_path):
    # The custom user model cannot be swapped into the quick-start site (its tables exist):
    # a new project gets the page's accounts/models.py and MIDDLEWARE blocks instead.
    site = QuickStart(tmp_path)
    (user_block,) = [b for b in runnable("middleware") if b.target == "accounts/models.py"]
    (middleware,) = [b for b in runnable("middleware") if "MIDDLEWARE" in b.text]
    site.apply(user_block)
    (site.dir / "accounts" / "__init__.py").write_text("")
    site.apply_file(
        "settings.py",
        'INSTALLED_APPS += ["django_shopkit", "accounts"]\nAUTH_USER_MODEL = "accounts.User"\n',
    )
    site.apply(middleware)
    site.shell("python manage.py makemigrations accounts && python manage.py migrate")
    site.shell("python manage.py check")
    found = site.outputs[-1] + site.errors[-1]  # (this project's SQLite gets shopkit.W040)
    for check_id in ("shopkit.E010", "shopkit.W010", "shopkit.W011"):
        assert check_id not in found
    result = django_shell(
        site,
        """
from django.contrib.auth import get_user_model
user = get_user_model().objects.create_user("ann", password="x")
client = Client()
client.force_login(user)
before = get_user_model().objects.get(pk=user.pk).last_active
client.get("/admin/")
print(json.dumps([before, get_user_model().objects.get(pk=user.pk).last_active is not None]))
""",
    )
    assert result == [None, True]


def test_payments(quick_start_site, tmp_path):
    site = quick_start_site.copy_to(tmp_path)
    keys = {
        "STRIPE_SECRET_KEY": "sk_test_howto",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_howto",
        "STRIPE_WEBHOOK_SECRET": "whsec_howto",
    }
    site.env.update(keys)
    apply_page(site, "payments")
    check_is_clean(site)
    result = django_shell(
        site,
        """
from django.conf import settings
from django_shopkit.orders.payments import PaymentGateway
from shop.gateways import ExamplePayGateway
print(json.dumps({
    "gateway": settings.SHOPKIT_PAYMENT_GATEWAY,
    "keys": [settings.SHOPKIT_STRIPE_SECRET_KEY, settings.SHOPKIT_STRIPE_PUBLISHABLE_KEY,
             settings.SHOPKIT_STRIPE_WEBHOOK_SECRET],
    "example": [issubclass(ExamplePayGateway, PaymentGateway), ExamplePayGateway.name],
}))
""",
    )
    assert result == {
        "gateway": "django_shopkit.orders.gateways.stripe.StripeGateway",
        "keys": list(keys.values()),
        "example": [True, "examplepay"],
    }
    # "A missing secret key or webhook secret is a system check error (E031, E032)."
    status, output = manage(site, "check", env={"STRIPE_WEBHOOK_SECRET": ""})
    assert status != 0
    assert "shopkit.E032" in output
    assert "shopkit.E031" not in output
    status, output = manage(site, "check", env={"STRIPE_SECRET_KEY": ""})
    assert status != 0
    assert "shopkit.E031" in output


def test_installation(quick_start_site, tmp_path, monkeypatch):
    blocks = runnable("installation")
    targets = [b.target or b.language for b in blocks]
    # Each block below is applied where it belongs; a new one fails here until it is.
    assert targets == [
        "console",
        "console",
        "shop/models.py",
        "settings.py",
        "settings.py",
        "urls.py",
        "shop/views.py",
        "shop/urls.py",
        "urls.py",
    ]
    install, extras, models, models_app, each_model, urls, views, app_urls, mount = blocks

    # The quick start's site has shopkit's URLs already: these blocks replace them.
    site = without_quick_start_urls(quick_start_site.copy_to(tmp_path / "site"))
    for block in (install, extras, models_app, urls):
        site.apply(block)
    check_is_clean(site)
    result = django_shell(
        site,
        """
client = Client()
print(json.dumps([client.get(p).status_code for p in ("/api/", "/api/schema/", "/shop/")]))
""",
    )
    assert result == [200, 200, 200]

    # Naming each model: check names the model that does not exist.
    named = quick_start_site.copy_to(tmp_path / "named")
    named.apply(each_model)
    status, output = manage(named, "check")
    assert status != 0
    assert "shop.Item" in output

    # A ViewSet subclass mounted with api_urlpatterns, instead of django_shopkit.urls.
    own = without_quick_start_urls(quick_start_site.copy_to(tmp_path / "own"))
    for block in (views, app_urls, mount):
        own.apply(block)
    check_is_clean(own)
    result = django_shell(
        own,
        """
from django.urls import resolve, reverse
print(json.dumps([
    resolve(reverse("shopkit-product-list")).func.cls.__name__,
    Client().get("/api/products/", {"ordering": "-stock"}).status_code,
    Client().get("/api/").status_code,
]))
""",
    )
    assert result == ["ShopProductViewSet", 200, 200]

    # The models block shows one model with an extra field; the quick start's app has every
    # model already, so it is run here as a module of the catalog app, in isolated apps.
    with isolate_apps("django_shopkit.catalog"):
        module = types.ModuleType("django_shopkit.catalog.howto_models")
        exec(compile(models.text, f"{models.source}:{models.line}", "exec"), module.__dict__)
    from django_shopkit.catalog.abstract_models import AbstractProduct

    assert issubclass(module.Product, AbstractProduct)
    assert module.Product._meta.get_field("sku").max_length == 32


def test_payments_refund_in_the_shell(quick_start_site, tmp_path):
    # The page's refund continues its Stripe session: here the order is the quick start's
    # hammer bought twice (19.00) and paid with the development gateway, whose ledger lives in
    # the process, so the purchase and the block run in one shell.
    site = quick_start_site.copy_to(tmp_path)
    block = in_context("payments", "from decimal import Decimal")
    setup = """
from django.contrib.auth import get_user_model
from django_shopkit.loading import get_order_model
from shop.models import Product
buyer = Client()
buyer.force_login(get_user_model().objects.get(username="admin"))
hammer = Product.objects.get(name="Hammer")
buyer.post("/api/cart/items/", {"product": hammer.pk, "quantity": 2})
placed = buyer.post("/api/checkout/").json()
assert buyer.post(f"/api/orders/{placed['id']}/pay/", {"token": "tok_ok"}).status_code == 200
order = get_order_model().objects.get(pk=placed["id"])
"""
    report = """
shown = str(order.amount_refunded)  # what the block's last line shows, without a reload
order.refresh_from_db()
print(json.dumps([str(refund.amount), shown, str(order.amount_refunded), order.status]))
"""
    result = django_shell(site, setup + block.text + report)
    assert result == ["15.00", "15.00", "15.00", "paid"]


def test_carts(quick_start_site, tmp_path):
    site = quick_start_site.copy_to(tmp_path)
    # An abandoned session cart, for the page's shopkit_clear_session_carts output: a visitor's
    # cart (and its line) last changed three weeks ago, past the default two weeks.
    abandoned = django_shell(
        site,
        """
import datetime
from django.utils import timezone
from django_shopkit.loading import get_cart_item_model, get_cart_model
from shop.models import Product
hammer = Product.objects.get(name="Hammer")
assert Client().post("/api/cart/items/", {"product": hammer.pk}).status_code == 201
long_ago = timezone.now() - datetime.timedelta(weeks=3)
get_cart_model().objects.filter(user=None).update(updated_at=long_ago)
get_cart_item_model().objects.filter(cart__user=None).update(updated_at=long_ago)
print(json.dumps(get_cart_model().objects.filter(user=None).count()))
""",
    )
    assert abandoned == 1
    apply_page(site, "carts")  # the console block checks the counts it shows
    check_is_clean(site)
    result = django_shell(
        site,
        """
import re
from django.contrib.auth import get_user_model
from django.core import mail
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django_shopkit.loading import get_cart_model, get_order_model
from django_shopkit.orders.cart import get_cart_service
from shop.accounts import claim_orders
from shop.cart import cart_size
from shop.models import Product

admin = get_user_model().objects.get(username="admin")
hammer = Product.objects.get(name="Hammer")
get_cart_service().add(admin, hammer.pk, 4)

# A visitor adds 8 hammers, then logs in: the carts merge (4 + 8, capped at the stock).
visitor = Client()
added = visitor.post("/api/cart/items/", {"product": hammer.pk, "quantity": 8}).status_code
request = RequestFactory().get("/")
request.session = visitor.session
request.user = AnonymousUser()  # the session's cart
before_login = cart_size(request)
visitor.force_login(admin)
request.user = admin
merged = [line["quantity"] for line in visitor.get("/api/cart/").json()["items"]]
session_carts = get_cart_model().objects.filter(user=None).count()

# A guest checks out with the page's request body (this shop has no shipping methods).
guest = Client()
guest.post("/api/cart/items/", {"product": hammer.pk, "quantity": 1})
body = json.loads(BODY)
body.pop("shipping_method")
placed = guest.post("/api/checkout/", body, content_type="application/json")
order = get_order_model().objects.get(pk=placed.json()["id"])
placed_by = order.user_id
(link,) = re.findall(r"/orders/guest/([^/\\s]+)/", mail.outbox[-1].body)
by_link = Client().get(f"/api/guest-orders/{link}/")
shown = [by_link.status_code, by_link.json()["number"] == order.number]
tampered = Client().get(f"/api/guest-orders/{link[:-2]}xx/")

grace = get_user_model().objects.create_user("grace", "grace@example.com", "x")
claimed = claim_orders(grace)
order.refresh_from_db()
after_claim = Client().get(f"/api/guest-orders/{link}/").status_code
print(json.dumps({
    "added": added,
    "before_login": before_login,
    "merged": merged,
    "cart_size": cart_size(request),
    "session_carts": session_carts,
    "placed": placed.status_code,
    "guest": [placed_by, order.email, *shown],
    "tampered": tampered.status_code,
    "claimed": [claimed, order.user_id == grace.pk, after_claim],
}))
""".replace("BODY", repr(guest_checkout_body())),
    )
    assert result == {
        "added": 201,
        "before_login": 8,
        "merged": [10],  # the sum, capped at the hammer's stock of 10
        "cart_size": 10,
        "session_carts": 0,  # the visitor's cart was merged, then deleted
        "placed": 201,
        "guest": [None, "grace@example.com", 200, True],
        "tampered": 404,
        "claimed": [1, True, 404],  # a claimed order's link stops working
    }


def guest_checkout_body() -> str:
    """Return the JSON body of the carts page's guest checkout request."""
    (block,) = [b for b in code_blocks(DOCS / "carts.rst") if b.text.startswith("POST checkout/")]
    return block.text.split("\n", 1)[1]


def test_addresses(quick_start_site, tmp_path):
    site = quick_start_site.copy_to(tmp_path)
    apply_page(site, "addresses")
    check_is_clean(site)
    # The shell block bought a hammer for London with the address's snapshot.
    (bought,) = [out for out in site.outputs if out.strip().endswith(" London")]
    number, city = bought.strip().splitlines()[-1].split()  # after the console e-mail
    assert city == "London"
    result = django_shell(
        site,
        """
from django.contrib.auth import get_user_model
from django_shopkit.loading import get_order_model
from shop.models import Address, Product
admin = get_user_model().objects.get(username="admin")
order = get_order_model().objects.get(number=NUMBER)
Address.objects.filter(user=admin).update(city="Paris")  # the order keeps its copy
buyer = Client()
buyer.force_login(admin)
hammer = Product.objects.get(name="Hammer")
buyer.post("/api/cart/items/", {"product": hammer.pk, "quantity": 1})
methods = {}
for country in ("DE", "US"):
    methods[country] = buyer.get("/api/shipping-methods/", {"country": country}).json()
buyer.post("/api/cart/items/", {"product": hammer.pk, "quantity": 5})  # 6 x 9.50 = 57.00
methods["DE, 57.00"] = buyer.get("/api/shipping-methods/", {"country": "DE"}).json()
order.refresh_from_db()
print(json.dumps({
    "snapshot": order.shipping_address,
    "billing": order.billing_address,
    "methods": methods,
}))
""".replace("NUMBER", repr(number)),
    )
    snapshot = result["snapshot"]
    assert (snapshot["name"], snapshot["city"], snapshot["country"]) == (
        "Ada Lovelace",
        "London",
        "GB",
    )
    assert result["billing"] == snapshot  # the billing address defaults to the shipping one
    standard = {"code": "standard", "name": "Standard (3-5 days)", "cost": "4.90"}
    parcel = {"code": "parcel", "name": "Shipping by weight", "cost": "5.00"}  # no weight: 0 kg
    free = {"code": "free", "name": "Free shipping", "cost": "0.00"}
    assert result["methods"] == {
        "DE": [standard, parcel],  # the page's example: free is under its 50.00 threshold
        "US": [standard],  # parcel ships to DE and AT only
        "DE, 57.00": [standard, free, parcel],
    }


def test_tax(quick_start_site, tmp_path):
    # tests/orders/test_tax.py checks the page's worked examples against the split itself;
    # here its settings make the quick start's cart show the tax a German buyer pays.
    site = quick_start_site.copy_to(tmp_path)
    apply_page(site, "tax")
    check_is_clean(site)
    result = django_shell(
        site,
        """
from django.contrib.auth import get_user_model
from shop.models import Product
buyer = Client()
buyer.force_login(get_user_model().objects.get(username="admin"))
hammer = Product.objects.get(name="Hammer")
buyer.post("/api/cart/items/", {"product": hammer.pk, "quantity": 2})
carts = {c: buyer.get("/api/cart/", {"country": c} if c else {}).json() for c in ("", "AT", "US")}
print(json.dumps({
    country or "default": [
        cart["prices_include_tax"],
        [[l["tax_rate"], l["net_total"], l["tax_total"], l["gross_total"]] for l in cart["items"]],
        cart["tax_total"],
        cart["total"],
    ]
    for country, cart in carts.items()
}))
""",
    )
    # 2 x 9.50 = 19.00 including VAT: net = round(19.00 x 100 / 119) = 15.97 in Germany (the
    # default country before an address), round(19.00 x 100 / 120) = 15.83 in Austria.
    assert result == {
        "default": [True, [["19.000", "15.97", "3.03", "19.00"]], "3.03", "19.00"],
        "AT": [True, [["20.000", "15.83", "3.17", "19.00"]], "3.17", "19.00"],
        "US": [True, [["0.000", "19.00", "0.00", "19.00"]], "0.00", "19.00"],
    }
