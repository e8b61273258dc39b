"""Build the sdist and wheel, check them, and install the wheel into a clean virtualenv.

Usage: ``python .ci/check_package.py WORK_DIR`` (tox's ``package`` env passes its temp dir).

Fails when twine finds a metadata problem, when a file of ``src/django_shopkit`` (templates,
static files, ``py.typed``) is missing from the wheel, when anything from ``tests/`` or
``example_project/`` is packaged, or when the installed wheel does not import.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "django_shopkit"
FORBIDDEN = ("tests/", "example_project/", "benchmarks/", "docs/", ".ci/")


def step(message: str) -> None:
    """Print what is being checked."""
    print(f"--> {message}", flush=True)


def fail(message: str) -> None:
    """Stop with an error."""
    sys.exit(f"package check FAILED: {message}")


def tracked_package_files() -> set[str]:
    """Return the package's files under version control, as wheel paths."""
    listed = subprocess.run(
        ["git", "ls-files", "src/django_shopkit"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if listed.returncode != 0:  # not a git checkout: take the files on disk
        paths = [p.relative_to(ROOT).as_posix() for p in PACKAGE.rglob("*") if p.is_file()]
    else:
        paths = listed.stdout.split()
    return {
        path.removeprefix("src/")
        for path in paths
        if "__pycache__" not in path and not path.endswith((".pyc", ".pyo"))
    }


def main(work: Path) -> None:
    """Run every check in ``work``."""
    dist = work / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    step("building sdist and wheel")
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], check=True)
    wheels = sorted(dist.glob("*.whl"))
    sdists = sorted(dist.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        fail(f"expected one wheel and one sdist, got {[p.name for p in dist.iterdir()]}")
    wheel, sdist = wheels[0], sdists[0]

    step("twine check --strict")
    subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(wheel), str(sdist)], check=True
    )

    step(f"contents of {wheel.name}")
    with zipfile.ZipFile(wheel) as archive:
        wheel_files = set(archive.namelist())
    packaged = {name for name in wheel_files if name.startswith("django_shopkit/")}
    missing = tracked_package_files() - packaged
    if missing:
        fail(f"files of src/django_shopkit missing from the wheel: {sorted(missing)}")
    if "django_shopkit/py.typed" not in packaged:
        fail("django_shopkit/py.typed is not in the wheel")
    templates = sorted(name for name in packaged if "/templates/" in name)
    stray = sorted(
        name
        for name in wheel_files
        if not name.startswith("django_shopkit/") and ".dist-info/" not in name
    )
    if stray:
        fail(f"the wheel holds files outside django_shopkit/: {stray}")
    print(f"    {len(packaged)} package files, {len(templates)} templates, py.typed present")

    step(f"contents of {sdist.name}")
    with tarfile.open(sdist) as archive:
        # Drop the leading "django_shopkit-X.Y/" directory.
        sdist_files = {name.partition("/")[2] for name in archive.getnames()}
    forbidden = sorted(name for name in sdist_files if name.startswith(FORBIDDEN))
    if forbidden:
        fail(f"the sdist holds files that are not part of the package: {forbidden}")
    for required in ("pyproject.toml", "README.rst", "CHANGELOG.rst", "LICENSE"):
        if required not in sdist_files:
            fail(f"the sdist lacks {required}")
    print(f"    {len(sdist_files)} entries, nothing from {', '.join(FORBIDDEN)}")

    step("installing the wheel into a clean virtualenv")
    venv = work / "clean-venv"
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True,
    )
    probe = (
        "import importlib.resources, importlib.metadata, django_shopkit; "
        "assert importlib.resources.files('django_shopkit').joinpath('py.typed').is_file(); "
        "assert importlib.metadata.version('django-shopkit') == django_shopkit.__version__; "
        "print('    import django_shopkit', django_shopkit.__version__, 'from', "
        "django_shopkit.__file__)"
    )
    # Run from the temp dir so the source tree cannot shadow the installed package.
    subprocess.run([str(python), "-c", probe], cwd=work, check=True)
    step("package OK")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]).resolve())
