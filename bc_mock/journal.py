"""The request journal: every BC API request, bounded in entries and in bytes.

An entry is opened when a request arrives (so a slow or dropped request is visible while it
is served) and closed with the answer. Entries are plain dicts in the public shape (see
``open_entry``). Memory stays bounded however long the mock runs and whatever it is sent:

* at most ``size`` entries (``--journal-size``): the oldest go first;
* each body kept, request and response, at most ``body_limit`` bytes (``--journal-body-limit``):
  a longer one keeps its first bytes, and the entry says so (``bodyTruncated``, ``bodySize``);
* all entries together at most ``budget`` bytes (``--journal-budget``): their bodies plus an
  estimate of the rest (url, headers, query, the entry itself); the oldest go beyond it. The
  newest entry always stays, so the last request is always visible.

A body is kept as the raw bytes: it is parsed (``parse_json``) when the journal is read, not
while the request is served, since most entries are never read. For the same reason an entry
keeps its time as a datetime and its headers as they came: the time is written out as text,
and credentials are hidden, when the entry is read.
"""

from __future__ import annotations

import codecs
import datetime as dt
import itertools
import json
import re
import threading
from collections import deque

from bc_mock.config import DEFAULT_JOURNAL_BODY_LIMIT, DEFAULT_JOURNAL_BUDGET
from bc_mock.globs import glob_match
from bc_mock.wsgi_request import build_url

DEFAULT_SIZE = 10_000
REDACTED_HEADERS = ("authorization", "proxy-authorization")
MAX_BODY_DEPTH = 64

# What the byte budget counts besides bodies: CPython's sizes, rounded up. An entry's dict of
# some 25 keys with its id, time and lists; each header or query parameter (two str objects and
# a slot of their dict); a str or bytes object's own header.
ENTRY_OVERHEAD = 1536
ITEM_OVERHEAD = 160
OBJECT_OVERHEAD = 64


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


def text_of_prefix(raw: bytes) -> str:
    """The text of the first bytes of a body (a character cut in two at the end is left out)."""
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(raw, final=False)
    except UnicodeDecodeError:
        return f"<first {len(raw)} bytes, not UTF-8>"


