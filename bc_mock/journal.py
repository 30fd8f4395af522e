"""The request journal: every BC API request, bounded to the most recent N.

An entry is opened when a request arrives (so a slow or dropped request is visible while it
is served) and closed with the answer. Entries are plain dicts in the public shape (see
``open_entry``); the deque's ``maxlen`` keeps memory flat however long the mock runs.

A body may be recorded as the raw bytes: it is parsed (``parse_json``) when the journal is
read, not while the request is served, since most entries are never read. For the same
reason an entry keeps its time as a datetime and its headers as they came: the time is
written out as text, and credentials are hidden, when the entry is read.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import threading
from collections import deque

from bc_mock.globs import glob_match
from bc_mock.wsgi_request import build_url

DEFAULT_SIZE = 10_000
REDACTED_HEADERS = ("authorization", "proxy-authorization")
MAX_BODY_DEPTH = 64


def iso(moment: dt.datetime) -> str:
    """An entry's time as written: UTC, milliseconds, a trailing Z."""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _to_millis(moment: dt.datetime) -> dt.datetime:
    """The time as written (``iso``) and read back: ``since`` compares with what a client saw."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def parse_time(text: str) -> dt.datetime:
    """An ISO 8601 time; naive times are taken as UTC. ValueError when it is not one."""
    text = text.strip().replace("Z", "+00:00")
    text = re.sub(r" (\d\d:\d\d)$", r"+\1", text)  # a '+' that arrived unencoded in a query string
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def redact(headers: dict[str, str]) -> dict[str, str]:
    """Headers with credentials hidden; the scheme (Bearer, Basic) stays visible."""
    out = {}
    for name, value in headers.items():
        if name.lower() in REDACTED_HEADERS:
            scheme, _, secret = value.partition(" ")
            value = f"{scheme} [redacted]" if secret else "[redacted]"
        out[name] = value
    return out


def parse_json(raw: bytes) -> object:
    """The JSON value of a body; None when empty; the text itself when it is not JSON."""
    if not raw or not raw.strip():
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return f"<{len(raw)} bytes, not UTF-8>"
    try:
        value = json.loads(text)
        # a lone surrogate ("\ud800") parses but could never be answered back as UTF-8
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError):  # UnicodeEncodeError is a ValueError
        return text
    # kept as text when deeper than any BC payload, so that listing the journal cannot overflow
    return value if _depth_within(value, MAX_BODY_DEPTH) else text


def _depth_within(value: object, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return False
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return True


class Journal:
    def __init__(self, size: int = DEFAULT_SIZE):
        self._entries: deque[dict] = deque(maxlen=max(size, 0))
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        return self._entries.maxlen or 0

    def open_entry(self, **fields) -> dict:
        """Record a request as it arrives; ``close_entry`` completes it."""
        entry = {
            "id": None,  # numbered and stamped as appended, below
            "time": None,
            "method": fields["method"],
            "url": fields["url"],  # a URL, or the parts of one (``BcRequest.url_parts``), built when read
            "path": fields["path"],
            "apiPath": fields.get("api_path"),
            "query": fields.get("query", {}),
            "headers": fields.get("headers", {}),  # redacted when read (``entries``)
            "body": fields.get("body"),
            "tenant": fields.get("tenant"),
            "environment": fields.get("environment"),
            "status": None,
            "responseBody": None,
            "durationMs": None,
            "fault": None,
            "faults": [],
            "dropped": False,
            "rateLimited": False,
            "batchId": fields.get("batch_id"),
        }
        with self._lock:
            # under the lock: entries are listed in the order of their ids (and times), even when
            # requests arrive on many threads at once
            entry["id"] = next(self._ids)
            entry["time"] = dt.datetime.now(dt.timezone.utc)  # text when read (``entries``)
            self._entries.append(entry)
        return entry

    def close_entry(self, entry: dict, **fields) -> None:
        with self._lock:
            entry.update(fields)

    def entries(
        self,
        method: str | None = None,
        path: str | None = None,
        status: str | int | None = None,
        since: dt.datetime | None = None,
        tenant: str | None = None,
    ) -> list[dict]:
        """Copies of the matching entries, oldest first."""
        with self._lock:
            entries = [dict(entry) for entry in self._entries]
        found = [entry for entry in entries if _matches(entry, method, path, status, since, tenant)]
        for entry in found:
            entry["time"] = iso(entry["time"])
            entry["headers"] = redact(entry["headers"])
            if isinstance(entry["url"], tuple):
                entry["url"] = build_url(*entry["url"])
            for name in ("body", "responseBody"):
                if isinstance(entry[name], bytes):
                    entry[name] = parse_json(entry[name])
        return found

    def clear(self, tenant: str | None = None) -> None:
        with self._lock:
            if tenant is None:
                self._entries.clear()
                return
            kept = [e for e in self._entries if (e["tenant"] or "").lower() != tenant.lower()]
            self._entries.clear()
            self._entries.extend(kept)


def _matches(entry: dict, method, path, status, since, tenant) -> bool:
    if method and entry["method"].upper() != method.upper():
        return False
    if path and not (glob_match(path, entry["apiPath"] or "") or glob_match(path, entry["path"])):
        return False
    if status is not None and not status_matches(str(status), entry["status"]):
        return False
    if since is not None and _to_millis(entry["time"]) < since:
        return False
    return tenant is None or (entry["tenant"] or "").lower() == tenant.lower()


def status_matches(wanted: str, status: int | None) -> bool:
    """``wanted`` is a status (``429``) or a class (``4xx``)."""
    if status is None:
        return False
    wanted = wanted.strip().lower()
    if len(wanted) == 3 and wanted.endswith("xx"):
        return str(status)[0] == wanted[0]
    return wanted == str(status)
