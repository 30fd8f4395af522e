"""What is measured: start-up, reset, throughput, scale, memory and the dashboard, each in servers
of their own.

Every server runs in a process of its own (``Child``): ``python -m bc_mock``, the hello-world
Flask app (``HELLO_APP``, served by waitress as bc-mock is), or a server holding a generated
data set (``python -m benchmarks _scale N``; ``ScaleServer`` drives it). The load comes from
yet another process (``python -m benchmarks _load``, see ``benchmarks.client.load_main``).

Big data sets are built in the server's process with bc_mock's public API for large data,
``bc_mock.seed.add_seed_records``, as rows of the seed, rather than through HTTP.
"""

from __future__ import annotations

import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.client import HOST, Connection, get, request_bytes, timed_requests

# the project's root: ``python -m benchmarks`` is found there by the child processes
ROOT = Path(__file__).resolve().parent.parent

USA = "c0a00001-0000-4000-8000-000000000001"
GENERAL = "da000001-0000-4000-8000-000000000001"
BANK = "da000001-0000-4000-8000-000000000002"
JOURNAL_BY_ID = f"/api/v2.0/companies({USA})/customerPaymentJournals({GENERAL})"
FILTERED_LIST = (
    f"/api/v2.0/companies({USA})/customerPayments?$filter=journalId%20eq%20{GENERAL}%20and%20amount%20lt%200"
)
PAYMENTS = f"/api/v2.0/companies({USA})/customerPaymentJournals({GENERAL})/customerPayments"
PAYMENT_BODY = b'{"customerNumber":"10000","amount":-125.5,"description":"bench"}'

# the first page of a filtered list over a big journal: a page of 100, as a client that sends
# Prefer: odata.maxpagesize=100 gets it (the filter matches about one record in ten)
SCALE_FILTER = "/customerPayments?$filter=customerNumber%20eq%20'20000'%20and%20amount%20lt%20-500"
SCALE_PAGE = 100

# served as bc-mock is: waitress, the same number of threads, the same logging
HELLO_APP = """\
import logging
import sys
from flask import Flask
from waitress import create_server

logging.getLogger("waitress.queue").setLevel(logging.ERROR)
app = Flask("hello")


@app.get("/")
def hello():
    return "Hello, World!"


server = create_server(app, host="127.0.0.1", port=0, threads=int(sys.argv[1]))
print(f"hello listening on http://127.0.0.1:{server.effective_port}", flush=True)
server.run()
"""


# --- child processes ------------------------------------------------------------


