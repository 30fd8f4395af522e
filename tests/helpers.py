"""Test helpers: start the real server, and a thin BC client over requests."""

from __future__ import annotations

import difflib
import http.server
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

import requests

# ids of the bundled seed (see README, "The bundled seed")
USA = "c0a00001-0000-4000-8000-000000000001"
UK = "c0a00002-0000-4000-8000-000000000002"
GENERAL = "da000001-0000-4000-8000-000000000001"  # USA journal without balancing account
BANK = "da000001-0000-4000-8000-000000000002"  # USA journal balanced on account 10100
BLANK = "00000000-0000-0000-0000-000000000000"


def account(number: int, company: int = 1) -> str:
    return f"acc0000{company}-0000-4000-8000-{number:012d}"


def customer(number: int, company: int = 1) -> str:
    return f"c500000{company}-0000-4000-8000-{number:012d}"


def invoice(number: int, company: int = 1) -> str:
    return f"1f00000{company}-0000-4000-8000-{number:012d}"


def payment(journal: int, line: int, company: int = 1) -> str:
    return f"ba00000{company}-0000-4000-8000-{journal * 10**7 + line:012d}"


BC_MOCK = (sys.executable, "-m", "bc_mock")
LISTENING = "bc-mock listening on "


class Server:
    """A started process: bc-mock (or any command that announces itself like it) and its output.

    Two reader threads drain stdout and stderr while it runs (so a chatty server never blocks on
    a full pipe); ``stdout`` and ``stderr`` hold what it wrote so far, all of it once stopped.
    """

    def __init__(self, process: subprocess.Popen):
        self.process = process
        self.url = ""
        self.line = ""  # the start-up line, without its newline
        self._out: list[str] = []
        self._err: list[str] = []
        self._first: queue.Queue[str] = queue.Queue()
        self._readers = [
            threading.Thread(target=self._read, args=(process.stdout, self._out, True), daemon=True),
            threading.Thread(target=self._read, args=(process.stderr, self._err, False), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream, into: list[str], announce: bool) -> None:
        for line in stream:
            into.append(line)
            if announce and len(into) == 1:
                self._first.put(line)
        if announce and not into:
            self._first.put("")  # the end of stdout before any line
        stream.close()

    @property
    def stdout(self) -> str:
        return "".join(self._out)

    @property
    def stderr(self) -> str:
        return "".join(self._err)

    @property
    def returncode(self) -> int | None:
        return self.process.poll()

    def wait_started(self, timeout: float) -> Server:
        """Wait at most ``timeout`` seconds for the start-up line; ServerDidNotStart otherwise."""
        deadline = time.monotonic() + timeout
        try:
            line = self._first.get(timeout=timeout)
        except queue.Empty:
            self._end(deadline)
            raise ServerDidNotStart(self, f"no start-up line within {timeout} s", timed_out=True) from None
        if not line.startswith(LISTENING):
            self._end(deadline)  # a failed start-up: let it exit by itself, for its exit code
            reason = f"its first line is {line!r}" if line else "its stdout ended with no line"
            raise ServerDidNotStart(self, reason)
        self.line = line.rstrip("\n")
        self.url = self.line[len(LISTENING) :].strip()
        return self

    def _end(self, deadline: float) -> None:
        try:
            self.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._join()

    def _join(self) -> None:
        for reader in self._readers:
            reader.join(timeout=5)

    def stop(self, timeout: float = 10) -> int:
        """Terminate it (killed if it does not end within ``timeout`` s); its exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._join()
        return self.process.returncode


class ServerDidNotStart(RuntimeError):
    """The process did not print the start-up line (in time, or at all); it is stopped, its output
    is kept."""

    def __init__(self, server: Server, reason: str, timed_out: bool = False):
        self.server = server
        self.timed_out = timed_out
        super().__init__(
            f"bc-mock did not start ({reason}); exit code {server.returncode}; "
            f"stdout: {server.stdout!r}; stderr: {server.stderr!r}"
        )


def launch_server(
    *args: str,
    env: dict | None = None,
    inherit_env: bool = True,
    command: Sequence[str] | None = None,
    cwd=None,
    timeout: float = 20,
) -> Server:
    """Start ``command`` (by default `python -m bc_mock --port 0`) with ``args``; wait for it to listen.

    ``env`` is added to this process's environment (or, with ``inherit_env=False``, is all of
    it). The wait is bounded: after ``timeout`` seconds without the start-up line the process is
    killed and ServerDidNotStart says what it wrote. Whoever calls this stops the server; the
    ``start_bc_mock`` fixture does it for a test.
    """
    process = subprocess.Popen(
        [*(command or (*BC_MOCK, "--port", "0")), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        encoding="utf-8",
        errors="replace",
        env={**os.environ, **(env or {})} if inherit_env else dict(env or {}),
        cwd=cwd,
    )
    server = Server(process)
    try:
        return server.wait_started(timeout)
    except BaseException:  # ServerDidNotStart has stopped it already; an interrupt has not
        server.stop(timeout=0)
        raise


class ServerPool:
    """Starts servers (``start`` takes launch_server's arguments) and stops all of them on close."""

    def __init__(self):
        self.servers: list[Server] = []

    def start(self, *args: str, **options) -> Server:
        try:
            server = launch_server(*args, **options)
        except ServerDidNotStart as failed:
            self.servers.append(failed.server)  # stopped already; kept for close() all the same
            raise
        self.servers.append(server)
        return server

    def close(self) -> None:
        errors = []
        for server in self.servers:
            try:
                server.stop()
            except (OSError, subprocess.SubprocessError) as error:  # the others are stopped all the same
                errors.append(error)
        if errors:
            raise errors[0]


def failed_start(*args: str, **options) -> Server | None:
    """Start bc-mock expecting it to refuse: the stopped Server (exit code, output), or None if it
    started serving after all (then it is stopped at once). Takes launch_server's arguments."""
    try:
        server = launch_server(*args, **options)
    except ServerDidNotStart as failed:
        if failed.timed_out:
            raise
        return failed.server
    server.stop()
    return None


def start_server(*args: str, env: dict | None = None, timeout: float = 20) -> tuple[subprocess.Popen, str]:
    """Start `python -m bc_mock --port 0 ...` and return (process, base URL); the caller stops it.

    Tests use the ``start_bc_mock`` fixture instead, which stops what it started.
    """
    server = launch_server(*args, env=env, timeout=timeout)
    return server.process, server.url


class BcClient:
    """Requests against one API root (server, tenant, version), company-relative helpers."""

    def __init__(self, server_url: str, tenant: str, version: str, environment: str = "production"):
        self.server_url = server_url
        self.version = version
        self.root = f"{server_url}/v2.0/{tenant}/{environment}/api/{version}"
        self.session = requests.Session()

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.root}/{path.lstrip('/')}"

    def company(self, path: str = "", company: str = USA) -> str:
        return f"companies({company})" + (f"/{path}" if path else "")

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.session.get(self.url(path), **kwargs)

    def post(self, path: str, body=None, **kwargs) -> requests.Response:
        return self.session.post(self.url(path), json=body, **kwargs)

    def patch(self, path: str, body=None, etag: str | None = "*", **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if etag is not None:
            headers["If-Match"] = etag
        return self.session.patch(self.url(path), json=body, headers=headers, **kwargs)

    def delete(self, path: str, etag: str | None = None, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if etag is not None:
            headers["If-Match"] = etag
        return self.session.delete(self.url(path), headers=headers, **kwargs)

    def journals(self, suffix: str = "", company: str = USA) -> str:
        return self.company("customerPaymentJournals" + suffix, company)

    def payments(self, journal: str = GENERAL, suffix: str = "", company: str = USA) -> str:
        return self.company(f"customerPaymentJournals({journal})/customerPayments{suffix}", company)


def error_of(response: requests.Response) -> tuple[int, str, str]:
    """(status, BC error code, message without the correlation id)."""
    body = response.json()
    message = body["error"]["message"].split("  CorrelationId:")[0]
    return response.status_code, body["error"]["code"], message


def snapshot(client: BcClient, company: str = USA) -> dict:
    """Everything a write could touch in one company: journals and all their payments, with ETags.

    Tests compare snapshots before and after a rejected request: BC changes nothing then.
    """
    journals = client.get(client.journals(company=company)).json()["value"]
    return {
        journal["id"]: {
            "journal": journal,
            "payments": client.get(client.payments(journal["id"], company=company)).json()["value"],
        }
        for journal in journals
    }


@contextmanager
def assert_unchanged(client: BcClient, *companies: str, message: str = "") -> Iterator[None]:
    """Assert that the block changes nothing in ``companies`` (USA when none is named).

    ``with assert_unchanged(bc): response = bc.post(...)`` takes a snapshot() of each company
    before the block and again after it, and fails with a diff of the two when they differ
    (``message`` first). A block that raises fails with its own error, unchecked.
    """
    companies = companies or (USA,)
    before = {company: snapshot(client, company) for company in companies}
    yield
    after = {company: snapshot(client, company) for company in companies}
    if after != before:
        raise AssertionError(_changes(before, after, message))


def _changes(before: dict, after: dict, message: str) -> str:
    def lines(state: dict) -> list[str]:
        return json.dumps(state, indent=2, sort_keys=True, default=str).splitlines()

    diff = difflib.unified_diff(lines(before), lines(after), "before", "after", lineterm="", n=3)
    title = f"{message}: " if message else ""
    return f"{title}journals or payments changed (snapshots by company, before and after):\n" + "\n".join(
        diff
    )


# the keys every request journal entry has (the contract of GET /_mock/requests)
JOURNAL_ENTRY_KEYS = {
    "id",
    "time",
    "method",
    "url",
    "path",
    "query",
    "headers",
    "body",
    "status",
    "responseBody",
    "durationMs",
    "fault",
    "batchId",
}


class _TokenEcho(http.server.BaseHTTPRequestHandler):
    """A webhook subscriber that passes BC's handshake (it echoes the validation token) and
    answers every notification 200."""

    def do_POST(self) -> None:
        token = parse_qs(urlsplit(self.path).query).get("validationToken", [""])[0].encode()
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", str(len(token)))
        self.end_headers()
        self.wfile.write(token)

    def log_message(self, *args) -> None:
        pass


@contextmanager
def token_echo_server() -> Iterator[http.server.ThreadingHTTPServer]:
    """A running _TokenEcho subscriber on 127.0.0.1 (``server.server_port``); shut down after."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _TokenEcho)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
