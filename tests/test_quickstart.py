"""The README's quick start, run as written in a new ``startproject`` site.

The blocks are read from README.rst (and from docs/quickstart.rst, which includes them), not
copied here. Each one is applied the way the text says: python blocks are appended to the file
their first comment names or run in ``manage.py shell``; console commands run in a shell in the
project directory with the interpreter running the tests first on ``PATH``. The project is
imported from wherever ``django_shopkit`` is installed: the built wheel in the tox envs.

Three things are not literal, each for a reason:

* ``pip install`` is not run (no network, and the package under test is already installed);
  the test checks that every requirement it names, extras included, is installed;
* ``runserver`` listens on a free port instead of 8000, and the blocks after it use that port;
* ``runserver`` runs without the autoreloader, so the test can stop it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.docs_blocks import Block, code_blocks

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.rst"
QUICKSTART = ROOT / "docs" / "quickstart.rst"
MARKERS = {"start_after": ".. quick-start-begin", "end_before": ".. quick-start-end"}
DEFAULT_ADDRESS = "127.0.0.1:8000"


def readme_blocks() -> list[Block]:
    return code_blocks(README, **MARKERS)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _assert_installed(command: str) -> None:
    """Check that what a ``pip install`` line names is installed here, extras included."""
    for word in shlex.split(command)[4:]:  # python -m pip install ...
        requirement = Requirement(word)
        dist = metadata.distribution(requirement.name)
        for extra in requirement.extras:
            wanted = [
                needed
                for needed in map(Requirement, dist.requires or [])
                if needed.marker is not None and needed.marker.evaluate({"extra": extra})
            ]
            assert wanted, f"{requirement.name} has no extra {extra!r}"
            for needed in wanted:
                metadata.distribution(needed.name)  # raises PackageNotFoundError if missing


class QuickStart:
    """A brand-new project to which the blocks are applied one after the other."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("DJANGO_") and k not in {"PYTHONPATH", "DATABASE_URL"}
        }
        self.env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), self.env["PATH"]])
        self.port = _free_port()
        self.server: subprocess.Popen[str] | None = None
        self.outputs: list[str] = []
        self.shell(f"{shlex.quote(sys.executable)} -m django startproject mysite .")

    def shell(self, command: str) -> str:
        result = subprocess.run(
            ["bash", "-c", command],
            cwd=self.dir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, f"$ {command}\n{result.stdout}\n{result.stderr}"
        self.outputs.append(result.stdout)
        return result.stdout

    def apply(self, block: Block) -> None:
        text = block.text.replace(DEFAULT_ADDRESS, f"127.0.0.1:{self.port}")
        if block.language == "python":
            self.apply_python(block.target, text)
        elif block.language == "console":
            for command, expected in Block("console", text, block.source, block.line).commands():
                self.run(command, expected)
        else:
            raise AssertionError(
                f"{block.source}:{block.line}: cannot run a {block.language} block"
            )

    def apply_python(self, target: str, text: str) -> None:
        if target in {"settings.py", "urls.py"}:
            path = self.dir / "mysite" / target
            path.write_text(path.read_text() + "\n" + text)
        elif target == "python manage.py shell":
            self.shell(f"python manage.py shell -c {shlex.quote(text)}")
        elif re.fullmatch(r"[\w/]+\.py", target):
            (self.dir / target).write_text(text)
        else:
            raise AssertionError(f"a python block must say where it goes, not {target!r}")

    def run(self, command: str, expected: list[str]) -> None:
        if re.match(r"python -m pip install ", command):
            _assert_installed(command)
            return
        if command.startswith("python manage.py runserver"):
            self.start_server(command)
            return
        output = self.shell(command)
        for line in expected:
            assert line in output, f"$ {command}: {line!r} not in\n{output}"

    def start_server(self, command: str) -> None:
        self.server = subprocess.Popen(
            ["bash", "-c", f"exec {command} --noreload 127.0.0.1:{self.port}"],
            cwd=self.dir,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise AssertionError(f"runserver exited:\n{self.server.stdout.read()}")  # type: ignore[union-attr]
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)  # polling for the port to open
        raise AssertionError("runserver did not start within 30 s")

    def get(self, path: str) -> tuple[int, str]:
        url = f"http://127.0.0.1:{self.port}{path}"
        try:
            with urllib.request.urlopen(url, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def stop(self) -> str:
        if self.server is None:
            return ""
        self.server.terminate()
        output, _ = self.server.communicate(timeout=20)
        return output


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