class Child:
    """A server in a process of its own; its URL is the line it prints when it listens."""

    def __init__(self, argv: list[str], env: dict | None = None, cwd: Path | None = None):
        # stderr goes to a file: a pipe nobody reads would block the server once it filled up
        self.stderr = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed by stop())
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=self.stderr, text=True, env=env, cwd=cwd
        )
        line = self.process.stdout.readline()
        if "listening on" not in line:
            self.stop()
            self.stderr.seek(0)
            raise RuntimeError(f"{' '.join(argv)} did not start: {line}{self.stderr.read()[-3000:]}")
        self.url = line.split("listening on ", 1)[1].split()[0]
        self.port = int(self.url.rsplit(":", 1)[1])
        self.listening = time.perf_counter()

    def rss_mb(self) -> float:
        return rss_mb(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self.stderr.seek(0)
        self.last_stderr = self.stderr.read()[-3000:]
        self.stderr.close()


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory in MB (Linux; NaN elsewhere)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return float("nan")
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else float("nan")


def _python(*args: str) -> list[str]:
    return [sys.executable, *args]


def bc_mock_argv(*options: str) -> list[str]:
    return _python("-m", "bc_mock", "--port", "0", *options)


def hello_argv(folder: str, threads: int) -> list[str]:
    script = Path(folder) / "hello_app.py"
    if not script.exists():
        script.write_text(HELLO_APP)
    return _python(str(script), str(threads))


def benchmarks_argv(*args: str) -> list[str]:
    """``python -m benchmarks <args>``: one of the benchmark's hidden subcommands (run from ROOT)."""
    return _python("-m", "benchmarks", *args)


def child_json(*args: str, timeout: float = 600) -> dict:
    """Run ``python -m benchmarks <args>`` and read the JSON it prints."""
    done = subprocess.run(
        benchmarks_argv(*args), capture_output=True, text=True, timeout=timeout, check=False, cwd=ROOT
    )
    if done.returncode != 0:
        raise RuntimeError(f"benchmarks {args[0]} failed: {done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_load(port: int, requests: list[dict], connections: int, duration: float, warmup: float) -> dict:
    spec = {
        "port": port,
        "requests": requests,
        "connections": connections,
        "duration": duration,
        "warmup": warmup,
    }
    return child_json("_load", json.dumps(spec), timeout=duration + warmup + 120)


# --- in-process start-up and reset (runs in a process of its own) ------------------


def inprocess_main(rounds: int) -> dict:
    """MockServer start to its first answer, with bc_mock's modules imported; then reset."""
    started = time.perf_counter()
    import bc_mock.app  # noqa: F401  (Flask, marshmallow, the registry)
    from bc_mock.server import MockServer

    imported = time.perf_counter()
    starts = []
    mocks = []
    for _ in range(rounds):
        begin = time.perf_counter()
        mock = MockServer().start()
        status, _ = get(
            int(mock.url.rsplit(":", 1)[1]), f"/api/v2.0/companies({USA})/customerPaymentJournals"
        )
        starts.append((time.perf_counter() - begin) * 1000)
        assert status == 200, status
        mocks.append(mock)
    mock = mocks[0]
    for other in mocks[1:]:
        other.stop()
    # the pytest fixture's per-test reset (an in-process MockServer: MockServer.reset())
    port = int(mock.url.rsplit(":", 1)[1])
    connection = Connection(port)
    first_read = request_bytes("GET", JOURNAL_BY_ID, port)
    resets, reset_then_read = [], []
    for _ in range(300):
        connection.send(request_bytes("POST", PAYMENTS, port, PAYMENT_BODY))  # something to undo
        begin = time.perf_counter()
        mock.reset()
        resets.append((time.perf_counter() - begin) * 1000)
        # the next request pays for the fresh namespace (a lazy copy of the seed)
        status, _ = connection.send(first_read)
        reset_then_read.append((time.perf_counter() - begin) * 1000)
    connection.close()
    mock.stop()
    return {
        "import_ms": (imported - started) * 1000,
        "first_start_ms": starts[0],
        "later_start_ms": statistics.median(starts[1:]) if len(starts) > 1 else None,
        "fixture_reset_ms": statistics.median(resets),
        "fixture_reset_and_read_ms": statistics.median(reset_then_read),
    }


# --- scale: a server holding a generated data set ---------------------------------


def payment_id(index: int) -> str:
    return f"b0000000-0000-4000-8000-{index:012d}"


def build_payments(store, count: int) -> None:
    """``count`` payments in the USA company's BANK journal, as the payment rules would store them."""
    import datetime as dt
    from decimal import Decimal

    from bc_mock.seed import add_seed_records

    company = store.seed_company(USA)
    journal = company.tables["customerPaymentJournals"][BANK].data
    customers = sorted(company.tables["customers"].values(), key=lambda row: row.data["number"])
    base_day = dt.date(2026, 1, 1).toordinal()
    rng = random.Random(7)

    def payments():
        for index in range(count):
            customer = customers[index % len(customers)].data
            yield {
                "id": payment_id(index),
                "journalId": journal["id"],
                "journalDisplayName": journal["code"],
                "lineNumber": (index + 100) * 10000,
                "customerId": customer["id"],
                "customerNumber": customer["number"],
                "postingDate": dt.date.fromordinal(base_day + index % 90),
                "documentNumber": f"G{index + 100:07d}",
                "amount": Decimal(-rng.randint(100, 100_000)) / 100,
                "description": customer["displayName"],
                "lastModifiedDateTime": dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)
                + dt.timedelta(seconds=index),
            }

    add_seed_records(store, USA, "customerPayments", payments())


def scale_server_main(count: int) -> None:
    import gc

    from waitress import create_server

    from bc_mock.app import create_app
    from bc_mock.config import Settings
    from bc_mock.seed import load_store

    store = load_store()
    began = time.perf_counter()
    build_payments(store, count)
    built = time.perf_counter() - began
    gc.collect()
    app = create_app(Settings(port=0), store=store)
    server = create_server(app, host=HOST, port=0, threads=8)
    print(f"scale listening on http://{HOST}:{server.effective_port} built={built:.2f}s", flush=True)
    server.run()


class ScaleServer:
    """A server holding ``count`` generated payments in one journal, and requests against it."""

    def __init__(self, count: int):
        self.count = count
        self.child = Child(benchmarks_argv("_scale", str(count)), cwd=ROOT)
        self.port = port = self.child.port
        self.journal = f"/api/v2.0/companies({USA})/customerPaymentJournals({BANK})"
        self.connection = Connection(port)
        begin = time.perf_counter()
        status, _ = self.connection.send(request_bytes("GET", self.journal, port))  # the namespace
        self.first_ms = (time.perf_counter() - begin) * 1000
        assert status == 200, status
        self.rss_mb = self.child.rss_mb()
        rng = random.Random(11)
        ids = [payment_id(rng.randrange(count)) for _ in range(200)]
        self.by_id = [request_bytes("GET", f"{self.journal}/customerPayments({i})", port) for i in ids]
        timed_requests(self.connection, self.by_id, 200)  # warm-up

    def filtered_page_ms(self, rounds: int) -> float:
        page = request_bytes(
            "GET",
            self.journal + SCALE_FILTER,
            self.port,
            headers={"Prefer": f"odata.maxpagesize={SCALE_PAGE}"},
        )
        status, body = self.connection.send(page)
        assert status == 200 and 0 < len(json.loads(body)["value"]) <= SCALE_PAGE, (status, body[:300])
        return statistics.median(timed_requests(self.connection, [page], rounds))

    def stop(self) -> None:
        self.connection.close()
        self.child.stop()


def measure_scale(counts: tuple[int, ...], quick: bool) -> list[dict]:
    """Each data set's figures; GET by id timed in rounds alternating with the smallest set's server,
    which stays up for the comparison, so that the machine's noise falls on both."""
    baseline = ScaleServer(counts[0])
    results = []
    try:
        for count in counts:
            say(f"scale: {count:,} payments")
            server = baseline if count == counts[0] else ScaleServer(count)
            try:
                page_rounds = 3 if count >= 1_000_000 else (5 if quick else 15)
                page_ms = server.filtered_page_ms(page_rounds)
                mine, base = [], []
                for _ in range(3 if quick else 6):
                    mine += timed_requests(server.connection, server.by_id, 500)
                    base += timed_requests(baseline.connection, baseline.by_id, 500)
                results.append(
                    {
                        "payments": count,
                        "first_request_ms": server.first_ms,
                        "filtered_page_ms": page_ms,
                        "get_by_id_ms": statistics.median(mine),
                        "baseline_get_by_id_ms": statistics.median(base),
                        "rss_mb": server.rss_mb,
                        "rss_after_mb": server.child.rss_mb(),
                    }
                )
            finally:
                if server is not baseline:
                    server.stop()
    finally:
        baseline.stop()
    return results


# --- the measurements ---------------------------------------------------------------


def _bytecode_env(cache: str, write: bool) -> dict:
    """The environment of a spawned server whose compiled modules live in ``cache`` (an empty
    folder: every module compiled from source; ``write``: kept there for the next start)."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache
    if not write:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _spawn_to_first_answer(rounds: int, servers: list[tuple[list[str], str, list[float]]], env: dict) -> None:
    for _ in range(rounds):
        for argv, path, times in servers:
            child = Child(argv, env=env)
            try:
                status, _ = get(child.port, path)
                times.append((time.perf_counter() - child.started) * 1000)
                assert status == 200, status
            finally:
                child.stop()


def measure_process_startup(folder: str, rounds: int, threads: int) -> dict:
    """Spawn to first answered request: ``python -m bc_mock`` beside the hello-world app, interleaved,
    both as installed (modules compiled once, as pip and any first run leave them) and both
    compiled from source at every start. Each case gives both the same bytecode cache (a folder of
    its own, PYTHONPYCACHEPREFIX), so neither is measured with a cache the other lacks."""
    figures = {}
    with tempfile.TemporaryDirectory() as cached, tempfile.TemporaryDirectory() as empty:
        cases = (("", _bytecode_env(cached, write=True)), ("source_", _bytecode_env(empty, write=False)))
        for case, env in cases:
            mock_times: list[float] = []
            hello_times: list[float] = []
            servers = [
                (bc_mock_argv(), "/api/v2.0/companies", mock_times),
                (hello_argv(folder, threads), "/", hello_times),
            ]
            if not case:
                _spawn_to_first_answer(1, servers, env)  # compiles both into the cache
                mock_times.clear()
                hello_times.clear()
            _spawn_to_first_answer(rounds, servers, env)
            figures[f"{case}bc_mock_ms"] = statistics.median(mock_times)
            figures[f"{case}hello_ms"] = statistics.median(hello_times)
    return figures


def measure_http_reset(rounds: int) -> dict:
    child = Child(bc_mock_argv())
    try:
        port = child.port
        connection = Connection(port)
        reset = request_bytes("POST", "/_mock/reset", port)
        post = request_bytes("POST", PAYMENTS, port, PAYMENT_BODY)
        times = []
        for _ in range(rounds):
            connection.send(post)  # something to undo
            times += timed_requests(connection, [reset], 1)
        connection.close()
        return {"http_reset_ms": statistics.median(times)}
    finally:
        child.stop()


ENDPOINTS = {
    "GET journal by id": [{"method": "GET", "path": JOURNAL_BY_ID}],
    "GET filtered list": [{"method": "GET", "path": FILTERED_LIST}],
    "POST payment": [{"method": "POST", "path": PAYMENTS, "body": PAYMENT_BODY.decode()}],
}


def measure_throughput(folder: str, rounds: int, connections: int, duration: float, threads: int) -> dict:
    """Each endpoint beside the hello-world app, in interleaved rounds; medians over rounds."""
    results: dict[str, list[dict]] = {"hello-world": [], **{name: [] for name in ENDPOINTS}}
    warmup = min(1.0, duration / 2)
    for _ in range(rounds):
        hello = Child(hello_argv(folder, threads))
        try:
            results["hello-world"].append(
                run_load(hello.port, [{"method": "GET", "path": "/"}], connections, duration, warmup)
            )
        finally:
            hello.stop()
        mock = Child(bc_mock_argv("--threads", str(threads)))
        try:
            for name, requests in ENDPOINTS.items():
                reset_over_http(mock.port)  # each endpoint starts from the seed
                results[name].append(run_load(mock.port, requests, connections, duration, warmup))
        finally:
            mock.stop()
    summary = {}
    for name, runs in results.items():
        summary[name] = {
            "throughput": statistics.median(r["throughput"] for r in runs),
            "p50_ms": statistics.median(r["p50_ms"] for r in runs),
            "p99_ms": statistics.median(r["p99_ms"] for r in runs),
            "failures": sum(r["failures"] for r in runs),
            "rounds": [round(r["throughput"]) for r in runs],
        }
    return summary


def reset_over_http(port: int) -> None:
    connection = Connection(port)
    try:
        connection.send(request_bytes("POST", "/_mock/reset", port))
    finally:
        connection.close()


def measure_memory_flat(total: int, connections: int) -> dict:
    """Resident memory across ``total`` requests once the journal (kept at 1,000 entries) is full."""
    child = Child(bc_mock_argv("--journal-size", "1000"))
    try:
        port = child.port
        requests = [{"method": "GET", "path": JOURNAL_BY_ID}, {"method": "GET", "path": FILTERED_LIST}]
        warm = run_load(port, requests, connections, 2.0, 0.5)  # fills the journal, warms every path
        samples = [child.rss_mb()]
        steps = 5
        step_seconds = max(1.0, total / steps / max(warm["throughput"], 1.0))
        sent = 0
        while sent < total:
            sent += run_load(port, requests, connections, step_seconds, 0)["requests"]
            samples.append(child.rss_mb())
        base = samples[0]
        return {
            "requests": sent,
            "rss_samples_mb": [round(s, 1) for s in samples],
            "max_change_pct": max(abs(s - base) for s in samples) / base * 100,
        }
    finally:
        child.stop()


# --- a noisy neighbour: one tenant's latency while another misbehaves --------------------------

QUIET_TENANT = "quiet"
# a large body, as large as a $batch of 100 operations with long texts gets: 1 MB (a 4 MB body
# holds the interpreter lock about 10 ms while it is parsed, which a neighbour then waits for)
LARGE_BODY = 1024 * 1024
NOISY_TENANT = "noisy"
QUIET_GET = f"/v2.0/{QUIET_TENANT}/production/api/v2.0/companies({USA})/customerPaymentJournals({GENERAL})"


class Noise:
    """What a noisy tenant does, from threads of this process: requests that a fault rule
    delays by 500 ms (more of them than the server has threads), POSTs of 1 MB bodies, and
    slow clients that trickle their request line a byte at a time."""

    def __init__(self, port: int, delayed: int = 16, large: int = 2, slow: int = 50):
        import threading

        self.port = port
        self.stop = threading.Event()
        self.counts = {"delayed": 0, "large": 0, "slow bytes": 0}
        rule = json.dumps({"tenant": NOISY_TENANT, "method": "GET", "path": "*", "delayMs": 500}).encode()
        status, body = Connection(port).send(request_bytes("POST", "/_mock/faults", port, rule))
        assert status == 201, body
        self.threads = [threading.Thread(target=self._delayed, daemon=True) for _ in range(delayed)]
        self.threads += [threading.Thread(target=self._large, daemon=True) for _ in range(large)]
        self.threads += [threading.Thread(target=self._slow, daemon=True) for _ in range(slow)]

    def __enter__(self) -> Noise:
        for thread in self.threads:
            thread.start()
        time.sleep(1.0)  # the noise is in full swing
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=5)

    def _delayed(self) -> None:
        raw = request_bytes("GET", QUIET_GET.replace(QUIET_TENANT, NOISY_TENANT, 1), self.port)
        connection = Connection(self.port)
        try:
            while not self.stop.is_set():
                connection.send(raw)
                self.counts["delayed"] += 1
        finally:
            connection.close()

    def _large(self) -> None:
        journals = f"/v2.0/{NOISY_TENANT}/production/api/v2.0/companies({USA})/customerPaymentJournals"
        body = b'{"code": "BIG", "displayName": "' + b"x" * LARGE_BODY + b'"}'
        raw = request_bytes("POST", journals, self.port, body)
        connection = Connection(self.port)
        try:
            while not self.stop.is_set():
                connection.send(raw)  # refused (too long a name), after being read and parsed
                self.counts["large"] += 1
        finally:
            connection.close()

    def _slow(self) -> None:
        import socket

        line = f"GET {QUIET_GET} HTTP/1.1\r\nHost: {HOST}\r\n".encode()
        while not self.stop.is_set():
            with socket.create_connection((HOST, self.port), timeout=30) as client:
                for byte in line:
                    if self.stop.wait(0.1):
                        return
                    client.sendall(bytes([byte]))
                    self.counts["slow bytes"] += 1


def measure_noisy_neighbour(rounds: int, duration: float) -> dict:
    """A quiet tenant's GET latency alone and beside a noisy tenant, in alternating rounds."""
    child = Child(bc_mock_argv())
    try:
        quiet = [{"method": "GET", "path": QUIET_GET}]
        alone, beside, noise_counts = [], [], []
        for _ in range(rounds):
            alone.append(run_load(child.port, quiet, 2, duration, 0.5))
            with Noise(child.port) as noise:
                beside.append(run_load(child.port, quiet, 2, duration, 0.5))
                noise_counts.append(dict(noise.counts))
            reset_over_http(child.port)
        return {
            "alone_p99_ms": statistics.median(r["p99_ms"] for r in alone),
            "beside_p99_ms": statistics.median(r["p99_ms"] for r in beside),
            "alone_p50_ms": statistics.median(r["p50_ms"] for r in alone),
            "beside_p50_ms": statistics.median(r["p50_ms"] for r in beside),
            "failures": sum(r["failures"] for r in alone + beside),
            "noise": noise_counts,
        }
    finally:
        child.stop()


# --- the dashboard: its first screen over a full journal, in a real browser ----------------------

DASHBOARD_ENTRIES = 10_000  # the journal's default size: a full journal
FIRST_ROWS = "bc_mock:first-rows"  # the mark the page sets when its requests table shows its rows
DASHBOARD_LIST = "/_mock/requests?summary=true&limit=100"  # what the page asks for first


def headless_chromium():
    """A selenium driver of headless Chromium, or None (and why) where there is none."""
    import os
    import shutil

    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        return None, "selenium is not installed (pip install -e '.[test]')"
    browser = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        return None, "Chromium or chromedriver is not installed (apt-get install chromium chromium-driver)"
    options = Options()
    options.binary_location = browser
    for argument in ("--headless=new", "--window-size=1440,900", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")
    return webdriver.Chrome(options=options, service=Service(executable_path=driver)), ""


def measure_dashboard(entries: int, runs: int) -> dict:
    """/_mock/ opened in headless Chromium with ``entries`` requests in the journal: the time from
    the navigation's start to the mark the page sets once its requests table shows its first rows
    (the Performance API's clock), for ``runs`` loads one after the other (the first with the
    browser's cache empty); and the server's time for the list the page asks for first."""
    child = Child(bc_mock_argv())
    driver = None
    try:
        connection = Connection(child.port)
        raws = [request_bytes("GET", f"{JOURNAL_BY_ID}?n={n}", child.port) for n in range(100)]
        timed_requests(connection, raws, entries)
        status, body = connection.send(request_bytes("GET", "/_mock/health", child.port))
        held = json.loads(body)["journal"]["entries"]
        assert status == 200 and held == entries, (status, held)
        listed = statistics.median(
            timed_requests(connection, [request_bytes("GET", DASHBOARD_LIST, child.port)], 50)
        )
        connection.close()
        driver, why = headless_chromium()
        if driver is None:
            return {"skipped": why, "list_ms": listed, "entries": held}
        loads, rows = [], 0
        for _ in range(runs):
            driver.get("about:blank")
            driver.get(f"{child.url}/_mock/")
            deadline = time.monotonic() + 30
            script = f"return performance.getEntriesByName('{FIRST_ROWS}').map(mark => mark.startTime)[0]"
            while (shown := driver.execute_script(script)) is None:
                if time.monotonic() > deadline:
                    raise RuntimeError("the dashboard did not show its first rows within 30 s")
                time.sleep(0.01)
            loads.append(shown)
            rows = driver.execute_script("return document.querySelectorAll('#requests-body tr').length")
        return {
            "entries": held,
            "first_screen_ms": statistics.median(loads),
            "first_load_ms": loads[0],
            "loads_ms": [round(load, 1) for load in loads],
            "rows_drawn": rows,
            "list_ms": listed,
        }
    finally:
        if driver is not None:
            driver.quit()
        child.stop()


def say(what: str) -> None:
    print(f"... {what}", file=sys.stderr, flush=True)
