"""The code stays clean under ruff (lint and format) and mypy, as configured in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def _run(tool: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", tool, *args], cwd=ROOT, check=False, capture_output=True, text=True
    )


def test_ruff_finds_nothing_to_lint():
    done = _run("ruff", "check", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_code_is_formatted():
    done = _run("ruff", "format", "--check", ".")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.timeout(60)  # a few seconds, less with mypy's cache
def test_mypy_finds_no_type_error():
    # the package, as [tool.mypy] names it
    done = _run("mypy")
    assert done.returncode == 0, done.stdout + done.stderr
