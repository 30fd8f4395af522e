"""The benchmark: start-up, reset, throughput and scale, each beside its target.

    python -m bc_mock.bench                 # the full run (a few minutes on 2 cores)
    python -m bc_mock.bench --quick         # a shorter run: fewer rounds, no 1M data set
    python -m bc_mock.bench --json out.json # also write the figures as JSON

It prints one table: what was measured, the figure, the target and whether it is met.
Ratios (bc_mock beside a hello-world Flask app served by the same WSGI server) are measured
in the same run, with the two servers' runs interleaved, so that the machine's noise falls
on both; every figure is a median over rounds.

How it measures, so that the load generator does not starve the server on a small machine:

* every server runs in a process of its own (``python -m bc_mock``, the hello-world app,
  or a server holding a generated data set);
* the load comes from another process holding N keep-alive connections, each a thread
  writing prepared request bytes and reading the answer with a minimal parser (a few tens
  of microseconds of client work per request, against hundreds in the server);
* big data sets are built in the server process directly as rows of the store (through
  ``Store.transaction()``), as the seed would hold them, rather than through HTTP.

The benchmark is not a test and does not run in CI; its figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
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


# --- a minimal keep-alive HTTP client -------------------------------------------


class Connection:
    """One keep-alive HTTP/1.1 connection that sends prepared requests (Content-Length answers only)."""

    _LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)

    def __init__(self, port: int):
        self.sock = socket.create_connection((HOST, port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def send(self, raw: bytes) -> tuple[int, bytes]:
        self.sock.sendall(raw)
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end >= 0:
                break
            self._read()
        head = self.buffer[:end]
        match = self._LENGTH.search(head)
        length = int(match.group(1)) if match else 0
        while len(self.buffer) < end + 4 + length:
            self._read()
        body = self.buffer[end + 4 : end + 4 + length]
        self.buffer = self.buffer[end + 4 + length :]
        return int(head[9:12]), body

    def _read(self) -> None:
        chunk = self.sock.recv(262144)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk

    def close(self) -> None:
        self.sock.close()


def request_bytes(method: str, path: str, port: int, body: bytes = b"", headers: dict | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Accept: application/json"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method in ("POST", "PATCH"):
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    connection = Connection(port)
    try:
        return connection.send(request_bytes("GET", path, port, headers=headers))
    finally:
        connection.close()


def timed_requests(connection: Connection, raws: list[bytes], count: int) -> list[float]:
    """Send ``count`` requests one after the other (cycling ``raws``); their latencies in ms."""
    times = []
    for index in range(count):
        started = time.perf_counter()
        status, _ = connection.send(raws[index % len(raws)])
        times.append((time.perf_counter() - started) * 1000)
        if status >= 400:
            raise RuntimeError(f"request answered {status}")
    return times


# --- child processes ------------------------------------------------------------


class Child:
    """A server in a process of its own; its URL is the line it prints when it listens."""

    def __init__(self, argv: list[str], env: dict | None = None):
        # stderr goes to a file: a pipe nobody reads would block the server once it filled up
        self.stderr = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed by stop())
        self.started = time.perf_counter()
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.stderr, text=True, env=env)
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


def _child_json(*args: str, timeout: float = 600) -> dict:
    """Run ``python -m bc_mock.bench <args>`` and read the JSON it prints."""
    done = subprocess.run(
        _python("-m", "bc_mock.bench", *args), capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench {args[0]} failed: {done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the load generator (runs in a process of its own) ----------------------------


def load_main(spec: dict) -> dict:
    """N keep-alive connections, each a thread sending its requests back to back for a while."""
    port, connections = spec["port"], spec["connections"]
    raws = [
        request_bytes(r["method"], r["path"], port, r.get("body", "").encode(), r.get("headers"))
        for r in spec["requests"]
    ]
    latencies: list[list[float]] = [[] for _ in range(connections)]
    failures: list[str] = []
    start_gate = threading.Barrier(connections + 1)
    window = {}

    def worker(index: int) -> None:
        connection = Connection(port)
        samples = latencies[index]
        warm_until = None
        try:
            start_gate.wait()
            warm_until = window["warm_until"]
            end = window["end"]
            sent = index
            while True:
                now = time.perf_counter()
                if now >= end:
                    break
                status, _ = connection.send(raws[sent % len(raws)])
                sent += 1
                done = time.perf_counter()
                if status >= 400:
                    failures.append(f"{status}")
                if now >= warm_until:
                    samples.append((done - now) * 1000)
        except (OSError, ConnectionError) as error:
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    now = time.perf_counter()
    window["warm_until"] = now + spec["warmup"]
    window["end"] = now + spec["warmup"] + spec["duration"]
    start_gate.wait()
    for thread in threads:
        thread.join()
    merged = sorted(sample for samples in latencies for sample in samples)
    return {
        "requests": len(merged),
        "throughput": len(merged) / spec["duration"],
        "p50_ms": _percentile(merged, 50),
        "p99_ms": _percentile(merged, 99),
        "failures": len(failures),
        "first_failure": failures[0] if failures else None,
    }


def _percentile(sorted_values: list[float], percent: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, round(percent / 100 * (len(sorted_values) - 1)))
    return sorted_values[index]


def run_load(port: int, requests: list[dict], connections: int, duration: float, warmup: float) -> dict:
    spec = {
        "port": port,
        "requests": requests,
        "connections": connections,
        "duration": duration,
        "warmup": warmup,
    }
    return _child_json("_load", json.dumps(spec), timeout=duration + warmup + 120)


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
        self.child = Child(_python("-m", "bc_mock.bench", "_scale", str(count)))
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
            _say(f"scale: {count:,} payments")
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


def measure_process_startup(folder: str, rounds: int, threads: int) -> dict:
    """Spawn to first answered request: ``python -m bc_mock`` beside the hello-world app, interleaved."""
    mock_times, hello_times = [], []
    for _ in range(rounds):
        for argv, path, times in (
            (bc_mock_argv(), "/api/v2.0/companies", mock_times),
            (hello_argv(folder, threads), "/", hello_times),
        ):
            child = Child(argv)
            try:
                status, _ = get(child.port, path)
                times.append((time.perf_counter() - child.started) * 1000)
                assert status == 200, status
            finally:
                child.stop()
    return {"bc_mock_ms": statistics.median(mock_times), "hello_ms": statistics.median(hello_times)}


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


# --- the table ------------------------------------------------------------------------


@dataclass
class Row:
    what: str
    figure: str
    target: str = ""
    met: bool | None = None
    extra: dict = field(default_factory=dict)


def _fmt_ms(value: float) -> str:
    return f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"


def print_table(rows: list[Row]) -> str:
    header = ("Measure", "Figure", "Target", "Met")
    cells = [(r.what, r.figure, r.target, "" if r.met is None else ("yes" if r.met else "NO")) for r in rows]
    widths = [max(len(c[i]) for c in [header, *cells]) for i in range(4)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(cell, widths)) + " |" for cell in cells]
    return "\n".join(lines)


def build_rows(figures: dict) -> list[Row]:
    rows: list[Row] = []
    inproc = figures.get("in_process")
    if inproc:
        start = inproc["first_start_ms"]
        rows.append(
            Row("In-process start: MockServer start to first answer", _fmt_ms(start), "<= 50 ms", start <= 50)
        )
        rows.append(
            Row("  (importing bc_mock's modules first, once per process)", _fmt_ms(inproc["import_ms"]))
        )
    process = figures.get("process_startup")
    if process:
        ratio = process["bc_mock_ms"] / process["hello_ms"]
        rows.append(
            Row(
                "Process start: bc-mock spawn to first answer",
                f"{_fmt_ms(process['bc_mock_ms'])} = {ratio:.2f}x hello-world ({_fmt_ms(process['hello_ms'])})",
                "<= 1.5x",
                ratio <= 1.5,
            )
        )
    if "http_reset" in figures:
        value = figures["http_reset"]["http_reset_ms"]
        rows.append(
            Row("Reset: POST /_mock/reset (bundled seed, round trip)", _fmt_ms(value), "<= 5 ms", value <= 5)
        )
    if inproc:
        value = inproc["fixture_reset_ms"]
        rows.append(
            Row("Reset: pytest fixture's per-test reset (in-process)", _fmt_ms(value), "<= 5 ms", value <= 5)
        )
        rows.append(
            Row(
                "  (reset, then the first request, which builds the fresh data)",
                _fmt_ms(inproc["fixture_reset_and_read_ms"]),
            )
        )
    load = figures.get("throughput")
    if load:
        hello = load["hello-world"]
        rows.append(
            Row(
                f"Throughput: hello-world Flask app on waitress ({figures['connections']} connections)",
                f"{hello['throughput']:.0f} req/s, p50 {_fmt_ms(hello['p50_ms'])}, p99 {_fmt_ms(hello['p99_ms'])}",
            )
        )
        for name in ENDPOINTS:
            result = load[name]
            ratio = result["throughput"] / hello["throughput"]
            target, met = ("", None)
            if name == "GET journal by id":
                target, met = ">= 0.7x hello-world", ratio >= 0.7
            failures = f", {result['failures']} failed" if result["failures"] else ""
            rows.append(
                Row(
                    f"Throughput: {name}",
                    f"{result['throughput']:.0f} req/s = {ratio:.2f}x, p50 {_fmt_ms(result['p50_ms'])}, "
                    f"p99 {_fmt_ms(result['p99_ms'])}{failures}",
                    target,
                    met,
                )
            )
    scale = figures.get("scale")
    if scale:
        by_count = {entry["payments"]: entry for entry in scale}
        for count, entry in sorted(by_count.items()):
            if count < 10_000:
                continue
            target, met = ("<= 200 ms", entry["filtered_page_ms"] <= 200) if count == 100_000 else ("", None)
            rows.append(
                Row(
                    f"Scale: filtered first page ({SCALE_PAGE}) over {count:,} payments",
                    _fmt_ms(entry["filtered_page_ms"]),
                    target,
                    met,
                )
            )
        small, big = min(by_count), max(by_count)
        # both timed in the same alternating rounds (see measure_scale)
        big_ms, small_ms = by_count[big]["get_by_id_ms"], by_count[big]["baseline_get_by_id_ms"]
        ratio = big_ms / small_ms
        rows.append(
            Row(
                f"Scale: GET payment by id at {big:,} vs {small:,} records",
                f"{_fmt_ms(big_ms)} vs {_fmt_ms(small_ms)} = {ratio:.2f}x",
                "<= 1.5x",
                ratio <= 1.5,
            )
        )
        base = by_count[small]
        per_100k = (by_count[big]["rss_mb"] - base["rss_mb"]) / ((big - small) / 100_000)
        rows.append(
            Row(
                f"Scale: resident memory per 100k payments (at {big:,})",
                f"{per_100k:.0f} MB ({by_count[big]['rss_mb']:.0f} MB in all)",
                "<= 150 MB",
                per_100k <= 150,
            )
        )
    flat = figures.get("memory_flat")
    if flat:
        rows.append(
            Row(
                f"Memory across {flat['requests']:,} requests, journal full",
                f"{flat['max_change_pct']:+.1f}% at most ({flat['rss_samples_mb'][0]:.0f} -> "
                f"{flat['rss_samples_mb'][-1]:.0f} MB)",
                "within 10%",
                flat["max_change_pct"] <= 10,
            )
        )
    return rows


SECTIONS = ("startup", "reset", "throughput", "scale", "memory")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_load":
        print(json.dumps(load_main(json.loads(argv[1]))))
        return 0
    if argv and argv[0] == "_inprocess":
        print(json.dumps(inprocess_main(int(argv[1]))))
        return 0
    if argv and argv[0] == "_scale":
        scale_server_main(int(argv[1]))
        return 0
    parser = argparse.ArgumentParser(
        prog="python -m bc_mock.bench",
        description="Measure bc_mock's start-up, reset, throughput and scale against its targets "
        "and print a table (a few minutes on 2 cores; --quick for a shorter run).",
    )
    parser.add_argument("--quick", action="store_true", help="fewer rounds, shorter runs, no 1M data set")
    parser.add_argument("--json", metavar="PATH", help="also write the figures to this JSON file")
    parser.add_argument(
        "--connections", type=int, default=8, help="concurrent keep-alive connections (default 8)"
    )
    parser.add_argument("--threads", type=int, default=8, help="server worker threads, both apps (default 8)")
    parser.add_argument(
        "--only", nargs="+", choices=SECTIONS, default=list(SECTIONS), help="run only these sections"
    )
    args = parser.parse_args(argv)
    quick = args.quick
    figures: dict = {"quick": quick, "connections": args.connections, "threads": args.threads}
    figures["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0], "load": os.getloadavg()}
    with tempfile.TemporaryDirectory() as folder:
        if "startup" in args.only:
            _say("start-up")
            figures["in_process"] = _child_json("_inprocess", "3")
            figures["process_startup"] = measure_process_startup(folder, 3 if quick else 7, args.threads)
        if "reset" in args.only:
            _say("reset")
            figures["http_reset"] = measure_http_reset(100 if quick else 500)
            if "in_process" not in figures:
                figures["in_process"] = _child_json("_inprocess", "2")
        if "throughput" in args.only:
            _say("throughput")
            rounds, duration = (1, 1.5) if quick else (5, 2.0)
            figures["throughput"] = measure_throughput(
                folder, rounds, args.connections, duration, args.threads
            )
        if "scale" in args.only:
            counts = (1_000, 10_000, 100_000) if quick else (1_000, 10_000, 100_000, 1_000_000)
            figures["scale"] = measure_scale(counts, quick)
        if "memory" in args.only:
            _say("memory across requests")
            figures["memory_flat"] = measure_memory_flat(20_000 if quick else 100_000, args.connections)
    figures["machine"]["load_after"] = os.getloadavg()
    rows = build_rows(figures)
    figures["table"] = [row.__dict__ for row in rows]
    print(print_table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, default=str) + "\n")
    return 0


def _say(what: str) -> None:
    print(f"... {what}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
