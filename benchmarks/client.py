"""The load client: raw HTTP/1.1 over keep-alive sockets, cheap enough not to starve the server.

A request is prepared once as bytes (``request_bytes``) and written as is; the answer is read
with a minimal parser (Content-Length answers only). ``load_main`` is the load generator: it
runs in a process of its own (``python -m benchmarks _load``), N connections, each a thread
sending its requests back to back for a while, and reports throughput and latency percentiles.
"""

from __future__ import annotations

import re
import socket
import threading
import time

HOST = "127.0.0.1"


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
        "p50_ms": percentile(merged, 50),
        "p99_ms": percentile(merged, 99),
        "failures": len(failures),
        "first_failure": failures[0] if failures else None,
    }


def percentile(sorted_values: list[float], percent: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, round(percent / 100 * (len(sorted_values) - 1)))
    return sorted_values[index]
