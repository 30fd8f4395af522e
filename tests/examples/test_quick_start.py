"""The README's Quick start and installation commands, run as a newcomer runs them: in fresh
virtualenvs, on a fresh copy of the project, in the documented order.

The Quick start's second command runs while the server of the first one serves, and must not
break it: after it, that server still answers a POST and a $filter (both import code lazily).
Its `pytest` runs only the smoke tests here (PYTEST_ADDOPTS), not this whole suite again.
pip installs from the package index (or its cache), as it would for a newcomer.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
import requests

import bc_mock
from tests.examples.test_readme_examples import blocks
from tests.helpers import GENERAL, USA

ROOT = Path(__file__).resolve().parents[2]
# what a fresh clone has: the tracked files, none of what a build or a run leaves behind
LEFT_BEHIND = shutil.ignore_patterns(
    ".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "faults.json"
)
PIP_TIMEOUT = 600


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy = tmp_path / "bc_mock"
    shutil.copytree(ROOT, copy, ignore=LEFT_BEHIND)
    return copy


def fresh_venv(where: Path) -> dict[str, str]:
    """A new virtualenv; the environment of a shell in which it is activated."""
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True, timeout=120)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTEST_ADDOPTS")}
    outer_bin = str(Path(sys.executable).parent)  # this test run's own virtualenv: not the newcomer's
    path = [entry for entry in env.get("PATH", "").split(os.pathsep) if entry and entry != outer_bin]
    env["PATH"] = os.pathsep.join([str(where / "bin"), *path])
    env["VIRTUAL_ENV"] = str(where)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_line(process: subprocess.Popen, prefix: str, timeout: float) -> str:
    """The first line of the process's output that starts with ``prefix`` (bounded wait)."""
    found: list[str] = []
    seen: list[str] = []

    def read() -> None:
        for line in process.stdout:
            seen.append(line)
            if line.startswith(prefix):
                found.append(line)
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    if not found:
        process.kill()
        raise AssertionError(f"no line starting with {prefix!r} within {timeout} s:\n{''.join(seen)[-3000:]}")
    return found[0]


def test_the_quick_start_commands_run_side_by_side(project: Path, tmp_path: Path):
    (block,) = blocks("## Quick start", "sh")
    first, second = [line for line in block.splitlines() if line.strip()]
    env = fresh_venv(tmp_path / "venv")
    port = free_port()  # the README's 8080 may be taken on this machine: the port is the only change
    server = subprocess.Popen(
        ["bash", "-c", first],
        cwd=project,
        env={**env, "BC_MOCK_PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        listening = wait_for_line(server, "bc-mock listening on ", PIP_TIMEOUT)
        url = listening.split(" on ", 1)[1].strip()
        assert url == f"http://127.0.0.1:{port}"
        tests = subprocess.run(
            ["bash", "-c", second],
            cwd=project,
            env={**env, "PYTEST_ADDOPTS": "-p no:cacheprovider tests/test_smoke.py"},
            capture_output=True,
            text=True,
            timeout=PIP_TIMEOUT,
            check=False,
        )
        assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-3000:]
        assert re.search(r"\d+ passed", tests.stdout), tests.stdout[-2000:]
        # the server of the first command still works, lazily imported code included
        api = f"{url}/api/v2.0/companies({USA})"
        payment = requests.post(
            f"{api}/customerPaymentJournals({GENERAL})/customerPayments",
            json={"customerNumber": "10000", "amount": -10},
            timeout=30,
        )
        assert payment.status_code == 201, payment.text
        filtered = requests.get(
            f"{api}/customerPayments",
            params={"$filter": f"journalId eq {GENERAL} and amount eq -10"},
            timeout=30,
        )
        assert filtered.status_code == 200, filtered.text
        assert [p["id"] for p in filtered.json()["value"]] == [payment.json()["id"]]
    finally:
        os.killpg(server.pid, 15)
        server.communicate(timeout=30)  # the rest of its output: no pipe is left open


def test_installing_into_ones_own_project_as_the_readme_shows(project: Path, tmp_path: Path):
    (block,) = blocks("## Install it in your own project", "sh")
    assert f"bc_mock-{bc_mock.__version__}-py3-none-any.whl" in block  # the wheel this version builds
    script = re.sub(r"(?m)^BC_MOCK=\S+", f"BC_MOCK={project}", block, count=1)  # where the copy is
    own_project = tmp_path / "own-project"
    own_project.mkdir()
    env = fresh_venv(tmp_path / "venv")
    done = subprocess.run(
        ["bash", "-c", "set -euo pipefail\n" + script],
        cwd=own_project,
        env=env,
        capture_output=True,
        text=True,
        timeout=PIP_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    wheel = own_project / "dist" / f"bc_mock-{bc_mock.__version__}-py3-none-any.whl"
    assert wheel.is_file()
    # the dashboard's page and files are in it (package data, not only Python modules)
    held = set(zipfile.ZipFile(wheel).namelist())
    for name in ("templates/dashboard/index.html", "static/dashboard.js", "static/dashboard.css"):
        assert f"bc_mock/dashboard/{name}" in held, name
    # the extra brought pytest (with the plugin) and requests; the command is there
    check = (
        "import bc_mock, pytest, requests; from importlib.metadata import entry_points; "
        "print(bc_mock.__file__, [e.name for e in entry_points(group='pytest11')])"
    )
    python = tmp_path / "venv" / "bin" / "python"
    shown = subprocess.run(
        [python, "-c", check],
        cwd=own_project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert str(tmp_path / "venv") in shown.stdout and "'bc_mock'" in shown.stdout
    command = subprocess.run(
        ["bc-mock", "--help"],
        cwd=own_project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert command.returncode == 0 and "--fixtures" in command.stdout
