"""The /_mock control endpoints: health, reset, fault rules, the request journal, the OpenAPI document
(and, in ``auth.py``, registered applications, tokens made to order and the TLS CA).

They are never subject to auth, faults, the rate limit or the journal. Optional ``tenant``
query parameters scope clearing and listing to one tenant, so that several test runs can
share one server (each on a tenant of its own) without touching each other's rules:

* a fault rule with a ``tenant`` belongs to that tenant: ``/_mock/faults`` lists, removes and
  clears it only with ``?tenant=`` naming it; without ``?tenant=`` they work on the rules
  without a tenant; ``?tenant=*`` works on every rule (an overview, or a clean sweep).
* the journal and the reset work on everything without ``?tenant=`` (or with ``*``).
* ``?tenant=`` given empty is a 400: an unset variable must not widen a call to everything.

A web page the developer visits must not drive the mock (``guard``): /_mock answers only
requests addressed to a local name (an IP address, ``localhost``, a name without a dot such
as a container's, or one of ``--allowed-hosts``: against DNS rebinding), not sent by a page
of another origin (``Origin``, ``Sec-Fetch-Site``), and whose body, if any, is JSON (an HTML
form can post only text or form data without a preflight).
"""

from __future__ import annotations

import ipaddress
import json
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, request
from flask.blueprints import BlueprintSetupState

from bc_mock import __version__, errors, jsonio
from bc_mock.control import data
from bc_mock.exceptions import RuleError
from bc_mock.faults import EVERY_TENANT, NO_TENANT
from bc_mock.journal import PARSED, SUMMARY, TEXT, parse_time, strict_dumps

ALL_TENANTS = "*"  # ?tenant=* : every tenant

bp = Blueprint("control", __name__, url_prefix="/_mock")


@bp.record_once
def _apply_limits(setup: BlueprintSetupState) -> None:
    """Bound what /_mock keeps, from the app's settings, as the app registers these endpoints:
    the request journal's bytes (``--journal-body-limit``, ``--journal-budget``); the fault
    rules (``--max-fault-rules``) are bounded as they are added, and a ``--faults`` file must
    fit in that bound."""
    state = setup.app.extensions["bc_mock"]
    settings = state.settings
    state.journal.configure(settings.journal_body_limit, settings.journal_budget)
    if len(state.initial_faults) > settings.max_fault_rules:
        raise ValueError(
            f"{settings.faults}: {len(state.initial_faults)} fault rules, more than "
            f"--max-fault-rules ({settings.max_fault_rules})"
        )


@bp.before_request
def guard() -> None:
    """Refuse a /_mock request a web page could have made (see the module's docstring)."""
    refuse_foreign_host()
    origin = request.headers.get("Origin")
    own = f"{request.scheme}://{request.host}"
    if request.headers.get("Sec-Fetch-Site", "").strip().lower() == "cross-site" or (
        origin is not None and _origin(origin) != _origin(own)
    ):
        raise errors.BcError(
            403,
            "Authorization_CrossOriginRequest",
            f"The /_mock endpoints do not answer requests of a web page from another origin "
            f"('{origin or 'another site'}'): a page you visit could otherwise reset or fault your "
            "mock. Call them from tests, curl or bc_mock.MockServer.",
        )
    if request.method in ("POST", "PUT", "PATCH") and _has_body() and request.mimetype != "application/json":
        raise errors.BcError(
            415,
            "BadRequest_UnsupportedMediaType",
            "The /_mock endpoints take JSON bodies only: send Content-Type: application/json, not "
            f"'{request.headers.get('Content-Type', '')}'.",
        )


def refuse_foreign_host() -> None:
    """403 for a request addressed to a name a web page could have pointed at this machine
    (DNS rebinding): not an IP address, localhost, a name without a dot, nor --allowed-hosts."""
    host = _host_name(request.host)
    if not _local_host(host) and not _allowed_host(host, _state().settings.allowed_hosts):
        raise errors.BcError(
            403,
            "Authorization_HostNotAllowed",
            f"The /_mock endpoints answer requests addressed to an IP address, localhost or a name "
            f"without a dot (such as a container's), not to '{host}': a web page could reach them "
            f"through DNS rebinding. To allow that name, start bc-mock with --allowed-hosts {host} "
            "(BC_MOCK_ALLOWED_HOSTS).",
        )


