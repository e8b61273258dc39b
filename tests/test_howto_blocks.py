"""Every block of host code in the how-to pages, run in a shop built by the quick start.

Each page gets its own copy of a new project set up by the README's quick start (up to the
server start, see the ``quick_start_site`` fixture), to which the page's blocks are applied in
order (see :mod:`tests.docs_site`); then the
project must pass ``check`` and show what the page promises. Blocks of browser code
(``javascript``) are not host code and are left out. The project is the same whichever host
configuration the suite runs under, so this runs once per environment, under tests.settings.
"""

import shlex

import pytest
from django.conf import settings

from tests.docs_blocks import code_blocks
from tests.docs_site import ROOT, QuickStart

HOWTO = ROOT / "docs" / "howto"
HOST_CODE = {"python", "console", "html+django", "css"}

pytestmark = pytest.mark.skipif(
    settings.SETTINGS_MODULE != "tests.settings",
    reason="builds its own project, the same under either host configuration: runs once",
)

#: Run in the built project after a page's blocks; prints what the page promises.
RENDER = """
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client()
for path in ("/shop/", "/shop/products/hammer/"):
    print(client.get(path).content.decode())
"""


def site_with(page: str, base: QuickStart, tmp_path) -> tuple[QuickStart, list[str]]:
    """Return a copy of the quick-start site with the page's host-code blocks applied, and
    what they printed."""
    site = base.copy_to(tmp_path)
    before = len(site.outputs)
    blocks = [b for b in code_blocks(HOWTO / page) if b.language in HOST_CODE]
    assert blocks, f"{page} shows no host code"
    for block in blocks:
        site.apply(block)
    outputs = site.outputs[before:]
    assert "no issues" in site.shell("python manage.py check")
    return site, outputs


def test_every_howto_page_is_tested():
    assert {p.name for p in HOWTO.glob("*.rst")} == {
        "authentication.rst",
        "services.rst",
        "templates.rst",
        "testing.rst",
        "upgrading.rst",
    }


def test_authentication(quick_start_site, tmp_path):
    _, outputs = site_with("authentication.rst", quick_start_site, tmp_path)
    assert "Generated token" in outputs[-1]


def test_services(quick_start_site, tmp_path):
    _, outputs = site_with("services.rst", quick_start_site, tmp_path)
    # (Django 5.2's shell may print first how many objects it imported.)
    assert outputs[-1].endswith(
        "refused: The minimum order is 10.00; this one is 9.50.\nplaced: 19.00\n"
    )


def test_templates(quick_start_site, tmp_path):
    site, _ = site_with("templates.rst", quick_start_site, tmp_path)
    pages = site.shell(f"python manage.py shell -c {shlex.quote(RENDER)}")
    assert pages.count("Hammer &amp; Co") == 2  # the brand, on the list and the product page
    assert pages.count("/static/shop/theme.css") == 2
    assert pages.count("Free shipping over 50 USD.") == 1  # the product page only
    assert "Add to cart" in pages  # block.super kept shopkit's form


def test_testing(quick_start_site, tmp_path):
    site, _ = site_with("testing.rst", quick_start_site, tmp_path)
    summary = site.errors[-2]  # of "manage.py test shop", before "manage.py check"
    assert "Ran 4 tests" in summary
    assert "\nOK\n" in summary


def test_upgrading(quick_start_site, tmp_path):
    # The page runs "manage.py test shop": give the quick start's app a test to run.
    site = quick_start_site.copy_to(tmp_path)
    (site.dir / "shop" / "tests.py").write_text(
        "from django.test import TestCase\n\n"
        "class Smoke(TestCase):\n"
        "    def test_admin_login_page(self):\n"
        "        self.assertEqual(self.client.get('/admin/login/').status_code, 200)\n"
    )
    _, outputs = site_with("upgrading.rst", site, tmp_path / "upgraded")
    assert any("No changes detected in app 'shop'" in output for output in outputs)
