"""The storefront in headless Chromium: browse, filter, add to cart, check out, pay.

Needs Debian's ``chromium`` and ``chromium-driver`` (``/usr/bin/chromium``,
``/usr/bin/chromedriver``; ``CHROMIUM_BINARY`` / ``CHROMEDRIVER`` point elsewhere). Skipped when
they are missing, failed when ``CI`` is set. On failure, a screenshot and the HTML of the page
being looked at are saved under ``test-artifacts/`` at the repository root.
"""

import os
import re
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from django_shopkit.loading import get_category_model, get_order_model, get_product_model
from django_shopkit.orders.pricing import unit_price

from .conftest import require_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT = 15


@pytest.fixture
def browser(request):
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
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--window-size=1280,1024",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    # An explicit driver path: selenium-manager never tries to download one.
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    # (step, screenshot, html) of every page the test looked at; written out only on failure.
    driver.shopkit_pages = []
    yield driver
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        pages = [*driver.shopkit_pages, ("failure", driver.get_screenshot_as_png(), None)]
        for number, (step, png, html) in enumerate(pages, start=1):
            stem = ARTIFACTS / f"{request.node.name}-{number:02d}-{step}"
            stem.with_suffix(".png").write_bytes(png)
            stem.with_suffix(".html").write_text(html or driver.page_source, encoding="utf-8")
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


class Shopper:
    """Small helpers over the WebDriver, each waiting for what it needs (no sleeps)."""

    def __init__(self, driver, base_url):
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver = driver
        self.base_url = base_url
        self.wait = WebDriverWait(driver, TIMEOUT)

    def step(self, name):
        self.current_step = name

    def open(self, path):
        self.driver.get(self.base_url + path)
        self.wait_for_load()

    def wait_for_load(self):
        self.wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
        self.driver.shopkit_pages.append(
            (
                getattr(self, "current_step", "start"),
                self.driver.get_screenshot_as_png(),
                self.driver.page_source,
            )
        )

    def click_and_wait(self, element):
        """Click ``element`` and wait until the page it leads to has loaded.

        The old page is marked on its ``window``; the new page has no mark. Waiting on the
        element going stale instead is racy: while Chromium swaps documents, asking about the
        old element can fail with "Node ... does not belong to the document", which is no
        StaleElementReferenceException. Errors during the swap are retried, not raised.
        """
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver.execute_script("window.__shopkitOldPage = true;")
        element.click()
        WebDriverWait(self.driver, TIMEOUT, ignored_exceptions=(WebDriverException,)).until(
            lambda d: d.execute_script(
                "return !window.__shopkitOldPage && document.readyState === 'complete';"
            )
        )
        self.wait_for_load()

    def find(self, css):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec

        return self.wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))

    def find_all(self, css):
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def link(self, text):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec

        return self.wait.until(ec.element_to_be_clickable((By.LINK_TEXT, text)))

    def heading(self):
        return self.find("h1").text.strip()

    def messages(self):
        return [li.text for li in self.find_all(".messages li")]


def test_browse_filter_add_to_cart_change_quantity_check_out_and_pay(
    browser, live_server, demo_data
):
    shopper = Shopper(browser, live_server.url)
    Product = get_product_model()

    # 1. The product list.
    shopper.step("product-list")
    shopper.open(reverse("shopkit_catalog:product-list"))
    assert shopper.heading() == "Products"
    assert len(shopper.find_all(".shopkit-product")) > 0

    # 2. Filter by a category from the sidebar: only its products are listed.
    shopper.step("category")
    category = (
        get_category_model()
        .objects.filter(parent__isnull=False, products__stock__gte=10)
        .distinct()
        .order_by("name")[0]
    )
    shopper.click_and_wait(shopper.link(category.name))
    assert shopper.heading() == category.name
    listed = [a.text for a in shopper.find_all(".shopkit-product a")]
    in_category = set(Product.objects.filter(category=category).values_list("name", flat=True))
    assert listed
    assert set(listed) <= in_category

    # 3. Open a product that is in stock.
    shopper.step("product")
    product = Product.objects.filter(name__in=listed, stock__gte=10, is_active=True).order_by(
        "name"
    )[0]
    stock_before = product.stock
    shopper.click_and_wait(shopper.link(product.name))
    assert shopper.heading() == product.name

    # 4. Buying needs an account: sign in as the demo customer, come back to the product.
    shopper.step("login")
    shopper.click_and_wait(shopper.find("#sign-in-to-buy"))
    shopper.find("input[name=username]").send_keys("customer@example.com")
    shopper.find("input[name=password]").send_keys("shopkit-customer")
    shopper.click_and_wait(shopper.find("#login-submit"))
    assert shopper.heading() == product.name

    # 5. Add one to the cart.
    shopper.step("add-to-cart")
    quantity = shopper.find(".shopkit-add-to-cart input[name=quantity]")
    quantity.clear()
    quantity.send_keys("1")
    shopper.click_and_wait(shopper.find(".shopkit-add-to-cart button[type=submit]"))
    assert shopper.heading() == "Your cart"
    assert any(product.name in message for message in shopper.messages())
    assert shopper.find(".shopkit-cart tbody input[name=quantity]").get_attribute("value") == "1"

    # 6. Change the quantity to 3; the line total follows.
    shopper.step("change-quantity")
    quantity = shopper.find(".shopkit-cart tbody input[name=quantity]")
    quantity.clear()
    quantity.send_keys("3")
    shopper.click_and_wait(shopper.find(".shopkit-cart tbody button[type=submit]"))
    assert shopper.find(".shopkit-cart tbody input[name=quantity]").get_attribute("value") == "3"
    expected_total = unit_price(product) * 3
    assert f"{expected_total:.2f}" in shopper.find(".shopkit-totals .total").text

    # 7. Check out.
    shopper.step("checkout")
    shopper.click_and_wait(shopper.link("Proceed to checkout"))
    # The address step: the customer ships to the Berlin address of the book.
    assert shopper.heading() == "Shipping address"
    book = shopper.find("select[name=address_id]")
    berlin = next(o for o in book.find_elements("css selector", "option") if "Berlin" in o.text)
    berlin.click()
    shopper.click_and_wait(shopper.find(".shopkit-address-form button[type=submit]"))
    assert shopper.heading() == "Checkout"
    assert "Berlin" in shopper.find(".shopkit-checkout-address").text
    assert f"3 \u00d7 {product.name}" in shopper.find(".shopkit-checkout-lines").text
    shipping = Decimal("0.00") if expected_total >= 50 else Decimal("4.90")
    if shipping:
        assert "Standard (3-5 days): 4.90" in shopper.find(".shopkit-shipping-choice").text
    else:  # the goods reach the free-shipping threshold: choose it
        shopper.find("input[name=shipping_method][value=free]").click()
        shopper.click_and_wait(shopper.find(".shopkit-shipping-choice button[type=submit]"))
    expected_total = Decimal(expected_total) + shipping
    assert f"{expected_total:.2f}" in shopper.find(".shopkit-totals .total").text
    shopper.click_and_wait(shopper.find("form[action$='/checkout/'] button[type=submit]"))

    # 8. The confirmation: the order page, its lines and total, stock taken.
    shopper.step("confirmation")
    heading = shopper.heading()
    match = re.fullmatch(r"Order (\S+)", heading)
    assert match, heading
    order = get_order_model().objects.get(number=match.group(1))
    assert order.user == get_user_model().objects.get(email="customer@example.com")
    assert order.status == "pending"
    assert order.total == Decimal(expected_total)
    assert [(i.product_name, i.quantity) for i in order.items.all()] == [(product.name, 3)]
    assert f"{order.total}" in shopper.find(".shopkit-lines .total").text
    product.refresh_from_db()
    assert product.stock == stock_before - 3

    # 9. Pay with the dummy gateway.
    shopper.step("pay")
    shopper.find("input[name=token]").send_keys("tok_ok")
    shopper.click_and_wait(shopper.find("form[action$='/pay/'] button[type=submit]"))
    order.refresh_from_db()
    assert order.status == "paid"
    assert "Thank you, your payment was received." in shopper.messages()


