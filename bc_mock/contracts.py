"""The shapes of what bc_mock hands back in Python and in JSON: request journal entries, fault
rules and webhook deliveries (``GET /_mock/requests``, ``GET /_mock/faults``, ``GET
/_mock/webhooks``, ``MockServer.journal()``, ``MockServer.faults``, ``MockServer.webhooks``).
Typed for editors and type checkers; at run time they are plain dicts."""

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
    webhook: str  # "notification", "handshake" or "*": the rule acts on bc_mock's webhook requests
    url: str  # a glob of the subscriber's URL (with webhook)
    id: str
    hits: int
    matches: int
    expired: bool


class Delivery(TypedDict):
    """One request bc_mock sent to a webhook subscriber (see the README's *Webhooks*)."""

    id: int
    time: str  # bc_mock's clock when it was sent (a job's scheduled time), ISO 8601 UTC, ending in Z
    tenant: str
    environment: str
    kind: str  # "notification" or "handshake"
    url: str
    attempt: int  # 1 for a first try, 2 for the first retry, ...
    status: int | None  # the subscriber's answer; None when none came
    error: str | None  # why none came (a timeout, a refused connection, a fault rule)
    # delivered, lost (a fault rule dropped it), retryScheduled, subscriptionsDeleted; a
    # handshake's: passed or failed
    result: str
    elapsedMs: float
    subscriptionIds: list[str]
    headers: dict[str, str]  # those bc_mock sent besides Host and Content-Length
    answer: str  # the first 1,024 characters of the subscriber's answer
    faultRule: str | None
    body: Any  # the JSON sent ({"value": [...]}); None for a handshake


class Subscription(TypedDict, total=False):
    """A webhook subscription as ``GET /_mock/webhooks`` lists it: BC's properties, then bc_mock's."""

    tenant: str
    environment: str
    subscriptionId: str
    notificationUrl: str
    resource: str
    clientState: str
    expirationDateTime: str
    companyId: str
    entitySet: str
    nextJob: str | None  # when the next sending job of its company runs
    pending: list[dict[str, Any]]  # notifications waiting: recordId, changeType, attempt, due
