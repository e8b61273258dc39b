#!/usr/bin/env python3
"""Run the test suite or the demo shop from a fresh clone, with nothing but Python >= 3.11.

    python3 dev.py test [PYTEST_ARGS...]   # every test stage; exit status says if all passed
    python3 dev.py demo                    # the example shop on SQLite with demo data
    python3 dev.py setup                   # only create or refresh .venv

Both create ``.venv`` next to this file with the running interpreter (if it is missing) and
install the project into it; the install is redone only when ``pyproject.toml`` or the example
project's requirements change. Standard library only: this file runs before anything is
installed.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

if sys.version_info < (3, 11):  # noqa: UP036  (a newcomer may run an old python3)
    sys.exit(f"django-shopkit needs Python 3.11 or newer; this is {sys.version.split()[0]}.")

import tomllib

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".shopkit-install-stamp"
EXAMPLE = ROOT / "example_project"
EXAMPLE_REQUIREMENTS = EXAMPLE / "requirements.txt"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
IN_CI = bool(os.environ.get("CI"))
# Test database names on PostgreSQL; set another prefix to run two checkouts side by side.
DB_PREFIX = os.environ.get("SHOPKIT_TEST_DB_PREFIX", "test_shopkit_dev")


def say(message: str) -> None:
    """Print a line of dev.py's own output, set apart from the tools' output."""
    print(f"==> {message}", flush=True)


def run(command: list[str], *, cwd: Path = ROOT, env: dict[str, str] | None = None) -> int:
    """Run a command with inherited output and return its exit status."""
    say("$ " + shlex.join(str(part) for part in command))
    return subprocess.call(command, cwd=cwd, env=env)


def dependency_group(name: str) -> list[str]:
    """Return the requirements of a PEP 735 dependency group of pyproject.toml."""
    groups = tomllib.loads((ROOT / "pyproject.toml").read_text())["dependency-groups"]
    requirements: list[str] = []
    for item in groups[name]:
        if isinstance(item, dict):  # {include-group = "other"}
            requirements += dependency_group(item["include-group"])
        else:
            requirements.append(item)
    return requirements


def ensure_venv(*, with_example: bool) -> None:
    """Create .venv if needed and install the project, its test group and the example's deps."""
    if not PYTHON.exists():
        say(f"creating {VENV.relative_to(ROOT)} with {sys.executable}")
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
    requirements = ["-e", ".", *dependency_group("test")]
    if with_example and EXAMPLE_REQUIREMENTS.exists():
        requirements += ["-r", str(EXAMPLE_REQUIREMENTS.relative_to(ROOT))]
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    digest.update(repr(requirements).encode())
    if with_example and EXAMPLE_REQUIREMENTS.exists():
        digest.update(EXAMPLE_REQUIREMENTS.read_bytes())
    if STAMP.exists() and STAMP.read_text() == digest.hexdigest():
        say("environment is up to date (.venv)")
        return
    say("installing django-shopkit and its test dependencies into .venv")
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
    subprocess.check_call([*pip, "--upgrade", "pip"], cwd=ROOT)
    subprocess.check_call([*pip, *requirements], cwd=ROOT)
    STAMP.write_text(digest.hexdigest())


