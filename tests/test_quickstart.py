"""The README's quick start, run as written in a new ``startproject`` site.

The blocks are read from README.rst (and from docs/quickstart.rst, which includes them), not
copied here; :mod:`tests.docs_site` says how each one is applied.
"""

import json
import re
from pathlib import Path

import pytest

from tests.docs_blocks import Block, code_blocks
from tests.docs_site import MARKERS, QUICKSTART, README, QuickStart, readme_blocks


def run_quick_start(blocks: list[Block], directory: Path) -> None:
    """Apply ``blocks`` to a new project, then check what the quick start promises."""
    site = QuickStart(directory)
    try:
        for block in blocks:
            site.apply(block)
        assert site.server is not None, "the quick start never starts the server"
        # The client script printed the paid order: number, status and total.
        assert re.fullmatch(r"\S+ paid 19\.00\n", site.outputs[-1]), site.outputs[-1]

        # The host's own patterns are kept; every page the text names answers.
        assert site.get("/admin/login/")[0] == 200
        status, page = site.get("/accounts/login/")
        assert status == 200
        assert 'name="password"' in page
        status, page = site.get("/shop/")
        assert status == 200
        assert "Hammer" in page
        assert "/accounts/login/" in page  # the sign-in link
        assert site.get("/api/docs/")[0] == 200
        status, schema = site.get("/api/schema/?format=json")
        assert status == 200
        assert "/api/checkout/" in json.loads(schema)["paths"]
    finally:
        server_output = site.stop()
    # The console e-mail backend printed the order confirmation, no SMTP traceback.
    assert "Subject: " in server_output, server_output
    assert "Traceback" not in server_output, server_output


def test_readme_quick_start_runs_as_written(tmp_path):
    run_quick_start(readme_blocks(), tmp_path)


def test_docs_quick_start_is_the_readme_one():
    """docs/quickstart.rst includes the README's quick start: the same blocks, in order."""
    docs = [(b.language, b.text) for b in code_blocks(QUICKSTART)]
    assert docs == [(b.language, b.text) for b in readme_blocks()]
    assert len(docs) >= 10


@pytest.mark.parametrize("path", [README, QUICKSTART], ids=lambda p: p.name)
def test_quick_start_blocks_all_say_where_they_go(path):
    blocks = code_blocks(path, **MARKERS) if path == README else code_blocks(path)
    for block in blocks:
        assert block.language in {"python", "console"}, block
        if block.language == "python":
            assert block.target, block
