"""The benchmark's command and its table (the benchmark itself is not a test: it needs minutes).

The benchmark lives in benchmarks/ at the project's root, beside the package, not in it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from benchmarks import report

ROOT = Path(__file__).parent.parent


def test_the_benchmark_command_explains_itself():
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "--quick" in done.stdout and "--json" in done.stdout


def test_the_table_says_which_targets_are_met():
    figures = {
        "connections": 8,
        "in_process": {
            "import_ms": 150.0,
            "first_start_ms": 30.0,
            "fixture_reset_ms": 0.01,
            "fixture_reset_and_read_ms": 0.5,
        },
        "process_startup": {"bc_mock_ms": 200.0, "hello_ms": 100.0},  # 2x: missed
        "http_reset": {"http_reset_ms": 0.3},
    }
    table = report.print_table(report.build_rows(figures))
    lines = {line.split("|")[1].strip(): line for line in table.splitlines()[2:]}
    assert lines["In-process start: MockServer start to first answer"].rstrip(" |").endswith("yes")
    assert "2.00x hello-world" in lines["Process start: bc-mock spawn to first answer"]
    assert lines["Process start: bc-mock spawn to first answer"].rstrip(" |").endswith("NO")


def test_the_dashboards_first_screen_is_judged_against_one_second():
    measured = {
        "entries": 10_000,
        "first_screen_ms": 180.0,
        "first_load_ms": 320.0,
        "loads_ms": [320.0, 180.0, 170.0],
        "rows_drawn": 100,
        "list_ms": 2.1,
    }
    table = report.print_table(report.build_rows({"dashboard": measured}))
    row = next(line for line in table.splitlines() if "Dashboard" in line)
    assert "10,000 journal entries" in row and "180.0 ms (median of 3 loads; the first 320.0 ms)" in row
    assert row.rstrip(" |").endswith("yes")
    skipped = report.print_table(
        report.build_rows({"dashboard": {"entries": 10_000, "skipped": "no Chromium", "list_ms": 2.0}})
    )
    row = next(line for line in skipped.splitlines() if "Dashboard" in line)
    assert "not measured: no Chromium" in row and not row.rstrip(" |").endswith(("yes", "NO"))
