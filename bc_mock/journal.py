"""The request journal: every BC API request, bounded in entries and in bytes.

An entry is opened when a request arrives (so a slow or dropped request is visible while it
is served) and closed with the answer (its status, body and headers). Entries are plain dicts
in the public shape (see ``open_entry``). Memory stays bounded however long the mock runs and
whatever it is sent:

* at most ``size`` entries (``--journal-size``): the oldest go first;
* each body kept, request and response, at most ``body_limit`` bytes (``--journal-body-limit``):
  a longer one keeps its first bytes, and the entry says so (``bodyTruncated``, ``bodySize``);
* all entries together at most ``budget`` bytes (``--journal-budget``): their bodies plus an
  estimate of the rest (url, headers, query, the entry itself); the oldest go beyond it. The
  newest entry always stays, so the last request is always visible.

A body is kept as the raw bytes: it is parsed (``parse_json``) when the journal is read, not
while the request is served, since most entries are never read. For the same reason an entry
keeps its time as a datetime and its headers, url and query as they came: the time is written
out as text, and credentials are hidden (``redact``, ``redact_url``, ``redact_query``), when
the entry is read. What cannot wait is hidden as the entry is made: the headers and URLs of
the operations inside a ``$batch`` body, and a secret of the query string that the answer
echoes (an error quoting the URL).

A long journal is read a page at a time (``select``: the newest N entries before an id, as
summaries without headers and bodies): only the entries given back are copied and written out,
so a page of a full journal costs the page, not the journal.

Listed over HTTP, entries are strict JSON with exact numbers (``strict_dumps``): a body's
numbers are written as they were sent, and ``NaN`` or ``Infinity`` (which Python's JSON reader
takes, but JSON has not) as strings.
"""

from __future__ import annotations

import bisect
import codecs
import datetime as dt
import itertools
import json
import re
import threading
from collections import deque
from typing import Any
from urllib.parse import unquote_plus

from bc_mock import jsonio
from bc_mock.config import DEFAULT_JOURNAL_BODY_LIMIT, DEFAULT_JOURNAL_BUDGET
from bc_mock.globs import glob_match
from bc_mock.wsgi_request import build_url

DEFAULT_SIZE = 10_000
MAX_BODY_DEPTH = 64

# credentials the journal never shows: headers whose scheme stays visible (Bearer, Basic) ...
REDACTED_HEADERS = ("authorization", "proxy-authorization")
# ... headers hidden whole ...
SECRET_HEADERS = ("cookie", "x-api-key", "api-key", "ocp-apim-subscription-key")
# ... and, in an answer, the cookies it sets (a fault rule's headers may set any)
SECRET_RESPONSE_HEADERS = ("set-cookie",)
# ... and query parameters (OAuth's tokens, secrets and authorization codes, API keys)
SECRET_PARAMETERS = (
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "client_assertion",
    "code",
    "password",
    "subscription-key",
    "api-key",
    "api_key",
    "apikey",
)
HIDDEN = "[redacted]"
_SECRET_NAMES = b"|".join(re.escape(name.encode()) for name in SECRET_PARAMETERS)
# name=value of a secret parameter in a text: a URL an error message quotes, a form body
_SECRET_PAIR = re.compile(rb"(?<![A-Za-z0-9_.%-])(" + _SECRET_NAMES + rb")=[^&\s'\"<>]*", re.IGNORECASE)
# a token in an answer of the token service (--auth entra)
_ACCESS_TOKEN = re.compile(rb'("access_token"\s*:\s*)"[^"]*"')
# a $batch body that holds none of these (lower-cased), nor a \u escape, has nothing to hide
_BATCH_NEEDLES = (
    *(name.encode() for name in (*REDACTED_HEADERS, *SECRET_HEADERS, *SECRET_PARAMETERS)),
    b"\\u",
)

