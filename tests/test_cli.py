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

from tests.helpers import BC_MOCK, USA, Server

REPO = Path(__file__).resolve().parent.parent
LISTENING = re.compile(r"^bc-mock listening on http://([^:]+):(\d+)$")
OPTIONS = ["--host", "--port", "--fixtures", "--require-auth"]
VARIABLES = ["BC_MOCK_HOST", "BC_MOCK_PORT", "BC_MOCK_FIXTURES", "BC_MOCK_REQUIRE_AUTH"]


def clean_env(**extra: str) -> dict:
    """The environment without any BC_MOCK_* setting of the caller's, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BC_MOCK_")}
    return {**env, **extra}


@pytest.fixture
def launch(start_bc_mock):
    """Start the command with exactly ``args`` (no --port added), in ``env`` or the clean environment.

    The wait for the start-up line is bounded; the process is stopped after the test.
    """

    def start(*args: str, env: dict | None = None, cwd=None) -> Server:
        return start_bc_mock(*args, command=BC_MOCK, env=env or clean_env(), inherit_env=False, cwd=cwd)

    return start


def started(server: Server) -> tuple[str, int]:
    """(host, port) from the start-up line; fails with stderr if it is not the documented line."""
    match = LISTENING.match(server.line)
    if not match:
        server.stop()
        pytest.fail(f"no start-up line: {server.line!r}; stderr: {server.stderr!r}")
    return match.group(1), int(match.group(2))


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


def test_port_zero_prints_the_real_port_at_once_and_serves(launch):
    host, port = started(launch("--port", "0"))
    assert host == "127.0.0.1"
    assert port > 0
    response = requests.get(f"http://{host}:{port}/_mock/health", timeout=5)
    assert response.status_code == 200
    assert response.headers.get("Server", "").startswith("waitress")
    assert journal_codes(host, port) == ["BANK", "GENERAL"]


def test_port_and_host_options(launch):
    port = free_port()
    assert started(launch("--host", "127.0.0.1", "--port", str(port))) == ("127.0.0.1", port)


def test_settings_from_the_environment(launch):
    port = free_port()
    fixture = str(REPO / "fixtures" / "cronus-uk.json")
    env = clean_env(BC_MOCK_HOST="127.0.0.1", BC_MOCK_PORT=str(port), BC_MOCK_FIXTURES=fixture)
    host, actual = started(launch(env=env))
    assert (host, actual) == ("127.0.0.1", port)
    companies = requests.get(f"http://{host}:{port}/api/v2.0/companies", timeout=5).json()["value"]
    assert [c["name"] for c in companies] == ["CRONUS UK Ltd."]


def test_options_win_over_the_environment(launch):
    env = clean_env(BC_MOCK_PORT="1", BC_MOCK_FIXTURES="/no/such/place")
    host, port = started(launch("--port", "0", "--fixtures", str(REPO / "fixtures"), env=env))
    assert port != 1
    assert len(requests.get(f"http://{host}:{port}/api/v2.0/companies", timeout=5).json()["value"]) == 2


def test_fixtures_folder_option(launch):
    server = launch("--port", "0", "--fixtures", str(REPO / "fixtures"))
    assert journal_codes(*started(server)) == ["BANK", "GENERAL"]


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


def _time_to_stop(launch, signum: int) -> float:
    server = launch("--port", "0")
    process = server.process
    host, port = started(server)
    # with a client connected and idle, as a test suite's session would be
    session = requests.Session()
    assert session.get(f"http://{host}:{port}/_mock/health", timeout=5).status_code == 200
    began = time.monotonic()
    process.send_signal(signum)
    try:
        process.wait(timeout=5)
    finally:
        server.stop()
    elapsed = time.monotonic() - began
    assert "Traceback" not in server.stderr
    assert process.returncode in (0, -signum, 128 + signum)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://{host}:{port}/_mock/health", timeout=2)
    return elapsed


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_it_within_a_second(launch, signum):
    # it takes about 0.2 s; a second try absorbs a moment of contention on a busy CI machine
    times = [_time_to_stop(launch, signum)]
    if times[0] >= 1.0:
        times.append(_time_to_stop(launch, signum))
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


def test_the_installed_wheel_serves_the_bundled_seed(wheel, tmp_path, launch):
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
    server = launch("--port", "0", env=env, cwd=tmp_path)
    assert journal_codes(*started(server)) == ["BANK", "GENERAL"]


@pytest.mark.parametrize(
    "args, env, says",
    [
        (["--threads", "0"], {}, "--threads"),
        ([], {"BC_MOCK_THREADS": "0"}, "threads"),
        (["--journal-size", "-5"], {}, "--journal-size"),
        ([], {"BC_MOCK_JOURNAL_SIZE": "-5"}, "BC_MOCK_JOURNAL_SIZE"),
        (["--page-size", "0"], {}, "--page-size"),
        (["--max-body", "0"], {}, "max_body"),
        (["--rate-limit", "5/0"], {}, "rate limit"),
        (["--rate-limit", "many"], {}, "rate limit"),
    ],
)
def test_every_option_is_validated_before_serving(args, env, says):
    result = subprocess.run(
        [sys.executable, "-m", "bc_mock", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=30,
        env=clean_env(**env),
        check=False,
    )
    assert result.returncode == 2  # argparse's usage error, as for any other bad option
    assert says in result.stderr and "Traceback" not in result.stderr
    assert "listening" not in result.stdout


def test_a_rate_limit_without_seconds_means_per_minute():
    from bc_mock.config import parse_limit

    assert parse_limit("600") == (600, 60.0)
