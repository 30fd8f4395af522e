"""The bc-mock command: options, environment variables, the start-up line, signals, the wheel."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import requests

from tests.helpers import USA

REPO = Path(__file__).resolve().parent.parent
LISTENING = re.compile(r"^bc-mock listening on http://([^:]+):(\d+)$")
OPTIONS = ["--host", "--port", "--fixtures", "--require-auth"]
VARIABLES = ["BC_MOCK_HOST", "BC_MOCK_PORT", "BC_MOCK_FIXTURES", "BC_MOCK_REQUIRE_AUTH"]


def clean_env(**extra: str) -> dict:
    """The environment without any BC_MOCK_* setting of the caller's, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BC_MOCK_")}
    return {**env, **extra}


def launch(*args: str, env: dict | None = None, command: list[str] | None = None, cwd=None):
    return subprocess.Popen(
        [*(command or [sys.executable, "-m", "bc_mock"]), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env or clean_env(),
        cwd=cwd,
    )


def started(process: subprocess.Popen) -> tuple[str, int]:
    """(host, port) from the start-up line; fails with stderr if the server did not start."""
    line = process.stdout.readline().rstrip("\n")
    match = LISTENING.match(line)
    if not match:
        process.kill()
        pytest.fail(f"no start-up line: {line!r}; stderr: {process.stderr.read()!r}")
    return match.group(1), int(match.group(2))


def stop(process: subprocess.Popen) -> str:
    """Stop the server if it still runs and close its pipes; what it wrote to stderr."""
    if process.poll() is None:
        process.terminate()
    try:
        return process.communicate(timeout=5)[1]
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def journal_codes(host: str, port: int) -> list[str]:
    url = f"http://{host}:{port}/api/v2.0/companies({USA})/customerPaymentJournals"
    return [j["code"] for j in requests.get(url, timeout=5).json()["value"]]


# --- help --------------------------------------------------------------------------------


def test_help_documents_every_option_and_its_variable():
    result = subprocess.run(
        [sys.executable, "-m", "bc_mock", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        env=clean_env(),
        check=False,
    )
    assert result.returncode == 0
    text = " ".join(result.stdout.split())  # argparse wraps lines
    assert result.stdout.startswith("usage: bc-mock")
    for option in OPTIONS:
        assert option in text
    for variable in VARIABLES:
        assert variable in text
    assert "8080" in text and "127.0.0.1" in text  # the defaults


def test_console_script_is_installed():
    script = shutil.which("bc-mock", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("bc-mock console script not installed beside this interpreter")
    result = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0
    assert "--require-auth" in result.stdout


# --- start-up ------------------------------------------------------------------------------


def test_port_zero_prints_the_real_port_at_once_and_serves():
    process = launch("--port", "0")
    try:
        host, port = started(process)
        assert host == "127.0.0.1"
        assert port > 0
        response = requests.get(f"http://{host}:{port}/_mock/health", timeout=5)
        assert response.status_code == 200
        assert response.headers.get("Server", "").startswith("waitress")
        assert journal_codes(host, port) == ["BANK", "GENERAL"]
    finally:
        stop(process)


def test_port_and_host_options():
    port = free_port()
    process = launch("--host", "127.0.0.1", "--port", str(port))
    try:
        assert started(process) == ("127.0.0.1", port)
    finally:
        stop(process)


def test_settings_from_the_environment():
    port = free_port()
    fixture = str(REPO / "fixtures" / "cronus-uk.json")
    env = clean_env(BC_MOCK_HOST="127.0.0.1", BC_MOCK_PORT=str(port), BC_MOCK_FIXTURES=fixture)
    process = launch(env=env)
    try:
        host, actual = started(process)
        assert (host, actual) == ("127.0.0.1", port)
        companies = requests.get(f"http://{host}:{port}/api/v2.0/companies", timeout=5).json()["value"]
        assert [c["name"] for c in companies] == ["CRONUS UK Ltd."]
    finally:
        stop(process)


def test_options_win_over_the_environment():
    env = clean_env(BC_MOCK_PORT="1", BC_MOCK_FIXTURES="/no/such/place")
    process = launch("--port", "0", "--fixtures", str(REPO / "fixtures"), env=env)
    try:
        host, port = started(process)
        assert port != 1
        assert len(requests.get(f"http://{host}:{port}/api/v2.0/companies", timeout=5).json()["value"]) == 2
    finally:
        stop(process)


def test_fixtures_folder_option():
    process = launch("--port", "0", "--fixtures", str(REPO / "fixtures"))
    try:
        assert journal_codes(*started(process)) == ["BANK", "GENERAL"]
    finally:
        stop(process)


def test_a_port_in_use_stops_with_a_clear_message():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "bc_mock", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
            env=clean_env(),
            check=False,
        )
    assert result.returncode != 0
    assert str(port) in result.stderr
    assert "Traceback" not in result.stderr
    assert "listening" not in result.stdout


@pytest.mark.parametrize(
    "args, env",
    [
        (["--port", "abc"], {}),
        ([], {"BC_MOCK_PORT": "abc"}),
        (["--port", "0", "--fixtures", "/no/such/place"], {}),
        (["--port", "99999"], {}),  # waitress alone would listen on 99999 % 65536
        (["--port", "-1"], {}),
        ([], {"BC_MOCK_PORT": "70000"}),
        (["--port", "0", "--host", "no-such-host.invalid"], {}),
    ],
)
def test_bad_settings_stop_with_a_message_not_a_traceback(args, env):
    result = subprocess.run(
        [sys.executable, "-m", "bc_mock", *args],
        capture_output=True,
        text=True,
        timeout=30,
        env=clean_env(**env),
        check=False,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()
    assert "listening" not in result.stdout


# --- stopping ------------------------------------------------------------------------------


def _time_to_stop(signum: int) -> float:
    process = launch("--port", "0")
    host, port = started(process)
    # with a client connected and idle, as a test suite's session would be
    session = requests.Session()
    assert session.get(f"http://{host}:{port}/_mock/health", timeout=5).status_code == 200
    began = time.monotonic()
    process.send_signal(signum)
    try:
        process.wait(timeout=5)
    finally:
        stderr = stop(process)
    elapsed = time.monotonic() - began
    assert "Traceback" not in stderr
    assert process.returncode in (0, -signum, 128 + signum)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://{host}:{port}/_mock/health", timeout=2)
    return elapsed


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_it_within_a_second(signum):
    # it takes about 0.2 s; a second try absorbs a moment of contention on a busy CI machine
    times = [_time_to_stop(signum)]
    if times[0] >= 1.0:
        times.append(_time_to_stop(signum))
    assert min(times) < 1.0, f"took {times}"


# --- packaging -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A non-editable wheel built from a copy of the sources (the tree itself stays clean)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    for name in ("bc_mock", "fixtures"):
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot build a wheel here (no build backend available?): {result.stderr[-500:]}")
    return next(out.glob("bc_mock-*.whl"))


def test_the_wheel_contains_the_bundled_seed(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    seed = sorted(n for n in names if n.startswith("bc_mock/default_fixtures/"))
    fixtures = sorted(p.name for p in (REPO / "fixtures").glob("*.json"))
    assert [n.rsplit("/", 1)[1] for n in seed if n.endswith(".json")] == fixtures


def test_the_installed_wheel_serves_the_bundled_seed(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = clean_env(PYTHONPATH=str(target))
    where = subprocess.run(
        [sys.executable, "-c", "import bc_mock.seed as s; print(s.bundled_fixtures())"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=30,
        check=False,
    )
    assert where.stdout.strip().startswith(str(target)), where.stdout + where.stderr
    process = launch("--port", "0", env=env, cwd=tmp_path)
    try:
        assert journal_codes(*started(process)) == ["BANK", "GENERAL"]
    finally:
        stop(process)
