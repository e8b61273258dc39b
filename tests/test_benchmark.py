"""The catalog benchmark runs end to end (a small catalog, SQLite) and reports every target."""

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.catalog.helpers import listing_queries

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks" / "catalog_bench.py"


def run_bench(*args: str) -> subprocess.CompletedProcess[str]:
    settings = os.environ.get("DJANGO_SETTINGS_MODULE", "tests.settings")
    command = [sys.executable, str(BENCH), "--settings", settings, *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_benchmark_reports_each_read_path_against_its_floor():
    result = run_bench(
        "--database", "sqlite", "--products", "200", "--iterations", "3", "--scale", "400"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert "built 200 products" in out
    assert re.search(r"^load average before timing: (unknown|[\d.]+, [\d.]+, [\d.]+)$", out, re.M)
    assert re.search(r"^load average after timing: (unknown|[\d.]+, [\d.]+, [\d.]+)$", out, re.M)
    # Rows: name, API median, floor median, ratio, "API queries vs floor queries".
    row = r"\s+[\d.]+ ms\s+[\d.]+ ms\s+[\d.]+x\s+(\d+) vs 1$"
    queries = {}
    for name in ("list (50/page)", "detail", "cached anon list", "cursor list", "cursor list @400"):
        match = re.search(rf"^{re.escape(name)}{row}", out, re.MULTILINE)
        assert match, out
        queries[name] = int(match.group(1))
    # The page (the count is cached per version); a cached page runs none.
    page = listing_queries()
    assert queries == {
        "list (50/page)": page,
        "detail": page,
        "cached anon list": 0,
        "cursor list": page,
        "cursor list @400": page,
    }
    for name, target in (("list (50/page)", 3.0), ("detail", 3.0), ("cached anon list", 1.5)):
        assert re.search(rf"^target {re.escape(name)}: [\d.]+x, (within|OVER) {target}x", out, re.M)
    assert re.search(r"^target cursor list at 400 vs 200: [\d.]+x, (within|OVER) 1.3x", out, re.M)


def test_benchmark_refuses_a_catalog_too_small_to_sample():
    result = run_bench("--database", "sqlite", "--products", "50")
    assert result.returncode == 2
    assert "--products must be at least 100" in result.stderr