def _host_name(host: str) -> str:
    """The name (or address) of a Host header, without its port; lower-cased."""
    host = host.strip().lower()
    if host.startswith("["):  # [::1]:8080
        return host[1:].partition("]")[0]
    name, colon, port = host.rpartition(":")
    return name if colon and port.isdigit() and ":" not in name else host


def _local_host(name: str) -> bool:
    """An IP address, localhost (or *.localhost), or a name without a dot (a container, a
    compose service): no one can point such a name at this machine from a web page."""
    if name == "localhost" or name.endswith(".localhost") or "." not in name:
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _allowed_host(name: str, allowed: tuple[str, ...]) -> bool:
    return any(
        pattern == "*" or name == pattern or (pattern.startswith("*.") and name.endswith(pattern[1:]))
        for pattern in allowed
    )


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin or a URL; None for ``null`` or anything malformed."""
    try:
        parts = urlsplit(url.strip())
        scheme, host, port = parts.scheme.lower(), parts.hostname, parts.port
    except ValueError:
        return None
    if scheme not in ("http", "https") or not host:
        return None
    return scheme, host, port or (443 if scheme == "https" else 80)


def _has_body() -> bool:
    length = request.content_length
    return bool(length) or "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def _json(payload: dict | list, status: int = 200) -> Response:
    # strict JSON, ASCII: a recorded body may hold any string a client sent (lone surrogates
    # included), numbers that must stay exact, and NaN or Infinity, which JSON has not
    return Response(strict_dumps(payload), status=status, content_type="application/json")


def _state():
    return current_app.extensions["bc_mock"]


def _tenant() -> str | None:
    """The tenant named by ``?tenant=``; None without one, or for ``*`` (every tenant)."""
    tenant = request.args.get("tenant")
    if tenant is None or tenant == ALL_TENANTS:
        return None
    if not tenant.strip():
        raise errors.bad_request(
            "'tenant' must name a tenant (or be '*' for every tenant); leave it out to mean "
            "every tenant's journal and data, or the fault rules without a tenant."
        )
    return tenant


def _fault_scope() -> str | None:
    """The fault rules a request works on: a tenant's; without ``?tenant=``, those without a
    tenant (NO_TENANT); with ``?tenant=*``, every rule (EVERY_TENANT)."""
    if "tenant" not in request.args:
        return NO_TENANT
    tenant = _tenant()
    return EVERY_TENANT if tenant is None else tenant


@bp.get("/health")
def health() -> Response:
    state = _state()
    return _json(
        {
            "status": "ok",
            "version": __version__,
            "companies": len(state.store.seed_company_ids()),
            "journal": state.journal.stats(),
            "faultRules": {"rules": len(state.faults), "maxRules": state.settings.max_fault_rules},
            "auth": state.settings.auth or "none",
            "tls": state.settings.tls,
            "applications": len(state.applications),
        }
    )


@bp.post("/reset")
def reset() -> Response:
    _state().reset(_tenant())
    return _json({"status": "reset"})


@bp.get("/openapi.json")
def openapi_document() -> Response:
    """The OpenAPI 3 document of the BC API (generated from the registry on first use)."""
    from bc_mock import openapi  # apispec loads only when asked: start-up stays fast

    return _json(openapi.document())


# --- fault rules -------------------------------------------------------------


@bp.get("/faults")
def list_faults() -> Response:
    return _json({"value": _state().faults.list(_fault_scope())})


@bp.post("/faults")
def add_faults() -> Response:
    try:
        # plain floats, not Decimal: probabilities and delays are not money
        body = json.loads(request.get_data() or b"null")
    except ValueError:
        raise errors.invalid_body() from None
    state = _state()
    limit = state.settings.max_fault_rules
    if isinstance(body, list):
        return _json([rule.to_json() for rule in state.faults.add_many(body, limit)], 201)
    if not isinstance(body, dict):
        raise RuleError("Expected a fault rule (a JSON object) or a list of them.")
    return _json(state.faults.add(body, limit).to_json(), 201)


@bp.delete("/faults")
def clear_faults() -> Response:
    _state().faults.clear(_fault_scope())
    return Response(status=204)


@bp.delete("/faults/<rule_id>")
def delete_fault(rule_id: str) -> Response:
    scope = _fault_scope()
    if not _state().faults.remove(rule_id, scope):
        where = {
            NO_TENANT: " without a tenant (a tenant's rule is removed with ?tenant= naming its tenant)",
            EVERY_TENANT: "",
        }.get(scope, f" of tenant '{scope}'")
        raise errors.BcError(
            404, "BadRequest_NotFound", f"There is no fault rule with id '{rule_id}'{where}."
        )
    return Response(status=204)


# --- request journal ---------------------------------------------------------


@bp.get("/requests")
def list_requests() -> Response:
    """The journal's entries, oldest first; with ``limit``, the newest N and whether there are
    older ones (``more``). See ``_journal_filters`` for the query parameters."""
    limit = _whole("limit", minimum=1)
    summary = _flag("summary")
    entries, older = _state().journal.select(
        **_journal_filters(), exact=True, limit=limit, bodies=SUMMARY if summary else PARSED
    )
    payload: dict = {"value": entries}
    if limit is not None:
        payload["more"] = older
    return _json(payload)


@bp.get("/requests/<int:entry_id>")
def get_request(entry_id: int) -> Response:
    """One entry, whole (404 once the journal no longer holds it)."""
    (entries, _) = _state().journal.select(after=entry_id - 1, before=entry_id + 1, exact=True)
    if not entries:
        raise errors.BcError(
            404,
            "BadRequest_NotFound",
            f"The request journal holds no entry {entry_id}: it keeps the most recent requests "
            "(--journal-size, --journal-budget), and a reset or DELETE /_mock/requests empties it.",
        )
    return _json(entries[0])


@bp.get("/requests.har")
def requests_har() -> Response:
    """The journal (with the same filters as /_mock/requests) as an HTTP Archive 1.2."""
    from bc_mock import har

    entries = _state().journal.entries(**_journal_filters(), bodies=TEXT)
    return _json(har.archive(entries))


def _journal_filters() -> dict:
    """The journal's filters from the query: ``method``, ``path`` (a glob), ``status`` (``429`` or
    ``4xx``), ``since`` (a time), ``tenant``, ``fault`` (a rule's id, or ``*``: any rule),
    ``batch`` (the id of a ``$batch``'s entry: its operations), ``after`` and ``before`` (ids)."""
    since = request.args.get("since")
    try:
        since_time = parse_time(since) if since else None
    except ValueError:
        raise errors.bad_request(
            f"'since' must be an ISO 8601 time, such as 2026-01-05T09:00:00Z: {since!r}"
        ) from None
    return {
        "method": request.args.get("method"),
        "path": request.args.get("path"),
        "status": request.args.get("status"),
        "since": since_time,
        "tenant": _tenant(),
        "fault": request.args.get("fault") or None,
        "batch": _whole("batch"),
        "after": _whole("after"),
        "before": _whole("before"),
    }


def _whole(name: str, minimum: int = 0) -> int | None:
    """A whole-number query parameter (None when absent); a 400 naming it otherwise."""
    text = request.args.get(name)
    if text is None:
        return None
    text = text.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 18 and int(text) >= minimum):
        raise errors.bad_request(f"'{name}' must be a whole number of at least {minimum}, not {text[:40]!r}.")
    return int(text)


def _flag(name: str) -> bool:
    text = request.args.get(name, "false").strip().lower()
    if text not in ("true", "false", "1", "0"):
        raise errors.bad_request(f"'{name}' must be true or false, not {text[:40]!r}.")
    return text in ("true", "1")


@bp.delete("/requests")
def clear_requests() -> Response:
    _state().journal.clear(_tenant())
    return Response(status=204)


# --- what the store holds (the dashboard's data view) ------------------------


@bp.get("/data")
def list_namespaces() -> Response:
    """The (tenant, environment) pairs that hold data (made by a request), sorted."""
    return _json(data.namespaces(_state().store))


@bp.get("/data/<tenant>/<environment>")
def namespace_overview(tenant: str, environment: str) -> Response:
    """Its companies, and how many records each of their sets lists (API v2.0)."""
    return _json(data.overview(_state().store, tenant, environment))


@bp.get("/data/<tenant>/<environment>/companies(<company>)/<set_name>")
def set_records(tenant: str, environment: str, company: str, set_name: str) -> Response:
    """A page of a company's set, read and rendered as the API reads and renders it (v2.0);
    ``$top`` (50 by default, at most 1000), ``$skip``, ``$filter``, ``$orderby``, ``$select``."""
    page = data.records(_state().store, tenant, environment, company, set_name, request.args)
    # written as the API writes its answers (decimals exactly as stored)
    return Response(jsonio.dumps(page), content_type="application/json")


# on this blueprint too: registered applications, made-to-order tokens and the CA (auth); the
# clock and the webhooks (timing)
from bc_mock.control import auth as _auth  # noqa: E402, F401
from bc_mock.control import timing  # noqa: E402, F401
