"""Tax strategies, the per-line split and totals identical in cart, order, e-mail and pages."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from django_shopkit.loading import get_order_item_model, get_order_model
from django_shopkit.orders.pricing import LinePrice, split_tax, totals
from django_shopkit.orders.tax import CountryRates, NoTax, get_tax_strategy
from tests.factories import make_product
from tests.orders.helpers import fill_cart

pytestmark = pytest.mark.django_db

D = Decimal
RATES = {"DE": "19", "AT": "20", "US-CA": "7.25", "US": "0"}
FLAT = [
    {
        "class": "django_shopkit.orders.shipping.FlatRateShipping",
        "code": "std",
        "name": "Standard",
        "rate": "5.95",
    }
]
country_rates = override_settings(
    SHOPKIT_TAX_STRATEGY="django_shopkit.orders.tax.CountryRates",
    SHOPKIT_TAX_RATES=RATES,
    SHOPKIT_TAX_DEFAULT_COUNTRY="DE",
    SHOPKIT_SHIPPING_METHODS=FLAT,
)


# -- The split, rounded half-up per line (the docs' worked examples) -----------------------------


@pytest.mark.parametrize(
    ("amount", "rate", "included", "net", "tax", "gross"),
    [
        ("9.99", "19", True, "8.39", "1.60", "9.99"),  # 8.3949... -> 8.39
        ("100.00", "19", True, "84.03", "15.97", "100.00"),
        ("100.00", "19", False, "100.00", "19.00", "119.00"),
        ("0.10", "25", False, "0.10", "0.03", "0.13"),  # 0.025 -> 0.03: half up
        ("0.05", "7", False, "0.05", "0.00", "0.05"),  # 0.0035 -> 0.00
        ("19.99", "7.25", False, "19.99", "1.45", "21.44"),  # 1.449275 -> 1.45
        ("0.01", "20", True, "0.01", "0.00", "0.01"),  # 0.00833 -> 0.01 net, no tax
        ("12.00", "0", True, "12.00", "0.00", "12.00"),
    ],
)
def test_split_tax(amount, rate, included, net, tax, gross):
    split = split_tax(D(amount), D(rate), included=included)
    assert (split.net, split.tax, split.gross) == (D(net), D(tax), D(gross))
    assert split.net + split.tax == split.gross


@override_settings(SHOPKIT_PRICES_INCLUDE_TAX=True)
def test_each_line_is_rounded_on_its_own():
    # Three lines of 9.99 at 19% hold 1.60 each: 4.80, where 29.97 taxed at once holds 4.79.
    lines = [LinePrice(D("9.99"), D("9.99"), 1, D("19"), True) for _ in range(3)]
    amounts = totals(lines)
    assert (amounts.total, amounts.tax_total, amounts.net_total) == (
        D("29.97"),
        D("4.80"),
        D("25.17"),
    )
    assert split_tax(D("29.97"), D("19"), included=True).tax == D("4.79")


def test_prices_excluding_tax_add_it_with_shipping_taxed():
    lines = [LinePrice(D("10.00"), D("8.00"), 3, D("20"), False)]  # 24.00 net, 4.80 tax
    amounts = totals(lines, shipping=D("4.99"), shipping_tax_rate=D("20"))  # 1.00 tax (0.998)
    assert (amounts.subtotal, amounts.discount_total, amounts.goods_total) == (
        D("30.00"),
        D("6.00"),
        D("24.00"),
    )
    assert (amounts.shipping_tax, amounts.tax_total, amounts.total) == (
        D("1.00"),
        D("5.80"),
        D("34.79"),
    )


# -- Strategies ---------------------------------------------------------------------------------


def test_no_tax_is_the_default():
    assert isinstance(get_tax_strategy(), NoTax)
    assert get_tax_strategy().rate_for(None, {"country": "DE"}) == 0


@country_rates
def test_country_and_region_rates():
    strategy = get_tax_strategy()
    assert isinstance(strategy, CountryRates)
    assert strategy.rate_for(None, {"country": "DE"}) == D("19")
    assert strategy.rate_for(None, {"country": "us", "region": "ca"}) == D("7.25")
    assert strategy.rate_for(None, {"country": "US", "region": "NY"}) == D("0")
    assert strategy.rate_for(None, {"country": "FR"}) == D("0")  # not listed: no tax
    assert strategy.rate_for(None, None) == D("19")  # the shop's country until one is given
    assert strategy.shipping_rate({"country": "AT"}, [D("19")]) == D("20")
    assert NoTax().shipping_rate(None, [D("7"), D("19")]) == D("19")


@pytest.mark.parametrize("bad", [0.19, "nineteen", "100", "-1"])
def test_bad_rates_are_named(bad):
    with (
        override_settings(
            SHOPKIT_TAX_STRATEGY="django_shopkit.orders.tax.CountryRates",
            SHOPKIT_TAX_RATES={"DE": bad},
        ),
        pytest.raises(ImproperlyConfigured, match="SHOPKIT_TAX_RATES"),
    ):
        get_tax_strategy().rate_for(None, {"country": "DE"})


# -- Cart, checkout, order, e-mail and pages: the same numbers ------------------------------------


ADDRESS = {"name": "Ada", "line1": "Ring 1", "city": "Wien", "country": "AT"}


@country_rates
@override_settings(SHOPKIT_PRICES_INCLUDE_TAX=True)
def test_vat_included_cart_shows_what_the_order_the_email_and_the_page_say(
    api, user, client, django_capture_on_commit_callbacks
):
    mug, pot = make_product(price="9.99", stock=9), make_product(price="24.90", stock=9)
    fill_cart(user, (mug, 3), (pot, 1))
    query = {"shipping_method": "std", "country": "AT"}
    cart = api.get(reverse("shopkit-cart"), query).json()
    lines = {line["product"]: line for line in cart["items"]}
    # 29.97 at 20%: net 24.98, tax 4.99; 24.90: net 20.75, tax 4.15; shipping 5.95: 0.99.
    assert (lines[mug.pk]["tax_rate"], lines[mug.pk]["net_total"], lines[mug.pk]["tax_total"]) == (
        "20.000",
        "24.98",
        "4.99",
    )
    assert (lines[pot.pk]["net_total"], lines[pot.pk]["tax_total"]) == ("20.75", "4.15")
    figures = ("subtotal", "discount_total", "shipping_total", "shipping_tax", "tax_total", "total")
    assert [cart[f] for f in figures] == ["54.87", "0.00", "5.95", "0.99", "10.13", "60.82"]
    assert cart["prices_include_tax"] is True
    # Before an address is given, the shop's own country (19%) applies.
    assert api.get(reverse("shopkit-cart")).json()["tax_total"] == "8.77"  # 4.79 + 3.98

    with django_capture_on_commit_callbacks(execute=True):
        placed = api.post(
            reverse("shopkit-checkout"),
            {"shipping_address": ADDRESS, "shipping_method": "std"},
            format="json",
        ).json()
    assert [placed[f] for f in figures] == [cart[f] for f in figures]
    order = get_order_model()._default_manager.get()
    assert [str(getattr(order, f)) for f in figures] == [cart[f] for f in figures]
    assert (order.shipping_tax_rate, order.prices_include_tax) == (D("20"), True)
    items = {i.product_id: i for i in get_order_item_model()._default_manager.filter(order=order)}
    assert (items[mug.pk].tax_rate, items[mug.pk].net_total, items[mug.pk].tax_total) == (
        D("20"),
        D("24.98"),
        D("4.99"),
    )
    assert items[mug.pk].gross_total == D("29.97")
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    for text in (message.body, html):
        for figure in ("54.87", "5.95", "10.13", "60.82"):
            assert figure in text
    assert "Included tax: 10.13" in message.body
    client.force_login(user)
    page = client.get(reverse("shopkit_orders:order-detail", args=[order.number])).content.decode()
    for figure in ("54.87", "5.95", "10.13", "60.82"):
        assert figure in page


@country_rates
def test_tax_excluded_checkout_adds_tax_to_the_total(api, user):
    fill_cart(user, (make_product(price="19.99", stock=5), 1))
    us = {"name": "Ada", "line1": "1 Main", "city": "LA", "region": "CA", "country": "US"}
    body = api.post(
        reverse("shopkit-checkout"),
        {"shipping_address": us, "shipping_method": "std"},
        format="json",
    ).json()
    # 19.99 + 1.45 tax; shipping 5.95 + 0.43 (0.431375) tax.
    assert (body["tax_total"], body["shipping_tax"], body["total"]) == ("1.88", "0.43", "27.82")
    assert body["items"][0]["tax_total"] == "1.45"
    assert body["items"][0]["gross_total"] == "21.44"


@country_rates
@override_settings(SHOPKIT_PRICES_INCLUDE_TAX=True)
def test_storefront_cart_shows_the_tax(user):
    fill_cart(user, (make_product(price="119.00"), 1))
    client = Client()
    client.force_login(user)
    page = client.get(reverse("shopkit_orders:cart")).content.decode()
    assert "Included tax" in page
    assert "19.00" in page


@country_rates
@override_settings(SHOPKIT_PRICES_INCLUDE_TAX=True)
def test_cart_with_shipping_and_tax_queries_do_not_grow_with_lines(api, user):
    def count():
        with CaptureQueriesContext(connection) as queries:
            response = api.get(reverse("shopkit-cart"), {"shipping_method": "std", "country": "AT"})
        assert response.status_code == 200
        return len(queries), response.json()["tax_total"]

    fill_cart(user, (make_product(price="12.00"), 1))
    one, tax = count()
    assert tax == "2.99"  # 2.00 + 0.99
    fill_cart(user, *[(make_product(price="12.00"), 1) for _ in range(5)])
    six, tax = count()
    assert (six, tax) == (one, "12.99")


def docs_page():
    from pathlib import Path

    return Path(__file__).resolve().parents[2] / "docs" / "tax.rst"


def test_docs_worked_examples_are_what_shopkit_computes():
    import re

    text = docs_page().read_text()
    table = text[text.index(":name: tax-examples") : text.index("Rounding per line matters")]
    cells = re.findall(r"^   [* ] - (.+)$", table, re.M)
    rows = [cells[i : i + 6] for i in range(6, len(cells), 6)]  # after the header row
    assert len(rows) == 6
    for amount, rate, prices, net, tax, gross in rows:
        split = split_tax(D(amount), D(rate), included=prices == "including")
        assert (split.net, split.tax, split.gross) == (D(net), D(tax), D(gross)), amount


def test_docs_settings_example_is_a_working_configuration():
    from tests.docs_blocks import code_blocks

    (block,) = [b for b in code_blocks(docs_page()) if b.language == "python"]
    namespace: dict = {}
    exec(compile(block.text, "tax.rst", "exec"), namespace)
    names = {k: v for k, v in namespace.items() if k.startswith("SHOPKIT_")}
    with override_settings(**names):
        strategy = get_tax_strategy()
        assert strategy.rate_for(None, {"country": "AT"}) == D("20")
        assert strategy.rate_for(None, None) == D("19")