def postgres_answers(url: str) -> str | None:
    """Return None if PostgreSQL at ``url`` accepts a connection, else the reason it does not."""
    probe = "import sys, psycopg; psycopg.connect(sys.argv[1], connect_timeout=3).close()"
    result = subprocess.run(
        [str(PYTHON), "-c", probe, url], capture_output=True, text=True, check=False
    )
    if result.returncode == 0:
        return None
    lines = (result.stderr or result.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit status {result.returncode}"


class Stages:
    """Run named stages one after another and remember how each ended."""

    def __init__(self) -> None:
        self.results: list[tuple[str, str, float]] = []

    def pytest(
        self,
        name: str,
        args: list[str],
        *,
        env: dict[str, str] | None = None,
        cwd: Path = ROOT,
    ) -> None:
        """Run pytest as one stage; no test collected (exit status 5) counts as a failure."""
        say(f"stage: {name}")
        started = time.monotonic()
        status = run([str(PYTHON), "-m", "pytest", *args], cwd=cwd, env=env)
        elapsed = time.monotonic() - started
        if status == 0:
            outcome = "passed"
        elif status == 5:
            outcome = "FAILED (no tests collected)"
        else:
            outcome = f"FAILED (exit status {status})"
        self.results.append((name, outcome, elapsed))

    def not_run(self, name: str, reason: str, *, fails: bool) -> None:
        """Record a stage that could not run; in CI that is a failure."""
        outcome = f"{'FAILED' if fails else 'not run'}: {reason}"
        say(f"stage: {name}: {outcome}")
        self.results.append((name, outcome, 0.0))

    def summary(self) -> int:
        """Print one line per stage and return the exit status of the whole run."""
        print(flush=True)
        say("summary")
        width = max(len(name) for name, _, _ in self.results)
        for name, outcome, elapsed in self.results:
            print(f"    {name:<{width}}  {elapsed:6.1f}s  {outcome}", flush=True)
        failed = [name for name, outcome, _ in self.results if outcome.startswith("FAILED")]
        if failed:
            say(f"{len(failed)} of {len(self.results)} stages failed: {', '.join(failed)}")
            return 1
        say(f"all {len(self.results)} stages passed or were not applicable")
        return 0


def command_test(extra: list[str]) -> int:
    """Run the suite under the three host configurations, on SQLite and PostgreSQL; the example."""
    ensure_venv(with_example=(EXAMPLE / "pytest.ini").exists())
    stages = Stages()
    base_env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    configs = [
        ("config 1", "tests.settings"),
        ("config 2", "tests.settings_alt"),
        ("config 3", "tests.settings_behave"),
    ]

    for label, module in configs:
        stages.pytest(
            f"SQLite, {label} ({module})",
            ["tests", f"--ds={module}", "-m", "not postgres", *extra],
            env=base_env,
        )

    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    problem = postgres_answers(url)
    if problem:
        reason = f"PostgreSQL at {url} does not answer ({problem}); set DATABASE_URL to run them"
        for label, module in configs:
            stages.not_run(f"PostgreSQL, {label} ({module})", reason, fails=IN_CI)
    else:
        for number, (label, module) in enumerate(configs, start=1):
            env = {
                **base_env,
                "DATABASE_URL": url,
                "SHOPKIT_TEST_DB_NAME": f"{DB_PREFIX}_{number}",
            }
            stages.pytest(
                f"PostgreSQL, {label} ({module})",
                ["tests", f"--ds={module}", "-m", "postgres", *extra],
                env=env,
            )

    if (EXAMPLE / "pytest.ini").exists():
        # The example project has its own pytest.ini (settings, pythonpath); run from there.
        stages.pytest("example project", extra, env=base_env, cwd=EXAMPLE)
    else:
        stages.not_run(
            "example project", "example_project/pytest.ini does not exist yet", fails=False
        )
    return stages.summary()


def command_demo() -> int:
    """Migrate, seed and serve the example shop on SQLite."""
    manage = EXAMPLE / "manage.py"
    if not manage.exists():
        say("The example project is not there yet (example_project/manage.py is missing).")
        return 0
    ensure_venv(with_example=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.development"}
    env.pop("DATABASE_URL", None)  # the demo runs on SQLite whatever the shell exports
    for step in (["migrate", "--no-input"], ["seed_demo"]):
        status = run([str(PYTHON), "manage.py", *step], cwd=EXAMPLE, env=env)
        if status:
            return status
    say("Shop running at http://127.0.0.1:8000/ (Ctrl+C stops it)")
    try:
        return run([str(PYTHON), "manage.py", "runserver", "127.0.0.1:8000"], cwd=EXAMPLE, env=env)
    except KeyboardInterrupt:
        return 0


def main(argv: list[str]) -> int:
    """Dispatch ``test``, ``demo`` or ``setup``."""
    if not argv or argv[0] not in ("test", "demo", "setup"):
        print(__doc__)
        return 2
    if argv[0] == "setup":
        ensure_venv(with_example=EXAMPLE_REQUIREMENTS.exists())
        return 0
    if argv[0] == "test":
        extra = argv[1:]
        if extra[:1] == ["--"]:
            extra = extra[1:]
        return command_test(extra)
    return command_demo()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
