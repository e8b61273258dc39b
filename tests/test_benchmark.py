"""The catalog benchmark runs end to end and reports one query per request on each side."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks" / "catalog_bench.py"


def run_bench(*args: str) -> subprocess.CompletedProcess[str]:
    settings = os.environ.get("DJANGO_SETTINGS_MODULE", "tests.settings")
    command = [sys.executable, str(BENCH), "--settings", settings, *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_benchmark_reports_each_read_path_against_its_floor():
    result = run_bench("--database", "sqlite", "--products", "200", "--iterations", "3")
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert "built 200 products" in out
    for name in ("list (50/page)", "detail", "empty DRF view", "ORM lookup only"):
        assert re.search(rf"^{re.escape(name)} .*x\s+\d+ vs 1$", out, re.MULTILINE), out
    # The API side of the list and the detail is one query, like the floor.
    assert re.search(r"^list \(50/page\) .* 1 vs 1$", out, re.MULTILINE), out
    assert re.search(r"^detail .* 1 vs 1$", out, re.MULTILINE), out
    assert re.search(r"^target list \(50/page\): [\d.]+x, (within|OVER) 2.5x", out, re.M), out


def test_benchmark_refuses_a_catalog_too_small_to_sample():
    result = run_bench("--database", "sqlite", "--products", "50")
    assert result.returncode == 2
    assert "--products must be at least 100" in result.stderr