# What the byte budget counts besides bodies: CPython's sizes, rounded up. An entry's dict of
# some 25 keys with its id, time and lists; each header or query parameter (two str objects and
# a slot of their dict); a str or bytes object's own header.
ENTRY_OVERHEAD = 1536
ITEM_OVERHEAD = 160
OBJECT_OVERHEAD = 64
# An answer's headers are kept as the answer's own header list, which the app completes after
# the entry is closed (BC's request-id and Cache-Control): room for those two.
LATE_HEADERS_OVERHEAD = 2 * ITEM_OVERHEAD + 64

# What ``entries`` gives of each entry's bodies: parsed JSON, their text, or nothing (a summary)
PARSED, TEXT, SUMMARY = "parsed", "text", "summary"
# the keys a summary leaves out: what a list of requests does not show
DETAIL_KEYS = ("headers", "query", "body", "responseBody", "responseHeaders")


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


def redact(headers: dict) -> dict:
    """Headers with credentials hidden; the scheme of ``Authorization`` (Bearer, Basic) stays visible."""
    out = {}
    for name, value in headers.items():
        lower = str(name).lower()
        if lower in REDACTED_HEADERS and isinstance(value, str):
            scheme, _, secret = value.strip().partition(" ")
            value = f"{scheme} {HIDDEN}" if secret else HIDDEN
        elif lower in REDACTED_HEADERS or lower in SECRET_HEADERS:
            value = HIDDEN
        out[name] = value
    return out


def redact_response(headers: object) -> dict[str, str]:
    """An answer's headers (a werkzeug ``Headers``, or pairs) as an object, credentials hidden;
    a header sent twice is one value, joined with ", "."""
    out: dict[str, str] = {}
    for name, value in headers:  # type: ignore[attr-defined]  # Headers or a list of pairs
        if name in out:
            out[name] = f"{out[name]}, {value}"
        else:
            out[name] = value
    hidden = redact(out)
    for name in hidden:
        if name.lower() in SECRET_RESPONSE_HEADERS:
            hidden[name] = HIDDEN
    return hidden


def _secret_parameter(name: str) -> bool:
    return unquote_plus(name).strip().lower() in SECRET_PARAMETERS


def redact_query(query: dict[str, str]) -> dict[str, str]:
    """Query parameters with secrets hidden (``access_token`` and the others of SECRET_PARAMETERS)."""
    if not any(_secret_parameter(name) for name in query):
        return query
    return {name: HIDDEN if _secret_parameter(name) else value for name, value in query.items()}


def redact_url(url: str) -> str:
    """The URL with the values of secret query parameters hidden; the rest exactly as it was."""
    base, mark, query = url.partition("?")
    if not mark:
        return url
    pairs = query.split("&")
    hidden = [
        f"{pair.partition('=')[0]}={HIDDEN}" if _secret_parameter(pair.partition("=")[0]) else pair
        for pair in pairs
    ]
    return url if hidden == pairs else f"{base}?{'&'.join(hidden)}"


def _hide_pairs(raw: bytes) -> bytes:
    """``access_token=...`` and the like hidden wherever they are in a text (an error quoting a URL)."""
    return _SECRET_PAIR.sub(lambda match: match[1] + b"=" + HIDDEN.encode(), raw)


