"""A brand-new ``startproject`` site to which documentation blocks are applied, as written.

Python, template and CSS blocks go to the file their first comment names (``settings.py`` and
``urls.py`` are appended to the project's); ``# python manage.py shell`` blocks run in the
shell; console commands run in bash in the project directory with the interpreter running the
tests first on ``PATH``. ``django_shopkit`` is imported from wherever it is installed: the built
wheel in the tox envs.

Three things are not literal, each for a reason:

* ``pip install`` is not run (no network, and the package under test is already installed);
  the site checks that every requirement it names, extras included, is installed;
* ``runserver`` listens on a free port instead of 8000, and the blocks after it use that port;
* ``runserver`` runs without the autoreloader, so the test can stop it.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

from tests.docs_blocks import Block, code_blocks

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.rst"
QUICKSTART = ROOT / "docs" / "quickstart.rst"
MARKERS = {"start_after": ".. quick-start-begin", "end_before": ".. quick-start-end"}
DEFAULT_ADDRESS = "127.0.0.1:8000"


def readme_blocks() -> list[Block]:
    """Return the code blocks of the README's quick start."""
    return code_blocks(README, **MARKERS)


def setup_blocks() -> list[Block]:
    """Return the quick start's blocks up to the server start: a configured shop with a product."""
    blocks = readme_blocks()
    index = next(i for i, b in enumerate(blocks) if "$ python manage.py runserver" in b.text)
    return blocks[:index]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _assert_installed(command: str) -> None:
    """Check that what a ``pip install`` line names is installed here, extras included."""
    for word in shlex.split(command)[4:]:  # python -m pip install ...
        if word.startswith("-"):  # --upgrade and the like
            continue
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

    def __init__(self, directory: Path, *, new: bool = True) -> None:
        self.dir = directory
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("DJANGO_") and k not in {"PYTHONPATH", "DATABASE_URL"}
        }
        self.env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), self.env["PATH"]])
        self.port = _free_port()
        self.server: subprocess.Popen[str] | None = None
        self.outputs: list[str] = []  # what each command printed on stdout
        self.errors: list[str] = []  # and on stderr
        if new:
            self.shell(f"{shlex.quote(sys.executable)} -m django startproject mysite .")

    def copy_to(self, directory: Path) -> QuickStart:
        """Return a copy of this (stopped) site in ``directory``, database included."""
        assert self.server is None, "copy a site before starting its server"
        shutil.copytree(self.dir, directory, dirs_exist_ok=True)
        return QuickStart(directory, new=False)

    def shell(self, command: str) -> str:
        """Run ``command`` in bash in the project; return its output (it must succeed)."""
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
        self.errors.append(result.stderr)
        return result.stdout

    def apply(self, block: Block) -> None:
        """Apply one block: write or run it."""
        text = block.text.replace(DEFAULT_ADDRESS, f"127.0.0.1:{self.port}")
        if block.language in {"python", "html+django", "css"}:
            self.apply_file(block.target, text)
        elif block.language == "console":
            for command, expected in Block("console", text, block.source, block.line).commands():
                self.run(command, expected)
        else:
            raise AssertionError(
                f"{block.source}:{block.line}: cannot run a {block.language} block"
            )

    def apply_file(self, target: str, text: str) -> None:
        """Append to settings.py or urls.py, run a shell block, or write the file named."""
        if target in {"settings.py", "urls.py"}:
            path = self.dir / "mysite" / target
            path.write_text(path.read_text() + "\n" + text)
        elif target == "python manage.py shell":
            self.shell(f"python manage.py shell -c {shlex.quote(text)}")
        elif re.fullmatch(r"[\w/.-]+\.(py|html|css)", target) and ".." not in target:
            path = self.dir / target
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        else:
            raise AssertionError(f"a block must say where it goes, not {target!r}")

    def run(self, command: str, expected: list[str]) -> None:
        """Run a console command and check that it printed the lines the docs show."""
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
        """Start ``runserver`` on the site's port and wait until it accepts connections."""
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
        """Return the status and body of a GET to the running server."""
        url = f"http://127.0.0.1:{self.port}{path}"
        try:
            with urllib.request.urlopen(url, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def stop(self) -> str:
        """Stop the server; return everything it printed."""
        if self.server is None:
            return ""
        self.server.terminate()
        output, _ = self.server.communicate(timeout=20)
        return output