def _depth_within(value: object, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return False
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return True


class BodyNotRead:
    """In place of a request body the server refused to read (over ``--max-body``): its size."""

    __slots__ = ("size",)

    def __init__(self, size: int | None):
        self.size = size

    def note(self) -> str:
        return f"<{self.size} bytes, over the size limit: not read>"


class _Entry(dict):
    """An entry as the journal holds it: the public dict, plus its own accounting."""

    __slots__ = ("cost", "kept")

    cost: int  # the bytes it counts against the budget
    kept: bool  # whether it is (still) in the journal


class Journal:
    def __init__(
        self,
        size: int = DEFAULT_SIZE,
        body_limit: int = DEFAULT_JOURNAL_BODY_LIMIT,
        budget: int = DEFAULT_JOURNAL_BUDGET,
    ):
        self._size = max(size, 0)
        self._body_limit = body_limit
        self._budget = budget
        self._entries: deque[_Entry] = deque()
        self._bytes = 0  # the cost of the entries kept
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        return self._size

    @property
    def body_limit(self) -> int:
        return self._body_limit

    @property
    def budget(self) -> int:
        return self._budget

    def configure(self, body_limit: int, budget: int) -> None:
        """Set the byte bounds (the app does it from its settings); entries over them go now."""
        with self._lock:
            self._body_limit, self._budget = body_limit, budget
            self._trim()

    def stats(self) -> dict[str, int]:
        """What the journal holds and its bounds (``GET /_mock/health`` shows them)."""
        with self._lock:
            return {
                "entries": len(self._entries),
                "keptBytes": self._bytes,
                "budgetBytes": self._budget,
                "bodyLimitBytes": self._body_limit,
                "size": self._size,
            }

    def open_entry(self, **fields) -> dict:
        """Record a request as it arrives; ``close_entry`` completes it.

        ``body`` is the raw request body (bytes), a ``BodyNotRead``, or None.
        """
        body, body_size, body_cut = self._keep(fields.get("body"))
        headers = fields.get("headers", {})
        query = fields.get("query", {})
        entry = _Entry(
            id=None,  # numbered and stamped as appended, below
            time=None,
            method=fields["method"],
            url=fields["url"],  # a URL, or the parts of one (``BcRequest.url_parts``), built when read
            path=fields["path"],
            apiPath=fields.get("api_path"),
            query=query,
            headers=headers,  # redacted when read (``entries``)
            body=body,  # the bytes kept: parsed when read (``entries``)
            bodySize=body_size,
            bodyTruncated=body_cut,
            tenant=fields.get("tenant"),
            environment=fields.get("environment"),
            status=None,
            responseBody=None,
            responseBodySize=None,
            responseBodyTruncated=False,
            durationMs=None,
            fault=None,
            faults=[],
            dropped=False,
            rateLimited=False,
            batchId=fields.get("batch_id"),
        )
        entry.cost = (
            ENTRY_OVERHEAD
            + _url_cost(entry["url"])
            + len(entry["path"])
            + len(entry["apiPath"] or "")
            + _mapping_cost(headers)
            + _mapping_cost(query)
            + _body_cost(body)
        )
        entry.kept = False
        with self._lock:
            # under the lock: entries are listed in the order of their ids (and times), even when
            # requests arrive on many threads at once
            entry["id"] = next(self._ids)
            entry["time"] = dt.datetime.now(dt.timezone.utc)  # text when read (``entries``)
            if self._size:
                if len(self._entries) >= self._size:
                    self._drop_oldest()
                entry.kept = True
                self._entries.append(entry)
                self._bytes += entry.cost
                self._trim()
        return entry

    def close_entry(self, entry: dict, **fields) -> None:
        added = 0
        if "responseBody" in fields:
            raw = fields["responseBody"]
            kept, size, cut = self._keep(raw)
            fields.update(
                responseBody=kept, responseBodySize=None if raw is None else size, responseBodyTruncated=cut
            )
            added = _body_cost(kept)
        with self._lock:
            entry.update(fields)
            if added and isinstance(entry, _Entry):
                entry.cost += added
                if entry.kept:
                    self._bytes += added
                    self._trim()

    def _keep(self, body: object) -> tuple[object, int, bool]:
        """(what an entry keeps of a body, the body's whole size, whether it was cut)."""
        if body is None:
            return None, 0, False
        if isinstance(body, BodyNotRead):
            return body.note(), body.size or 0, True
        if isinstance(body, str):
            raw = body.encode("utf-8", "backslashreplace")
        elif isinstance(body, (bytes, bytearray, memoryview)):
            raw = bytes(body)
        else:  # a parsed value (no caller of bc_mock's passes one; kept working all the same)
            raw = json.dumps(body, default=str).encode("utf-8")
        if len(raw) > self._body_limit:
            return raw[: self._body_limit], len(raw), True
        return raw, len(raw), False

    def _drop_oldest(self) -> None:
        oldest = self._entries.popleft()
        oldest.kept = False
        self._bytes -= oldest.cost

    def _trim(self) -> None:
        """Drop the oldest entries while over the budget (the newest one always stays)."""
        while self._bytes > self._budget and len(self._entries) > 1:
            self._drop_oldest()

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
                    cut = entry[f"{name}Truncated"]
                    entry[name] = text_of_prefix(entry[name]) if cut else parse_json(entry[name])
        return found

    def clear(self, tenant: str | None = None) -> None:
        with self._lock:
            gone: list[_Entry]
            kept: list[_Entry]
            if tenant is None:
                gone, kept = list(self._entries), []
            else:
                gone, kept = [], []
                for entry in self._entries:
                    same = (entry["tenant"] or "").lower() == tenant.lower()
                    (gone if same else kept).append(entry)
            for entry in gone:
                entry.kept = False
            self._entries = deque(kept)
            self._bytes = sum(entry.cost for entry in kept)


def _body_cost(kept: object) -> int:
    return 0 if kept is None else OBJECT_OVERHEAD + len(kept)  # type: ignore[arg-type]  # str or bytes


def _url_cost(url: object) -> int:
    if isinstance(url, tuple):
        return OBJECT_OVERHEAD * (len(url) + 1) + sum(len(part) for part in url)
    return OBJECT_OVERHEAD + len(str(url))


def _mapping_cost(mapping: dict) -> int:
    if not mapping:
        return 0
    return ITEM_OVERHEAD * len(mapping) + sum(map(len, mapping)) + sum(len(str(v)) for v in mapping.values())


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
