"""The docs and metadata keep up with the code: every setting and check id is documented."""

import re
import tomllib
from pathlib import Path

import django_shopkit
from django_shopkit.conf import SETTING_TYPES, ShopkitConf

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def test_every_setting_is_declared_typed_and_documented():
    declared = {name for name in vars(ShopkitConf) if name.isupper()}
    assert declared == set(SETTING_TYPES)
    documented = set(re.findall(r"\.\. setting:: SHOPKIT_(\w+)$", _read("settings.rst"), re.M))
    assert documented == set(SETTING_TYPES)


def test_every_default_has_the_declared_type():
    for name, expected in SETTING_TYPES.items():
        default = getattr(ShopkitConf, name)
        assert isinstance(default, expected), name


def test_every_check_id_is_documented():
    source = "\n".join(path.read_text() for path in (ROOT / "src" / "django_shopkit").rglob("*.py"))
    ids = set(re.findall(r"""id=["'](shopkit\.[EW]\d{3})["']""", source))
    assert {"shopkit.E001", "shopkit.E002", "shopkit.E003", "shopkit.E004", "shopkit.E005"} <= ids
    documented = set(re.findall(r"^``(shopkit\.[EW]\d{3})``$", _read("checks.rst"), re.M))
    assert documented == ids


def test_version_has_one_source():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["hatch"]["version"]["path"] == "src/django_shopkit/__init__.py"
    assert re.fullmatch(r"\d+\.\d+\.\d+((a|b|rc)\d+)?(\.dev\d+)?", django_shopkit.__version__)


def test_changelog_has_an_unreleased_section():
    changelog = (ROOT / "CHANGELOG.rst").read_text()
    assert re.search(r"^Unreleased\n-+$", changelog, re.M)


def _read(page):
    return (DOCS / page).read_text()