def _query_has_secrets(query: object, url: object) -> bool:
    if query and isinstance(query, dict) and any(_secret_parameter(str(name)) for name in query):
        return True
    text = url[4] if isinstance(url, tuple) else url  # BcRequest.url_parts ends with the query string
    return (
        bool(text)  # most requests have no query string: nothing to search
        and isinstance(text, (bytes, str))
        and _SECRET_PAIR.search(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
        is not None
    )


def _constant(name: str) -> str:
    """NaN, Infinity, -Infinity: Python's JSON reader takes them, JSON has none: kept as text."""
    return name


def parse_json(raw: bytes, exact: bool = False) -> object:
    """The JSON value of a body; None when empty; the text itself when it is not JSON.

    ``exact``: numbers with a fraction or an exponent as Decimal, as sent (``strict_dumps``
    writes them back so); else as floats. ``NaN`` and ``Infinity`` are strings either way.
    """
    if not raw or not raw.strip():
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return f"<{len(raw)} bytes, not UTF-8>"
    try:
        if exact:
            value = jsonio.loads(text, constants_as_text=True)
        else:
            value = json.loads(text, parse_float=float, parse_constant=_constant)
        # a lone surrogate ("\ud800") parses but could never be answered back as UTF-8
        json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")
    except (ValueError, RecursionError):  # UnicodeEncodeError is a ValueError
        return text
    # kept as text when deeper than any BC payload, so that listing the journal cannot overflow
    return value if _depth_within(value, MAX_BODY_DEPTH) else text


def strict_dumps(value: object) -> str:
    """JSON text that every JSON reader takes: ASCII, numbers exactly as sent, and no NaN or
    Infinity (a body that held them has them as strings, see ``parse_json``)."""
    try:
        return jsonio.dumps_exact(value)
    except ValueError:  # a float that is not finite (none comes from a parsed body): as text
        return jsonio.dumps_exact(_finite(value))


def _finite(value: object) -> object:
    """``value`` with floats that are not finite as strings (a copy only where there are some)."""
    if isinstance(value, float):
        return value if value - value == 0 else json.dumps(value)  # "NaN", "Infinity", "-Infinity"
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


def _redact_batch(raw: bytes) -> bytes:
    """A ``$batch`` body with its operations' credentials hidden: each operation's headers
    (as ``redact``) and the secrets in its URL; written back as JSON with exact numbers. A body
    that is not JSON has its ``name=secret`` pairs and header values hidden as text."""
    lower = raw.lower()
    if not any(needle in lower for needle in _BATCH_NEEDLES):
        return raw
    value = parse_json(raw, exact=True)
    operations = value.get("requests") if isinstance(value, dict) else None
    if not isinstance(operations, list):  # not a batch BC reads: hidden as text, as well as can be
        hidden = _hide_pairs(_HEADER_VALUE.sub(rb'\1"' + HIDDEN.encode() + rb'"', raw))
        return raw if hidden == raw else hidden
    changed = False
    for operation in operations:
        if not isinstance(operation, dict):
            continue
        headers, url = operation.get("headers"), operation.get("url")
        if isinstance(headers, dict) and (hidden_headers := redact(headers)) != headers:
            operation["headers"], changed = hidden_headers, True
        if isinstance(url, str) and (hidden_url := redact_url(url)) != url:
            operation["url"], changed = hidden_url, True
    return strict_dumps(value).encode("ascii") if changed else raw


# "Authorization": "..." (and the other secret headers) in a text that does not parse as JSON
_HEADER_VALUE = re.compile(
    rb'("(?:'
    + b"|".join(re.escape(n.encode()) for n in (*REDACTED_HEADERS, *SECRET_HEADERS))
    + rb')"\s*:\s*)"(?:[^"\\]|\\.)*"',
    re.IGNORECASE,
)


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

    __slots__ = ("cost", "echoes", "kept", "tokens")

    cost: int  # the bytes it counts against the budget
    kept: bool  # whether it is (still) in the journal
    echoes: bool  # its query (or a $batch operation's) holds a secret an answer may quote
    tokens: bool  # a token service request: its answer may hold an access token


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

    def open_entry(
        self,
        *,
        method: str,
        url: object,
        path: str,
        api_path: str | None = None,
        query: dict | None = None,
        headers: dict | None = None,
        body: object = None,
        tenant: str | None = None,
        environment: str | None = None,
        batch_id: int | None = None,
        credentials: bool = False,
    ) -> dict:
        """Record a request as it arrives; ``close_entry`` completes it.

        ``url`` is a URL or the parts of one (``BcRequest.url_parts``), built when read. ``body``
        is the raw request body (bytes), a ``BodyNotRead``, or None. ``credentials``: a token
        service request, whose form body holds a client secret and whose answer holds a token;
        both are hidden before they are kept.
        """
        # named parameters rather than **fields: this runs for every request, and each lookup
        # in a keyword dict costs
        if headers is None:
            headers = {}
        if query is None:
            query = {}
        echoes = _query_has_secrets(query, url)
        sent = body
        if body is None:  # most requests (GETs): nothing to keep, cut or hide
            body_size, body_cut = 0, False
        elif (api_path or path).rsplit("/", 1)[-1] == "$batch" and isinstance(body, bytes):
            redacted = _redact_batch(body)  # before it is kept: the raw body never holds them
            echoes = echoes or redacted is not body
            body, body_size, body_cut = self._keep(redacted)
            body_size = len(sent)  # type: ignore[arg-type]  # the size as sent (bytes)
        elif credentials and isinstance(body, bytes):
            body, body_size, body_cut = self._keep(_hide_pairs(body))  # client_secret=[redacted]
            body_size = len(sent)  # type: ignore[arg-type]  # bytes
        else:
            body, body_size, body_cut = self._keep(body)
        entry = _Entry(
            id=None,  # numbered and stamped as appended, below
            time=None,
            method=method,
            url=url,  # a URL, or the parts of one (``BcRequest.url_parts``), built when read
            path=path,
            apiPath=api_path,
            query=query,
            headers=headers,  # redacted when read (``entries``)
            body=body,  # the bytes kept: parsed when read (``entries``)
            bodySize=body_size,
            bodyTruncated=body_cut,
            tenant=tenant,
            environment=environment,
            status=None,
            responseBody=None,
            responseHeaders=None,  # the answer's headers (werkzeug's Headers), as an object when read
            responseBodySize=None,
            responseBodyTruncated=False,
            durationMs=None,
            fault=None,
            faults=[],
            dropped=False,
            rateLimited=False,
            batchId=batch_id,
        )
        entry.cost = (
            ENTRY_OVERHEAD
            + _url_cost(url)
            + len(path)
            + len(api_path or "")
            + _mapping_cost(headers)
            + _mapping_cost(query)
            + _body_cost(body)
        )
        entry.kept = False
        entry.echoes = echoes
        entry.tokens = bool(credentials)
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
            size = None if raw is None else len(raw)
            if isinstance(entry, _Entry) and entry.echoes and isinstance(raw, bytes):
                raw = _hide_pairs(raw)  # an error quoting the request's URL quotes its secrets too
            if isinstance(entry, _Entry) and entry.tokens and isinstance(raw, bytes):
                raw = _ACCESS_TOKEN.sub(rb'\1"' + HIDDEN.encode() + b'"', raw)
            kept, _, cut = self._keep(raw)
            fields.update(responseBody=kept, responseBodySize=size, responseBodyTruncated=cut)
            added = _body_cost(kept)
        headers = fields.get("responseHeaders")
        if headers is not None:
            added += LATE_HEADERS_OVERHEAD
            for name, value in headers:  # a loop: no generator's frame per header
                added += ITEM_OVERHEAD + len(name) + len(value)
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
        exact: bool = False,
        **more: Any,
    ) -> list[dict]:
        """Copies of the matching entries, oldest first, credentials hidden.

        ``exact``: numbers in bodies as Decimal, as sent (for ``strict_dumps``); else floats.
        The other keywords are ``select``'s.
        """
        return self.select(method, path, status, since, tenant, exact, **more)[0]

    def select(
        self,
        method: str | None = None,
        path: str | None = None,
        status: str | int | None = None,
        since: dt.datetime | None = None,
        tenant: str | None = None,
        exact: bool = False,
        *,
        fault: str | None = None,
        batch: int | str | None = None,
        after: int | None = None,
        before: int | None = None,
        limit: int | None = None,
        bodies: str = PARSED,
    ) -> tuple[list[dict], bool]:
        """(the matching entries, oldest first, credentials hidden; whether older ones match too).

        Besides ``entries``' filters: ``fault`` (a rule's id: the entries it fired on; ``*``: those
        any rule fired on), ``batch`` (the operations of the ``$batch`` entry with that id),
        ``after`` and ``before`` (ids, both excluded), ``limit`` (the newest N of the matches; the
        second value says whether there are older ones) and ``bodies``: ``PARSED``, ``TEXT`` (each
        body as the text kept, as it was sent) or ``SUMMARY`` (no headers, query nor bodies).
        Only the entries given back are copied and written out, so the newest page of a full
        journal costs the page, not the journal.
        """
        with self._lock:
            held = list(self._entries)
        # ids increase along the journal: a range of ids is a slice
        low = 0 if after is None else bisect.bisect_right(held, after, key=_entry_id)
        high = len(held) if before is None else bisect.bisect_left(held, before, key=_entry_id)
        held = held[low:high]
        filters = (method, path, status, since, tenant, fault, batch)
        matching = _all_none(filters)
        older = False
        if limit is None:
            found = held if matching else [entry for entry in held if _matches(entry, *filters)]
        else:
            found = []
            for entry in reversed(held):
                if matching or _matches(entry, *filters):
                    if len(found) == limit:
                        older = True
                        break
                    found.append(entry)
            found.reverse()
        with self._lock:
            copies = [dict(entry) for entry in found]
        return [_written(entry, exact, bodies) for entry in copies], older

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


