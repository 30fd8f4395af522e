"""The Docker image, built from ./Dockerfile and run with a real Docker engine.

What a user of the container relies on: it builds (classic builder), passes hadolint,
answers on the published port quickly, serves the BC API and /_mock, takes a fixtures
folder mounted as a volume, runs as a non-root user, reports healthy to Docker, and
`docker stop` ends it at once. The image size and the time from `docker run` to the
first healthy answer are printed (in pytest's closing summary, and with -s).

Everything but the hadolint check is skipped, with the reason, when no engine is
reachable. `.ci/run` provides one, so in CI these tests really run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.helpers import GENERAL, USA, BcClient

ROOT = Path(__file__).resolve().parents[1]
PORT = 8080  # the port the image listens on (EXPOSE, BC_MOCK_PORT)
SERVER_UID = 10001  # the image's numeric user
STARTUP_LIMIT_S = 20  # from `docker run` to a healthy answer; measured 0.5-1.3 s
STOP_LIMIT_S = 2.0


# ---- the engine -----------------------------------------------------------------------------


def _docker(*args: str, timeout: float = 60, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(["docker", *args], check=False, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result


def _engine_unavailable() -> str | None:
    """Why no Docker engine can be used here, or None when one answers."""
    reason = os.environ.get("BC_DOCKER_UNAVAILABLE")
    if reason:
        return f"no Docker engine: {reason}"
    if shutil.which("docker") is None:
        return "no Docker engine: the docker command is not installed"
    try:
        info = _docker("info", "--format", "{{.ServerVersion}}", timeout=30, check=False)
    except subprocess.TimeoutExpired:
        return "no Docker engine: `docker info` did not answer within 30 s"
    if info.returncode != 0:
        last = (info.stderr.strip().splitlines() or ["no output"])[-1]
        return f"no Docker engine: `docker info` failed: {last}"
    return None


@pytest.fixture(scope="session")
def docker_engine() -> None:
    reason = _engine_unavailable()
    if reason is None:
        return
    if os.environ.get("BC_DOCKER_AVAILABLE") == "1":
        # the CI script promised an engine: not reaching it is a failure, not a skip
        pytest.fail(f"BC_DOCKER_AVAILABLE=1 but {reason}")
    pytest.skip(reason)


# ---- measurements, printed in the closing summary ----------------------------------------------


class _Measurements:
    """The numbers a reader of the CI log wants, shown whatever the capture mode."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        print(line)
        self.lines.append(line)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.lines:
            terminalreporter.section("bc_mock container")
            for line in self.lines:
                terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def measurements(pytestconfig) -> _Measurements:
    plugin = _Measurements()
    pytestconfig.pluginmanager.register(plugin, "bc-mock-container-measurements")
    return plugin


# ---- the image and its containers ------------------------------------------------------------


@dataclass
class Image:
    tag: str
    size: int
    config: dict
    context_bytes: int | None  # what the classic builder sent as the build context


