"""The library's storefront in headless Chromium, in a new project with no template or CSS.

The project is the README's quick start (see :mod:`tests.docs_site`) plus a subcategory, so
nothing but shopkit's templates and stylesheet draw the pages. The test signs in, browses the
category tree, buys and pays, asserts the stylesheet's computed styles and the tree's
behaviour, and saves a screenshot of every page under ``test-artifacts/fresh-storefront/``.

Needs selenium and Debian's ``chromium`` and ``chromium-driver`` (``CHROMIUM_BINARY`` and
``CHROMEDRIVER`` point elsewhere): skipped when they are missing, failed when ``CI`` is set.
Like the how-to test it builds its own project, so it runs once, under tests.settings.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import require_service
from tests.docs_site import ROOT, readme_blocks

pytestmark = pytest.mark.skipif(
    settings.SETTINGS_MODULE != "tests.settings",
    reason="builds its own project, the same under either host configuration: runs once",
)

CHROMIUM = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
ARTIFACTS = ROOT / "test-artifacts" / "fresh-storefront"
TIMEOUT = 15

#: A subcategory of the quick start's "Tools", with a product of its own.
SUBCATEGORY = """
from shop.models import Category, Product
tools = Category.objects.get(name="Tools")
power = Category.objects.create(name="Power tools", parent=tools)
Product.objects.create(name="Drill", price="49.00", stock=5, category=power)
Category.objects.create(name="Garden", position=0)
"""


@pytest.fixture
def driver():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as exc:
        require_service(f"selenium is not installed: {exc}")
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (Path(path).is_file() and os.access(path, os.X_OK)):
            require_service(f"{path} is missing: apt-get install chromium chromium-driver")
    profile = tempfile.mkdtemp(prefix="shopkit-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--window-size=1280,900",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    # An explicit driver path: selenium-manager never tries to download one.
    chrome = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield chrome
    chrome.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def site(quick_start_site, tmp_path):
    site = quick_start_site.copy_to(tmp_path)
    site.shell(f"python manage.py shell -c '{SUBCATEGORY}'")
    server_block = next(b for b in readme_blocks() if "$ python manage.py runserver" in b.text)
    site.apply(server_block)
    yield site
    site.stop()


class Shopper:
    """Waits for what it needs (no sleeps) and photographs every page it opens."""

    def __init__(self, driver, base_url):
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver = driver
        self.base_url = base_url
        self.wait = WebDriverWait(driver, TIMEOUT)
        self.shots = 0
        shutil.rmtree(ARTIFACTS, ignore_errors=True)
        ARTIFACTS.mkdir(parents=True)

    def loaded(self, name):
        self.wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
        self.shots += 1
        self.driver.save_screenshot(str(ARTIFACTS / f"{self.shots:02d}-{name}.png"))

    def open(self, path, name):
        self.driver.get(self.base_url + path)
        self.loaded(name)

    def click(self, element, name):
        """Click and wait for the next page (the old one is marked on its window)."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver.execute_script("window.__shopkitOldPage = true;")
        element.click()
        WebDriverWait(self.driver, TIMEOUT, ignored_exceptions=(WebDriverException,)).until(
            lambda d: d.execute_script(
                "return !window.__shopkitOldPage && document.readyState === 'complete';"
            )
        )
        self.loaded(name)

    def find(self, css):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css):
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def link(self, text):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.LINK_TEXT, text)

    def style(self, css, prop):
        return self.driver.execute_script(
            "return getComputedStyle(document.querySelector(arguments[0]))[arguments[1]];",
            css,
            prop,
        )

    def texts(self, css):
        return [element.text for element in self.find_all(css)]


def test_library_storefront_is_styled_and_browsable(driver, site):
    shopper = Shopper(driver, f"http://127.0.0.1:{site.port}")

    # The product list: shopkit's stylesheet is applied (nothing else could set these).
    shopper.open("/shop/", "product-list")
    assert shopper.style(".shopkit-header", "backgroundColor") == "rgb(11, 93, 67)"
    assert shopper.style(".shopkit-products", "display") == "grid"
    assert shopper.style(".shopkit-layout", "display") == "flex"
    assert shopper.style(".shopkit-product", "borderTopStyle") == "solid"
    assert sorted(shopper.texts(".shopkit-product > a")) == ["Drill", "Hammer"]

    # The category tree: in position order, subcategories indented under their parent, and
    # the parent's count includes them.
    assert shopper.texts(".shopkit-categories li") == [
        "Garden (0)",
        "Tools (2)",
        "Power tools (1)",
    ]
    assert shopper.style(".shopkit-depth-1", "paddingLeft") == "16px"

    # The parent category lists its subcategory's products too.
    shopper.click(shopper.link("Tools"), "category")
    assert shopper.find("h1").text == "Tools"
    assert sorted(shopper.texts(".shopkit-product > a")) == ["Drill", "Hammer"]

    # The product page, with breadcrumbs from the root.
    shopper.click(shopper.link("Drill"), "product")
    assert shopper.texts(".shopkit-breadcrumbs li") == [
        "All products",
        "Tools",
        "Power tools",
        "Drill",
    ]
    # The separators come from the stylesheet.
    assert (
        shopper.driver.execute_script(
            "return getComputedStyle(document.querySelectorAll('.shopkit-breadcrumbs li')[1],"
            " '::before').content;"
        )
        == '"/"'
    )

    # Sign in through the link in the header, back to the product.
    shopper.click(shopper.find("#nav-login"), "sign-in")
    assert shopper.style("button[type=submit]", "backgroundColor") == "rgb(11, 93, 67)"
    shopper.find("input[name=username]").send_keys("admin")
    shopper.find("input[name=password]").send_keys("change-me")
    shopper.click(shopper.find("#login-submit"), "signed-in")
    assert shopper.find("h1").text == "Drill"
    assert shopper.find("#nav-logout").text == "Sign out"

    # Cart, checkout, order.
    shopper.click(shopper.find(".shopkit-add-to-cart button"), "cart")
    assert shopper.find("h1").text == "Your cart"
    assert shopper.style(".shopkit-cart th", "textAlign") == "left"
    assert "49.00" in shopper.find(".shopkit-totals .total").text
    shopper.click(shopper.link("Proceed to checkout"), "checkout")
    assert shopper.find("h1").text == "Checkout"
    shopper.click(shopper.find("form[action$='/checkout/'] button"), "order")
    assert shopper.find("h1").text.startswith("Order ")
    assert shopper.find(".status").text == "Pending payment"
    assert shopper.style(".status", "borderTopStyle") == "solid"
    # No sidebar on the order page: the content takes the whole width of the layout.
    assert shopper.style(".shopkit-sidebar", "display") == "none"
    main_width = driver.execute_script("return document.querySelector('main').offsetWidth;")
    assert main_width > 900
    assert len(list(ARTIFACTS.glob("*.png"))) == shopper.shots == 8