# The costs are counted for every request: map() over builtins rather than generator
# expressions, which cost a Python frame per item.


def _url_cost(url: object) -> int:
    if isinstance(url, tuple):
        return OBJECT_OVERHEAD * (len(url) + 1) + sum(map(len, url))
    return OBJECT_OVERHEAD + len(str(url))


def _mapping_cost(mapping: dict) -> int:
    if not mapping:
        return 0
    return ITEM_OVERHEAD * len(mapping) + sum(map(len, mapping)) + sum(map(len, map(str, mapping.values())))


def _entry_id(entry: dict) -> int:
    return entry["id"]


def _all_none(values: tuple) -> bool:
    return all(value is None for value in values)


def _written(entry: dict, exact: bool, bodies: str) -> dict:
    """A copied entry as it is listed: its time as text, credentials hidden, bodies as asked."""
    entry["time"] = iso(entry["time"])
    url = entry["url"]
    entry["url"] = redact_url(build_url(*url) if isinstance(url, tuple) else url)
    if bodies == SUMMARY:
        for name in DETAIL_KEYS:
            del entry[name]
        return entry
    entry["headers"] = redact(entry["headers"])
    entry["query"] = redact_query(entry["query"])
    answer_headers = entry["responseHeaders"]
    entry["responseHeaders"] = None if answer_headers is None else redact_response(answer_headers)
    for name in ("body", "responseBody"):
        raw = entry[name]
        if isinstance(raw, bytes):
            cut = entry[f"{name}Truncated"]
            if bodies == TEXT:
                entry[name] = text_of_prefix(raw) if cut else _text(raw)
            else:
                entry[name] = text_of_prefix(raw) if cut else parse_json(raw, exact)
    return entry


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return f"<{len(raw)} bytes, not UTF-8>"


def _fault_fired(fault: str, entry: dict) -> bool:
    """Whether rule ``fault`` fired on the entry's request (``*``: whether any rule did)."""
    if fault == "*":
        return bool(entry["faults"]) or entry["fault"] is not None
    return fault == entry["fault"] or fault in entry["faults"]


def _matches(entry: dict, method, path, status, since, tenant, fault=None, batch=None) -> bool:
    if method and entry["method"].upper() != method.upper():
        return False
    if path and not (glob_match(path, entry["apiPath"] or "") or glob_match(path, entry["path"])):
        return False
    if status is not None and not status_matches(str(status), entry["status"]):
        return False
    if since is not None and _to_millis(entry["time"]) < since:
        return False
    if fault and not _fault_fired(fault, entry):
        return False
    if batch is not None and str(entry["batchId"]) != str(batch):
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
