"""The BC API requests' way in and out: journal, rate limit and faults (and the token service's,
with --auth entra: journal and faults, its errors in Entra's format).

These run as Flask hooks of the BC blueprint, before the view (so an injected
failure is decided before the request reaches the store, and changes nothing) and after it
(to close the journal entry with the answer). /_mock requests pass untouched.

``$batch`` sub-requests are dispatched through the app as requests of their own, carrying
``environ["bc_mock.batch_id"]``: each gets its own journal entry tied to the batch, and fault
rules apply to them too, except ``drop`` (one operation of a batch has no connection of its
own to drop). The rate limit counts the ``$batch`` request once, not its operations.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, Response

from bc_mock import errors, limits
from bc_mock.faults import API, Decision, RequestInfo
from bc_mock.journal import BodyNotRead
from bc_mock.wsgi_request import request_proxy

BATCH_ID_KEY = "bc_mock.batch_id"
# set on the operations of a snapshot $batch: a list their delays are added to, served by the
# batch once its transaction (and the store's lock) is released
BATCH_DELAYS_KEY = "bc_mock.batch_delays"
# set by the server (serving.py) when it decided a request's admission before dispatch
ADMISSION_KEY = "bc_mock.admission"
ARRIVED_KEY = "bc_mock.arrived"
API_BLUEPRINT = "bc_api"
ENTRA_BLUEPRINT = "entra"  # the token service (bc_mock.auth.entra), with --auth entra
ENTRA = "entra"  # the service of its requests, as fault rules see it

log = logging.getLogger("bc_mock")


@dataclass(frozen=True)
class Admission:
    """What the rate limit and the fault rules ask of one BC API request."""

    refusal: errors.BcError | None = None  # over the rate limit: 429, nothing else happens
    decision: Decision | None = None  # the fault rules that fired, if any

    @property
    def delay_s(self) -> float:
        return self.decision.delay_ms / 1000 if self.decision is not None else 0.0


ADMITTED = Admission()


def admit(
    state,
    method: str,
    path: str,
    args: dict,
    headers: dict[str, str],
    url: str,
    in_batch: bool,
    service: str = API,
) -> Admission:
    """The rate limit, then the fault rules, for a BC API request (``headers`` named in lower
    case); the fault rules only for a token service request (``service`` "entra"). Decided
    once per request: before dispatch by the server when it can, else here."""
    tenant, environment = _scope(args, service)
    if state.rate_limiter is not None and not in_batch and service == API:
        refusal = state.rate_limiter.check(tenant)
        if refusal is not None:
            return Admission(refusal=refusal)
    if state.faults.empty:
        return ADMITTED  # the common case: nothing to match, so nothing to describe
    info = RequestInfo(
        method=method,
        api_path=args.get("rest", ""),
        path=path,
        tenant=tenant,
        environment=environment or "",
        headers=headers,
        in_batch=in_batch,
        service=service,
    )
    decision = state.faults.decide(info, url)
    return Admission(decision=decision) if decision.fired else ADMITTED


def _scope(args: dict, service: str) -> tuple[str, str | None]:
    """(tenant, environment) of a request: the API's roots without them mean default and
    production; a token service request names its tenant and has no environment."""
    if service == API:
        return args.get("tenant", "default"), args.get("environment", "production")
    return args.get("tenant", "default"), None


def install(
    app: Flask,
    render: Callable[[errors.BcError], Response],
    blueprint: str = API_BLUEPRINT,
    service: str = API,
) -> None:
    """Journal, rate limit (BC API only) and fault rules for the requests of ``blueprint``: the
    BC API, or the token service (``service`` "entra", its errors rendered as Entra's)."""
    # the app's state is bound here once: looking it up through current_app costs on every request
    state = app.extensions["bc_mock"]
    # scoped to one blueprint (Flask's hook tables are keyed by blueprint name), so Flask calls
    # them only for its requests
    # partials, not lambdas: no Python frame of their own on every request
    before = functools.partial(_before, render, state, service)
    app.before_request_funcs.setdefault(blueprint, []).append(before)
    app.after_request_funcs.setdefault(blueprint, []).append(functools.partial(_after, state=state))


def _before(render, state, service: str = API) -> Response | None:
    # the request itself rather than Flask's proxy, and its headers read once: this runs for
    # every request, and each proxied attribute or pass over the WSGI environ costs
    req = request_proxy._get_current_object()
    environ = req.environ
    started = environ.get(ARRIVED_KEY) or time.perf_counter()  # the delay served before dispatch counts
    headers = _headers(environ)
    args = req.view_args or {}
    batch_id = environ.get(BATCH_ID_KEY)
    method, path = req.method, req.path
    tenant, environment = _scope(args, service)
    # a request without a body (most GETs) has nothing to read nor to refuse: werkzeug's
    # stream set-up and the size check would be a tenth of its time
    has_body = _has_body(environ)
    oversized = limits.oversized_body() if has_body else None  # journaled without its body, then 413
    body: object
    if oversized is not None:
        body = BodyNotRead(req.content_length)
    elif has_body:
        body = req.get_data(cache=True)  # the raw bytes: the journal caps them, and parses them when read
    else:
        body = None
    entry = state.journal.open_entry(
        method=method,
        url=req.url_parts,
        path=path,
        api_path=args.get("rest", "") if service == API else None,
        query=req.args.to_dict() if req.query_string else {},  # parsing even "" costs
        headers=headers,
        body=body,
        tenant=tenant,
        environment=environment,
        batch_id=batch_id,
        # a token request's form holds the client's secret, and its answer a token: hidden
        credentials=service != API,
    )
    # kept on the request object (not on flask.g, a proxy): read back by _after
    req.bc_mock_entry, req.bc_mock_started = entry, started
    if oversized is not None:
        return render(oversized)

    admission = environ.get(ADMISSION_KEY)
    delay_served = admission is not None  # decided before dispatch: the delay is over already
    if admission is None:
        if state.rate_limiter is None and state.faults.empty:
            return None
        lower = {name.lower(): value for name, value in headers.items()}
        admission = admit(state, method, path, args, lower, req.url, batch_id is not None, service)
    if admission.refusal is not None:
        state.journal.close_entry(entry, rateLimited=True)
        return render(admission.refusal)
    decision = admission.decision
    if decision is None:
        return None
    req.bc_mock_decision = decision  # what the view needs of it (the token-expired preset)
    state.journal.close_entry(entry, fault=decision.rule_id, faults=decision.fired)
    if decision.delay_ms and not delay_served:
        batch_delays = environ.get(BATCH_DELAYS_KEY)
        if batch_delays is not None:
            batch_delays.append(decision.delay_ms / 1000)  # a snapshot batch sleeps after its lock
        else:
            time.sleep(decision.delay_ms / 1000)  # holds no lock: only this request waits
    if decision.drop:
        dropper = state.drop_connection
        # recorded before the connection goes: a client that sees it close and then reads the
        # journal finds the request dropped
        state.journal.close_entry(entry, dropped=True)
        if dropper is not None and dropper(environ):
            return Response(b"", status=500)  # never reaches the client: its connection is gone
        state.journal.close_entry(entry, dropped=False)
        return render(
            errors.BcError(
                500,
                "Internal_ServerError",
                "The connection could not be dropped: this server does not support it.",
            )
        )
    if decision.error is not None:
        return render(decision.error)
    return None


def journal_entry_id() -> int | None:
    """The id of the current request's journal entry (a $batch names its operations' batch by it)."""
    entry = getattr(request_proxy._get_current_object(), "bc_mock_entry", None)
    return None if entry is None else entry["id"]


def _headers(environ: dict) -> dict[str, str]:
    """The request's headers, named as werkzeug names them, in one pass over the environ.

    ``dict(request.headers)`` looks every header up again by name: a fifth of a GET's time.
    """
    headers = {
        key[5:].replace("_", "-").title(): value for key, value in environ.items() if key[:5] == "HTTP_"
    }
    for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
        if environ.get(key):
            headers[name] = environ[key]
    return headers


def _has_body(environ: dict) -> bool:
    """HTTP/1.1 requests carry a body only with a Content-Length or a Transfer-Encoding."""
    return environ.get("CONTENT_LENGTH", "") not in ("", "0") or "HTTP_TRANSFER_ENCODING" in environ


def _after(response: Response, state) -> Response:
    req = request_proxy._get_current_object()
    entry = getattr(req, "bc_mock_entry", None)
    if entry is None:
        return response
    journal = state.journal
    duration = round((time.perf_counter() - req.bc_mock_started) * 1000, 3)
    if entry["dropped"]:
        journal.close_entry(entry, durationMs=duration)
        return response
    # the raw bytes: the journal parses them only if someone reads the entry
    body = _body_of(response)
    # the answer's own header list, not a copy: the app adds BC's request-id to it afterwards
    journal.close_entry(
        entry,
        status=response.status_code,
        responseBody=body,
        responseHeaders=response.headers,
        durationMs=duration,
    )
    return response


def _body_of(response: Response) -> bytes | None:
    """An answer's body (None when streamed): what ``response.get_data()`` gives.

    bc_mock's JSON answers hold their body as one bytes object in a list: taken as it is, rather
    than through get_data's checks and its generator over the chunks, on every request.
    """
    chunks = response.response
    if type(chunks) is list and len(chunks) == 1 and type(chunks[0]) is bytes:
        return chunks[0]
    return None if response.is_streamed else response.get_data()
