"""The shapes of what bc_mock hands back in Python and in JSON: request journal entries and
fault rules (``GET /_mock/requests``, ``GET /_mock/faults``, ``MockServer.journal()``,
``MockServer.faults``). Typed for editors and type checkers; at run time they are plain dicts."""

from __future__ import annotations

from typing import Any, TypedDict


class JournalEntry(TypedDict):
    """One BC API request as the journal recorded it (see the README's *Request journal*)."""

    id: int
    time: str  # ISO 8601 UTC, milliseconds, ending in Z
    method: str
    url: str
    path: str
    apiPath: str | None  # the path after the API root: companies(...)/customers
    query: dict[str, str]
    headers: dict[str, str]  # credentials redacted
    body: Any  # the JSON body parsed; its text when not JSON or cut; None when there is none
    bodySize: int  # the whole body's size in bytes (0 without one)
    bodyTruncated: bool  # only its first --journal-body-limit bytes were kept (body is their text)
    status: int | None  # None while served, or when the connection was dropped
    responseBody: Any
    responseHeaders: dict[str, str] | None  # the answer's headers (None without a recorded answer)
    responseBodySize: int | None  # None without a recorded answer
    responseBodyTruncated: bool
    durationMs: float | None
    fault: str | None  # the rule that decided the answer (or the first latency rule)
    faults: list[str]  # every rule that fired
    batchId: int | str | None  # the $batch request's own entry, for an operation of a batch
    tenant: str | None
    environment: str | None
    dropped: bool
    rateLimited: bool


class FaultRule(TypedDict, total=False):
    """A fault rule (see the README's *Failure injection*); the last four keys are the mock's."""

    method: str | list[str]
    path: str
    tenant: str
    environment: str
    header: dict[str, str]
    status: int
    error: dict[str, str]
    headers: dict[str, str]
    delayMs: float | list[float]
    drop: bool
    preset: str
    times: int
    after: int
    every: int
    probability: float
    seed: int | str
    id: str
    hits: int
    matches: int
    expired: bool