def test_a_guest_adds_to_cart_checks_out_with_address_and_shipping_and_pays_by_the_link(
    browser, live_server, demo_data, mailoutbox
):
    shopper = Shopper(browser, live_server.url)
    product = get_product_model().objects.filter(stock__gte=5, is_active=True).order_by("name")[0]
    stock_before = product.stock

    # 1. A visitor who never signs in adds the product to the cart.
    shopper.step("guest-add-to-cart")
    shopper.open(reverse("shopkit_catalog:product-detail", args=[product.slug]))
    quantity = shopper.find(".shopkit-add-to-cart input[name=quantity]")
    quantity.clear()
    quantity.send_keys("2")
    shopper.click_and_wait(shopper.find(".shopkit-add-to-cart button[type=submit]"))
    assert shopper.heading() == "Your cart"
    goods = unit_price(product) * 2

    # 2. The address step: e-mail and an address in Austria.
    shopper.step("guest-address")
    shopper.click_and_wait(shopper.link("Proceed to checkout"))
    assert shopper.heading() == "Shipping address"
    for name, value in {
        "email": "guest@example.com",
        "name": "Gina Guest",
        "line1": "Stephansplatz 1",
        "postcode": "1010",
        "city": "Wien",
    }.items():
        shopper.find(f"input[name={name}]").send_keys(value)
    country = shopper.find("select[name=country]")
    next(o for o in country.find_elements("css selector", "option") if o.text == "Austria").click()
    shopper.click_and_wait(shopper.find(".shopkit-address-form button[type=submit]"))

    # 3. The shipping step: the standard rate, the totals with Austrian VAT, place the order.
    shopper.step("guest-shipping")
    assert shopper.heading() == "Checkout"
    assert "Wien" in shopper.find(".shopkit-checkout-address").text
    total = goods + Decimal("4.90")
    assert f"{total:.2f}" in shopper.find(".shopkit-totals .total").text
    assert "Included tax" in shopper.find(".shopkit-totals").text
    shopper.click_and_wait(shopper.find("form[action$='/checkout/'] button[type=submit]"))

    # 4. The order page, reached through the signed link (also in the e-mail).
    shopper.step("guest-order")
    heading = shopper.heading()
    match = re.fullmatch(r"Order (\S+)", heading)
    assert match, heading
    order = get_order_model().objects.get(number=match.group(1))
    assert (order.user, order.email, order.total) == (None, "guest@example.com", total)
    assert order.shipping_address["city"] == "Wien"
    assert order.tax_total > 0
    assert "/orders/guest/" in browser.current_url
    assert order.number not in browser.current_url
    product.refresh_from_db()
    assert product.stock == stock_before - 2
    (message,) = mailoutbox
    link = re.search(r"(http\S+/orders/guest/\S+/)", message.body).group(1)
    assert link.endswith(browser.current_url.split("/orders/guest/", 1)[1])

    # 5. Pay with the dummy gateway on that page.
    shopper.step("guest-pay")
    shopper.find("input[name=token]").send_keys("tok_ok")
    shopper.click_and_wait(shopper.find("form[action$='/pay/'] button[type=submit]"))
    order.refresh_from_db()
    assert order.status == "paid"
    assert "Thank you, your payment was received." in shopper.messages()