def _context_bytes(build_output: str) -> int | None:
    """The size in "Sending build context to Docker daemon  180.7kB" (classic builder)."""
    match = re.search(r"Sending build context to Docker daemon\s+([\d.]+)\s*([kMG]?B)", build_output)
    if match is None:
        return None
    return int(float(match.group(1)) * {"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}[match.group(2)])


@pytest.fixture(scope="module")
def image(docker_engine, measurements) -> Image:
    tag = f"bc-mock:test-{uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    build = _docker("build", "--force-rm", "-t", tag, str(ROOT), timeout=900, check=False)
    assert build.returncode == 0, f"docker build failed:\n{build.stdout[-4000:]}\n{build.stderr}"
    build_s = time.monotonic() - started
    inspected = json.loads(_docker("image", "inspect", tag).stdout)[0]
    base = json.loads(_docker("image", "inspect", "python:3.12-slim").stdout)[0]
    context = _context_bytes(build.stdout + build.stderr)
    measurements.add(
        f"image {tag}: {inspected['Size'] / 1e6:.1f} MB "
        f"({(inspected['Size'] - base['Size']) / 1e6:.1f} MB over python:3.12-slim), built in {build_s:.1f} s"
        + (f" from a {context / 1e3:.0f} kB context" if context is not None else "")
    )
    yield Image(tag, inspected["Size"], inspected["Config"], context)
    _docker("image", "rm", "-f", tag, check=False)


@dataclass
class Container:
    id: str
    url: str
    startup_s: float  # from `docker run` to the first healthy answer

    def exec(self, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        env_args = [arg for name, value in (env or {}).items() for arg in ("-e", f"{name}={value}")]
        return _docker("exec", *env_args, self.id, *args, check=False)

    def logs(self) -> str:
        result = _docker("logs", self.id, check=False)
        return result.stdout + result.stderr


def _wait_healthy(container_id: str, url: str, started: float, timeout: float, ca: str | None = None) -> None:
    while True:
        try:
            # over https, the CA the container writes (there once it listens)
            if requests.get(f"{url}/_mock/health", timeout=1, verify=ca or True).status_code == 200:
                return
        except OSError:  # requests' errors, and a CA file not written yet
            pass  # not listening yet (docker-proxy may accept and then drop the connection)
        state = _docker("inspect", "--format", "{{.State.Status}}", container_id, check=False).stdout.strip()
        if state not in ("created", "running") or time.monotonic() - started > timeout:
            logs = _docker("logs", container_id, check=False)
            raise AssertionError(
                f"the container did not answer /_mock/health (state {state!r}):\n{logs.stdout}{logs.stderr}"
            )
        time.sleep(0.05)


def _run(
    image: Image, *docker_args: str, port: int = PORT, command: tuple[str, ...] = (), ca: str | None = None
) -> Container:
    """`docker run -d` the image with its port published on 127.0.0.1 (a free host port).

    ``command``: arguments after the image name, which go to `bc-mock`; ``ca``: the CA file the
    container writes (--tls-ca-out, on a mounted folder): the server speaks https, trusted so.
    """
    name = f"bc-mock-test-{uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    _docker("run", "-d", "--name", name, "-p", f"127.0.0.1::{port}", *docker_args, image.tag, *command)
    published = _docker("port", name, f"{port}/tcp").stdout.split()[0]  # "127.0.0.1:49153"
    url = f"{'https' if ca else 'http'}://{published}"
    _wait_healthy(name, url, started, STARTUP_LIMIT_S, ca)
    return Container(name, url, time.monotonic() - started)


@pytest.fixture
def run_container(image):
    """Start containers of the image; all of them are removed after the test."""
    started: list[Container] = []

    def run(
        *docker_args: str, port: int = PORT, command: tuple[str, ...] = (), ca: str | None = None
    ) -> Container:
        container = _run(image, *docker_args, port=port, command=command, ca=ca)
        started.append(container)
        return container

    yield run
    for container in started:
        _docker("rm", "-f", container.id, check=False)


@pytest.fixture(scope="module")
def container(image, measurements) -> Container:
    """One container of the image as users start it: no options but the published port."""
    container = _run(image)
    measurements.add(f"docker run to the first healthy answer: {container.startup_s:.2f} s")
    yield container
    _docker("rm", "-f", container.id, check=False)


def _fresh_tenant() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


CUSTOM_COMPANY = "Contoso Container Ltd."


def _readable(path: Path, content: str) -> Path:
    """Write a file the container's user can read (it is not the owner), in a readable folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o755)
    path.write_text(content)
    path.chmod(0o644)
    return path


def _custom_fixtures(folder: Path) -> Path:
    """A fixtures folder with one company: the bundled USA one, renamed."""
    seed = json.loads((ROOT / "fixtures" / "cronus-usa.json").read_text())
    seed["company"]["name"] = seed["company"]["displayName"] = CUSTOM_COMPANY
    _readable(folder / "contoso.json", json.dumps(seed))
    return folder


def _faults_file(path: Path) -> Path:
    rules = [{"method": "GET", "path": "*/customerPaymentJournals*", "preset": "unavailable"}]
    return _readable(path, json.dumps(rules))


# ---- the Dockerfile --------------------------------------------------------------------------


def _hadolint() -> str:
    beside_python = Path(sys.executable).with_name("hadolint")
    found = str(beside_python) if beside_python.exists() else shutil.which("hadolint")
    if found is None:
        pytest.fail("hadolint is not installed; it comes with the test extra: pip install -e '.[test]'")
    return found


def test_dockerfile_is_clean_under_hadolint():
    result = subprocess.run(
        [_hadolint(), "--no-color", str(ROOT / "Dockerfile")],
        check=False,
        capture_output=True,
        timeout=60,
        text=True,
    )
    assert result.returncode == 0, f"hadolint found problems:\n{result.stdout}{result.stderr}"


def test_image_is_small_and_configured_for_containers(image):
    config = image.config
    assert config["User"] == f"{SERVER_UID}:{SERVER_UID}"  # numeric: runAsNonRoot can check it
    assert "8080/tcp" in config["ExposedPorts"]
    assert {"BC_MOCK_HOST=0.0.0.0", "BC_MOCK_PORT=8080"} <= set(config["Env"])
    assert config["Entrypoint"] == ["bc-mock"]  # exec form: the server is PID 1 and gets SIGTERM
    assert config["Healthcheck"]["Test"][:2] == ["CMD", "python"]
    base = json.loads(_docker("image", "inspect", "python:3.12-slim").stdout)[0]
    added_mb = (image.size - base["Size"]) / 1e6
    assert added_mb < 30, f"the image adds {added_mb:.1f} MB to python:3.12-slim"


def test_build_context_is_small(image):
    # .dockerignore lets in only what the wheel is made of: no .git, .venv or caches
    if image.context_bytes is None:
        pytest.skip("the builder did not report the size of the build context")
    assert image.context_bytes < 2e6, f"the build context is {image.context_bytes / 1e6:.1f} MB"


# ---- a running container ---------------------------------------------------------------------


def test_answers_health_on_the_published_port(container):
    response = requests.get(f"{container.url}/_mock/health", timeout=5)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["companies"] == 2  # the bundled seed is inside the image
    assert container.startup_s < STARTUP_LIMIT_S


def test_serves_the_bc_api(container):
    bc = BcClient(container.url, _fresh_tenant(), "v2.0")
    journals = bc.get(bc.journals())
    assert journals.status_code == 200, journals.text
    assert [journal["code"] for journal in journals.json()["value"]] == ["BANK", "GENERAL"]

    created = bc.post(bc.payments(GENERAL), {"customerNumber": "10000", "amount": -12.5})
    assert created.status_code == 201, created.text
    assert created.json()["lineNumber"] == 40000
    listed = bc.get(bc.payments(GENERAL))
    assert created.json()["id"] in [payment["id"] for payment in listed.json()["value"]]

    bc1 = BcClient(container.url, _fresh_tenant(), "v1.0")
    bad = bc1.post(bc1.payments(GENERAL), {"customerNumber": "10000", "bogus": 1})
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "BadRequest"


def test_serves_the_dashboard_from_the_wheel(container):
    page = requests.get(f"{container.url}/_mock/", timeout=5)
    assert page.status_code == 200 and "<title>bc_mock dashboard</title>" in page.text
    for name in ("dashboard.js", "dashboard.css", "favicon.svg"):
        assert requests.get(f"{container.url}/_mock/static/{name}", timeout=5).status_code == 200, name


def test_runs_as_a_non_root_user(container):
    # PID 1 is the server itself (exec form), so its uid is the one that serves requests
    status = container.exec("cat", "/proc/1/status")
    assert status.returncode == 0, status.stderr
    uids = next(line.split()[1:] for line in status.stdout.splitlines() if line.startswith("Uid:"))
    assert uids == [str(SERVER_UID)] * 4
    cmdline = container.exec("cat", "/proc/1/cmdline").stdout.replace("\0", " ")
    assert "bc-mock" in cmdline
    # and it cannot change the installed package
    write = container.exec("python", "-c", "import bc_mock, pathlib; pathlib.Path(bc_mock.__file__).touch()")
    assert write.returncode != 0


def test_runs_locked_down_read_only_without_capabilities(run_container):
    # what a hardened deployment adds; bc_mock keeps everything in memory and writes no file
    container = run_container("--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges")
    bc = BcClient(container.url, _fresh_tenant(), "v2.0")
    assert bc.post(bc.payments(GENERAL), {"customerNumber": "10000", "amount": -1}).status_code == 201


def test_healthcheck_command_follows_the_port_and_can_fail(image, run_container):
    test = image.config["Healthcheck"]["Test"]
    assert test[0] == "CMD"
    container = run_container("-e", "BC_MOCK_PORT=9090", port=9090)
    assert container.exec(*test[1:]).returncode == 0
    assert container.exec(*test[1:], env={"BC_MOCK_PORT": "9999"}).returncode != 0  # nothing there


def test_serves_a_fixtures_folder_mounted_as_a_volume(run_container, tmp_path):
    folder = _custom_fixtures(tmp_path / "fixtures")
    container = run_container(
        "-v", f"{folder}:/fixtures:ro", "-e", "BC_MOCK_FIXTURES=/fixtures", "-e", "BC_MOCK_REQUIRE_AUTH=1"
    )
    assert requests.get(f"{container.url}/_mock/health", timeout=5).json()["companies"] == 1
    bc = BcClient(container.url, _fresh_tenant(), "v2.0")
    assert bc.get("companies").status_code == 401  # BC_MOCK_REQUIRE_AUTH=1 took effect
    companies = bc.get("companies", headers={"Authorization": "Bearer any-token"})
    assert companies.status_code == 200, companies.text
    assert [company["name"] for company in companies.json()["value"]] == [CUSTOM_COMPANY]


def test_passes_arguments_after_the_image_name_to_bc_mock(run_container):
    container = run_container(command=("--rate-limit", "2/60"))
    bc = BcClient(container.url, _fresh_tenant(), "v2.0")
    assert [bc.get("companies").status_code for _ in range(3)] == [200, 200, 429]


def test_reports_a_broken_fixtures_folder_and_exits(image, tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "bad.json").write_text('{"company": {"id": "not-a-guid"}}')
    folder.chmod(0o755)
    (folder / "bad.json").chmod(0o644)
    result = _docker(
        "run", "--rm", "-v", f"{folder}:/fixtures:ro", "-e", "BC_MOCK_FIXTURES=/fixtures", image.tag,
        timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "bc-mock: error:" in result.stderr and "bad.json" in result.stderr


def test_docker_stop_ends_it_within_two_seconds(run_container, measurements):
    container = run_container()
    started = time.monotonic()
    _docker("stop", "--time", "10", container.id)
    stop_s = time.monotonic() - started
    measurements.add(f"docker stop: {stop_s:.2f} s")
    assert stop_s < STOP_LIMIT_S, container.logs()
    state = json.loads(_docker("inspect", container.id).stdout)[0]["State"]
    assert state["ExitCode"] == 0, f"not a clean exit on SIGTERM: {state}"  # 137 would mean killed


def test_docker_stop_does_not_wait_for_a_slow_request(run_container, measurements):
    container = run_container()
    added = requests.post(f"{container.url}/_mock/faults", json={"path": "*", "delayMs": 8000}, timeout=5)
    assert added.status_code == 201, added.text
    outcome: list = []

    def slow_request() -> None:
        try:
            outcome.append(requests.get(f"{container.url}/api/v2.0/companies", timeout=20).status_code)
        except requests.RequestException as error:
            outcome.append(error)

    client = threading.Thread(target=slow_request)
    client.start()
    time.sleep(0.5)  # the request is now in the fault's delay
    started = time.monotonic()
    _docker("stop", "--time", "10", container.id)
    stop_s = time.monotonic() - started
    client.join(timeout=20)
    measurements.add(f"docker stop with a request in flight: {stop_s:.2f} s")
    assert stop_s < STOP_LIMIT_S, container.logs()
    assert outcome and isinstance(outcome[0], requests.ConnectionError), outcome  # cut off, not answered
    assert json.loads(_docker("inspect", container.id).stdout)[0]["State"]["ExitCode"] == 0


# ---- authentication as BC Online's, over https ---------------------------------------------------

SEED_CLIENT_ID = "a9900001-0000-4000-8000-000000000001"  # the bundled seed's registered application
SEED_CLIENT_SECRET = "bc-mock-test-secret"
BC_SCOPE = "https://api.businesscentral.dynamics.com/.default"


def test_serves_auth_entra_over_tls_with_its_ca_on_a_mounted_folder(
    image, run_container, tmp_path, monkeypatch
):
    import msal

    # requests lets these override the verify= MSAL passes it
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    folder = tmp_path / "ca"
    folder.mkdir()
    folder.chmod(0o777)  # the container's user (10001), not the folder's owner, writes the CA there
    ca = folder / "ca.pem"
    container = run_container(
        "-v", f"{folder}:/ca", command=("--auth", "entra", "--tls", "--tls-ca-out", "/ca/ca.pem"), ca=str(ca)
    )
    assert container.url.startswith("https://127.0.0.1:")
    health = requests.get(f"{container.url}/_mock/health", verify=str(ca), timeout=5).json()
    assert (health["auth"], health["tls"], health["applications"]) == ("entra", True, 1)
    app = msal.ConfidentialClientApplication(
        SEED_CLIENT_ID,
        client_credential=SEED_CLIENT_SECRET,
        authority=f"{container.url}/default",  # the published port: the certificate names 127.0.0.1
        instance_discovery=False,
        verify=str(ca),
    )
    result = app.acquire_token_for_client(scopes=[BC_SCOPE])
    assert "access_token" in result, result
    companies = f"{container.url}/api/v2.0/companies"
    assert requests.get(companies, verify=str(ca), timeout=5).status_code == 401
    headers = {"Authorization": f"Bearer {result['access_token']}"}
    response = requests.get(companies, headers=headers, verify=str(ca), timeout=5)
    assert response.status_code == 200, response.text
    assert [company["name"] for company in response.json()["value"]][:1] == ["CRONUS UK Ltd."]
    # the image's health check finds the https server
    assert container.exec(*image.config["Healthcheck"]["Test"][1:]).returncode == 0


def test_readme_docker_run_with_auth_and_tls_runs_twice(image, tmp_path):
    block = next(b for b in _readme_sh_blocks("## Authenticate as BC Online does") if "docker run" in b)
    tmp_path.chmod(0o755)
    for _ in range(2):
        name = f"bc-mock-test-{uuid.uuid4().hex[:8]}"
        port = _free_port()
        script = (
            block.replace("127.0.0.1:8080:8080", f"127.0.0.1:{port}:8080")
            .replace("https://127.0.0.1:8080", f"https://127.0.0.1:{port}")
            .replace("--name bc-mock", f"--name {name}")
            .replace("docker stop bc-mock", f"docker stop {name}")
            .replace("  bc-mock --auth entra", f"  {image.tag} --auth entra")
        )
        assert name in script and image.tag in script and f":{port}" in script, (
            f"the block changed shape:\n{block}"
        )
        output = _run_block(script, name, tmp_path)
        assert '"name":"CRONUS USA, Inc."' in output


# ---- /_mock through the published port: fault rules and the request journal -------------------


def test_injects_faults_and_records_requests(container):
    tenant = _fresh_tenant()  # the rules match this tenant only, so other tests are not affected
    mock = f"{container.url}/_mock"
    bc = BcClient(container.url, tenant, "v2.0")
    payment = {"customerNumber": "10000", "amount": -7.25}

    added = requests.post(
        f"{mock}/faults",
        json={
            "method": "POST",
            "path": "*/customerPayments*",
            "tenant": tenant,
            "preset": "throttled",
            "times": 1,
        },
        timeout=5,
    )
    assert added.status_code == 201, added.text
    rule_id = added.json()["id"]

    before = bc.get(bc.payments(GENERAL)).json()["value"]
    throttled = bc.post(bc.payments(GENERAL), payment)
    assert throttled.status_code == 429
    assert throttled.headers.get("Retry-After")
    assert throttled.json()["error"]["code"] and throttled.json()["error"]["message"]
    assert bc.get(bc.payments(GENERAL)).json()["value"] == before  # an injected failure writes nothing
    created = bc.post(bc.payments(GENERAL), payment)  # the rule fired its one time
    assert created.status_code == 201, created.text

    rules = requests.get(f"{mock}/faults", params={"tenant": tenant}, timeout=5).json()["value"]
    assert [rule["hits"] for rule in rules if rule["id"] == rule_id] in ([1], [])  # listed until removed

    dropped = requests.post(
        f"{mock}/faults", json=[{"method": "DELETE", "path": "*", "tenant": tenant, "drop": True}], timeout=5
    )
    assert dropped.status_code == 201, dropped.text
    with pytest.raises(requests.ConnectionError):  # no answer at all, through docker's port too
        bc.delete(bc.payments(GENERAL, f"({created.json()['id']})"), etag="*")
    removed = requests.delete(
        f"{mock}/faults/{dropped.json()[0]['id']}", params={"tenant": tenant}, timeout=5
    )
    assert removed.status_code in (200, 204)

    journal = requests.get(
        f"{mock}/requests", params={"method": "POST", "path": "*/customerPayments*"}, timeout=5
    ).json()["value"]
    mine = [entry for entry in journal if f"/{tenant}/" in entry["url"]]
    assert [(entry["status"], entry["fault"]) for entry in mine] == [(429, rule_id), (201, None)]
    for entry in mine:
        assert entry["method"] == "POST"
        assert entry["body"] == payment
        assert entry["path"].startswith(f"/v2.0/{tenant}/production/api/v2.0/companies({USA})")
        assert entry["query"] == {} and entry["batchId"] is None
        assert entry["durationMs"] >= 0 and entry["time"] and entry["id"]
    assert mine[1]["responseBody"]["id"] == created.json()["id"]

    only_429 = requests.get(f"{mock}/requests", params={"status": "429"}, timeout=5).json()["value"]
    assert {entry["status"] for entry in only_429} == {429}
    assert mine[0]["id"] in [entry["id"] for entry in only_429]
    since = requests.get(f"{mock}/requests", params={"since": mine[0]["time"]}, timeout=5).json()["value"]
    assert {mine[0]["id"], mine[1]["id"]} <= {entry["id"] for entry in since}
    future = requests.get(f"{mock}/requests", params={"since": "2999-01-01T00:00:00Z"}, timeout=5)
    assert future.json()["value"] == []


def test_loads_fault_rules_from_a_mounted_file(run_container, tmp_path):
    folder = _faults_file(tmp_path / "config" / "faults.json").parent
    container = run_container("-v", f"{folder}:/config:ro", "-e", "BC_MOCK_FAULTS=/config/faults.json")
    bc = BcClient(container.url, _fresh_tenant(), "v2.0")
    assert bc.get(bc.journals()).status_code == 503
    assert bc.get("companies").status_code == 200
    requests.delete(f"{container.url}/_mock/faults", timeout=5)
    assert bc.get(bc.journals()).status_code == 200
    requests.post(f"{container.url}/_mock/reset", timeout=5)  # a reset puts the file's rules back
    assert bc.get(bc.journals()).status_code == 503


# ---- the pytest plugin against the container (the README's CI example) ------------------------

PLUGIN_TESTS = f"""
import os

import requests

PAYMENTS = "companies({USA})/customerPaymentJournals({GENERAL})/customerPayments"
PAYMENT = {{"customerNumber": "10000", "amount": -5}}


def test_survives_throttling(bc_mock):
    assert not bc_mock.in_process and bc_mock.url == os.environ["EXPECTED_BC_MOCK_URL"]
    bc_mock.faults.add(method="POST", path="*/customerPayments*", preset="throttled", times=1)
    url = f"{{bc_mock.api_url()}}/{{PAYMENTS}}"
    assert requests.post(url, json=PAYMENT).status_code == 429
    assert requests.post(url, json=PAYMENT).status_code == 201
    bc_mock.assert_requested("POST", "*/customerPayments*", times=2)


def test_starts_fresh(bc_mock):
    url = f"{{bc_mock.api_url()}}/{{PAYMENTS}}"
    assert bc_mock.requests() == []
    assert requests.post(url, json=PAYMENT).json()["lineNumber"] == 40000  # no payment from the test above
"""


def test_pytest_plugin_drives_the_container_through_bc_mock_url(container, tmp_path):
    (tmp_path / "test_against_container.py").write_text(PLUGIN_TESTS)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--bc-mock-url={container.url}"],
        cwd=tmp_path, env={**os.environ, "EXPECTED_BC_MOCK_URL": container.url},
        check=False, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout


# ---- the README's container example ---------------------------------------------------------


def _readme_sh_blocks(heading: str) -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, re.DOTALL)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_written(block: str, name: str, image_tag: str) -> tuple[str, str]:
    """The README's block with only what must differ on a shared machine: a free host port (8080
    may be taken), a container name of its own, the image under test. Returns (script, base URL)."""
    port = _free_port()
    script = block.replace("127.0.0.1:8080:8080", f"127.0.0.1:{port}:8080")
    script = script.replace("http://127.0.0.1:8080", f"http://127.0.0.1:{port}")
    script = script.replace("--name bc-mock", f"--name {name}").replace(
        "docker stop bc-mock", f"docker stop {name}"
    )
    script = script.replace("docker build -t bc-mock .", f"docker build -q -t {image_tag} .")
    script = re.sub(r"(?m)(^\s*|-p \S+ )bc-mock\s*$", rf"\g<1>{image_tag}", script)
    assert name in script and image_tag in script and f":{port}" in script, (
        f"the block changed shape:\n{block}"
    )
    return script, f"http://127.0.0.1:{port}"


def _run_block(script: str, name: str, cwd: Path) -> str:
    try:
        done = subprocess.run(
            ["timeout", "120", "bash", "-c", "set -euo pipefail\n" + script],
            cwd=cwd, check=False, capture_output=True, text=True, timeout=150,
        )  # fmt: skip
    finally:
        _docker("rm", "-f", name, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


def test_readme_build_and_run_example_runs_twice(image):
    block = _readme_sh_blocks("## Run it as a container")[0]
    assert block.startswith("docker build -t bc-mock .")
    for _ in range(2):
        name = f"bc-mock-test-{uuid.uuid4().hex[:8]}"
        tag = f"bc-mock:readme-{uuid.uuid4().hex[:8]}"
        script, _ = _as_written(block, name, tag)
        try:
            output = _run_block(script, name, ROOT)  # the build runs in this folder, as the README says
        finally:
            _docker("image", "rm", "-f", tag, check=False)
        assert '"name":"CRONUS USA, Inc."' in output


def test_readme_docker_run_with_fixtures_and_faults_runs_twice(image, tmp_path):
    block = next(b for b in _readme_sh_blocks("## Run it as a container") if "BC_MOCK_FIXTURES" in b)
    _custom_fixtures(tmp_path / "fixtures")  # the user's fixtures, in the folder the command runs in
    tmp_path.chmod(0o755)
    for _ in range(2):
        name = f"bc-mock-test-{uuid.uuid4().hex[:8]}"
        script, _ = _as_written(block, name, image.tag)
        # the faults.json the block writes must be readable by the container's user
        output = _run_block("umask 022\n" + script, name, tmp_path)
        rules = next(json.loads(line) for line in output.splitlines() if line.startswith('{"value"'))["value"]
        assert [(rule["path"], rule["preset"]) for rule in rules] == [("*/customerPayments*", "throttled")]


# ---- Docker's own view of the container -------------------------------------------------------


def test_docker_reports_it_healthy(container):
    # Docker's first check runs one interval (5 s) after the start; the tests above used most of it
    deadline = time.monotonic() + 40
    status = ""
    while time.monotonic() < deadline:
        status = _docker("inspect", "--format", "{{.State.Health.Status}}", container.id).stdout.strip()
        if status == "healthy":
            break
        time.sleep(0.5)
    assert status == "healthy", _docker("inspect", "--format", "{{json .State.Health}}", container.id).stdout
