"""Test helpers: start the real server, and a thin BC client over requests."""

from __future__ import annotations

import os
import subprocess
import sys
import time

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


def start_server(*args: str, env: dict | None = None, timeout: float = 20) -> tuple[subprocess.Popen, str]:
    """Start `python -m bc_mock --port 0 ...` and return (process, base URL)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bc_mock", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    deadline = time.monotonic() + timeout
    line = process.stdout.readline()
    if not line.startswith("bc-mock listening on ") or time.monotonic() > deadline:
        process.kill()
        raise RuntimeError(f"bc-mock did not start: {line!r} {process.stderr.read()!r}")
    return process, line.split(" on ", 1)[1].strip()


def stop_server(process: subprocess.Popen, timeout: float = 10) -> None:
    """Stop a server from ``start_server`` and close its pipes (none is left to the garbage collector)."""
    process.terminate()
    process.communicate(timeout=timeout)


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
