"""The application factory: wires the store, the blueprints and BC's error rendering."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, request
from flask.sessions import NullSession, SessionInterface
from werkzeug.exceptions import HTTPException

from bc_mock import errors, hooks, jsonio, limits
from bc_mock.api.views import bp as api_bp
from bc_mock.auth.applications import Applications
from bc_mock.clock import Clocks, parse_clock_option
from bc_mock.config import Settings, parse_limit
from bc_mock.control import bp as control_bp
from bc_mock.dashboard import bp as dashboard_bp
from bc_mock.exceptions import RuleError
from bc_mock.faults import FaultSet, load_rules
from bc_mock.journal import Journal
from bc_mock.ratelimit import RateLimiter
from bc_mock.routing import LazyBuilderRule, cache_matches
from bc_mock.seed import load_seed
from bc_mock.store import Store
from bc_mock.webhooks.engine import Webhooks
from bc_mock.wsgi_request import BcRequest, request_proxy

log = logging.getLogger("bc_mock")


@dataclass
class MockState:
    """Everything one running mock holds; kept in ``app.extensions["bc_mock"]``."""

    settings: Settings
    store: Store
    journal: Journal = field(default_factory=Journal)
    faults: FaultSet = field(default_factory=FaultSet)
    rate_limiter: RateLimiter | None = None
    initial_faults: list = field(default_factory=list)  # from --faults: what a reset puts back
    # set by the runner (cli, MockServer): closes a request's connection with no answer
    drop_connection: Callable[[dict], bool] | None = None
    # the registered applications (BC's Microsoft Entra applications), from the seed
    applications: Applications = field(default_factory=Applications)
    entra: Any = None  # the token service (bc_mock.auth.entra.EntraService) with --auth entra
    ca_pem: bytes | None = None  # the CA of the certificate generated for --tls (set by serving)
    clocks: Clocks = field(default_factory=Clocks)
    webhooks: Webhooks = field(init=False)

    def __post_init__(self) -> None:
        settings = self.settings
        self.webhooks = Webhooks(
            self.store,
            self.clocks,
            self.faults,
            delay_s=settings.webhook_delay,
            collection_threshold=settings.webhook_collection_threshold,
            timeout_s=settings.webhook_timeout,
            handshake_timeout_s=settings.webhook_handshake_timeout,
            # a handshake holds a worker thread while it waits: half of them at most, so that
            # subscribers that never answer cannot take every thread from the API
            max_handshakes=max(1, settings.threads // 2),
        )

    def clock_json(self, tenant: str | None) -> dict:
        """``GET /_mock/clock``'s answer: the time of ``tenant``'s clock (or the server's)."""
        answer = self.clocks.of(tenant).to_json()
        if tenant is not None:
            answer.update(tenant=tenant, ownClock=self.clocks.has_own(tenant))
        return answer

    def move_clock(
        self,
        tenant: str | None,
        advance: float | None = None,
        moment: dt.datetime | None = None,
        frozen: bool | None = None,
    ) -> dict:
        """Move the clock (``tenant``'s own, made when first moved; else the server's) forward by
        ``advance`` seconds or to ``moment``, freeze or unfreeze it, then run every webhook job
        that became due. ClockError (a ValueError) if it would go backwards."""
        clock = self.clocks.own(tenant) if tenant is not None else self.clocks.server
        if moment is not None:
            clock.set(moment)
        elif advance is not None:
            clock.advance(advance)
        if frozen is not None:
            clock.freeze(frozen)
        self.webhooks.run_due(tenant)
        return self.clock_json(tenant)

    def reset(self, tenant: str | None = None) -> None:
        """Back to the start: data, journal, fault rules (and their counters), rate-limit counts,
        the clock, webhook subscriptions with what is pending for them and their deliveries.

        With ``tenant``, only that tenant's: its data (every environment), the rules scoped to
        it, its journal entries, its registered applications (the seed's again), its rate-limit
        count, its own clock and subscriptions; the rules from --faults stay.
        """
        self.store.reset(tenant)
        self.webhooks.reset(tenant)
        self.clocks.reset(tenant)
        self.journal.clear(tenant)
        self.faults.clear(tenant)
        self.applications.reset(tenant)
        if tenant is None and self.initial_faults:
            self.faults.add_many(self.initial_faults)
        if self.rate_limiter is not None:
            self.rate_limiter.clear(tenant)


def _state(settings: Settings, store: Store | None) -> MockState:
    applications: tuple = ()
    if store is None:
        seed = load_seed(settings.fixtures)
        store, applications = seed.store, seed.applications
    clocks = Clocks(parse_clock_option(settings.clock), settings.max_tenants)
    state = MockState(
        settings,
        store,
        Journal(settings.journal_size),
        applications=Applications(applications),
        clocks=clocks,
    )
    state.store.max_namespaces = settings.max_tenants
    if settings.rate_limit:
        # its window is bc_mock's clock: a test that moves the clock moves the window
        state.rate_limiter = RateLimiter(
            *parse_limit(settings.rate_limit), clock=lambda tenant: clocks.now(tenant).timestamp()
        )
    if settings.faults:
        state.initial_faults = load_rules(settings.faults)
        state.faults.add_many(state.initial_faults)
    return state


def create_app(settings: Settings | None = None, store: Store | None = None) -> Flask:
    settings = settings or Settings()
    app = Flask("bc_mock")
    app.request_class = BcRequest  # a cheaper request.url (recorded for every request)
    app.url_rule_class = LazyBuilderRule  # a shorter start-up: URL builders compiled when first used
    cache_matches(app.url_map)  # a path matched before is not matched again (see routing.py)
    # Flask asks of every view and hook, on every call, whether it is a coroutine function; none
    # of bc_mock's is, and the check is a noticeable share of a simple GET's time
    app.ensure_sync = _synchronous  # type: ignore[method-assign]  # replaced on this app, on purpose
    app.session_interface = _NoSessions()
    app.extensions["bc_mock"] = _state(settings, store)
    limits.install(app, hooks.API_BLUEPRINT)
    hooks.install(app, _render)
    app.register_blueprint(control_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(api_bp)
    if settings.auth == "entra":
        from bc_mock.auth import entra  # PyJWT and cryptography load only for --auth entra

        state = app.extensions["bc_mock"]
        state.entra = entra.EntraService(settings, state.applications, state.clocks)
        hooks.install(app, entra.render_fault, blueprint=hooks.ENTRA_BLUEPRINT, service=hooks.ENTRA)
        app.register_blueprint(entra.bp)
    app.after_request(_bc_headers)
    app.register_error_handler(errors.BcError, _render_bc_error)
    app.register_error_handler(RuleError, _render_rule_error)
    app.register_error_handler(HTTPException, _render_http_exception)
    app.register_error_handler(Exception, _render_unexpected)
    return app


def _synchronous(func: Callable) -> Callable:
    return func


class _NoSessions(SessionInterface):
    """bc_mock keeps no sessions: one read-only null session for every request, rather than
    Flask looking for a secret key and making a new null session each time."""

    _none = NullSession()

    def open_session(self, app: Flask, request) -> NullSession:
        return self._none

    def save_session(self, app: Flask, session, response: Response) -> None:
        return None


def _render(error: errors.BcError) -> Response:
    body = jsonio.dumps(error.body(request_proxy._get_current_object().request_id))
    response = Response(body, status=error.status, content_type="application/json")
    response.headers.update(error.headers)
    return response


# the headers _bc_headers adds, named in lower case
_BC_HEADER_NAMES = ("request-id", "cache-control")
NO_CACHE = "no-cache, no-store"


def _bc_headers(response: Response) -> Response:
    """What BC sends with every answer of its API (recorded, BC 25.4): the request's id (the
    CorrelationId of an error) and no caching. bc_mock's own /_mock answers, and the token
    service's (Entra's headers), are left alone."""
    req = request_proxy._get_current_object()  # once, not a proxy lookup per attribute
    if req.path.startswith("/_mock") or req.blueprint == hooks.ENTRA_BLUEPRINT:
        return response
    headers = response.headers
    items = headers._list  # werkzeug's own storage of a Headers' items
    # Most answers hold neither header yet: both are appended to the list as they are (the
    # request id is bc_mock's own GUID, the other a constant: nothing for werkzeug to check).
    # Headers.set scans and lower-cases the list and checks each value, once per header, on
    # every request. An answer that has one already (a fault rule's headers) has it replaced
    # in place by Headers.set, as before.
    for name, _ in items:  # a loop, not any() over a generator: one frame less per request
        if name.lower() in _BC_HEADER_NAMES:
            headers["request-id"] = req.request_id
            headers["Cache-Control"] = NO_CACHE
            return response
    items.append(("request-id", req.request_id))
    items.append(("Cache-Control", NO_CACHE))
    return response


def _render_bc_error(error: errors.BcError) -> Response:
    return _render(error)


def _render_rule_error(error: RuleError) -> Response:
    return _render(errors.bad_request(str(error)))


def _render_http_exception(error: HTTPException) -> Response:
    # werkzeug's own answers (no route matched, wrong method on /_mock) in BC's format, not HTML
    if error.code == 404:
        return _render(errors.not_found_url(request.url))
    if error.code == 413:  # a body stream longer than it said (or than MAX_CONTENT_LENGTH)
        return _render(limits.body_too_large(None, limits.max_body()))
    if error.code == 405:
        return _render(
            errors.BcError(405, "BadRequest_MethodNotAllowed", f"'{request.method}' is not allowed here.")
        )
    return _render(errors.BcError(error.code or 400, "BadRequest", error.description or error.name))


def _render_unexpected(error: Exception) -> Response:
    log.exception("unexpected error while serving %s %s", request.method, request.url)
    return _render(errors.BcError(500, "Internal_ServerError", f"An unexpected error occurred: {error!r}"))
