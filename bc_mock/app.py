"""The application factory: wires the store, the blueprints and BC's error rendering."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, Response, request
from flask.sessions import NullSession, SessionInterface
from werkzeug.exceptions import HTTPException

from bc_mock import errors, hooks, jsonio, limits
from bc_mock.api.views import bp as api_bp
from bc_mock.config import Settings, parse_limit
from bc_mock.control import bp as control_bp
from bc_mock.dashboard import bp as dashboard_bp
from bc_mock.exceptions import RuleError
from bc_mock.faults import FaultSet, load_rules
from bc_mock.journal import Journal
from bc_mock.ratelimit import RateLimiter
from bc_mock.routing import LazyBuilderRule
from bc_mock.seed import load_store
from bc_mock.store import Store
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

    def reset(self, tenant: str | None = None) -> None:
        """Back to the start: data, journal, fault rules (and their counters), rate-limit counts.

        With ``tenant``, only that tenant's: its data (every environment), the rules scoped to
        it, its journal entries and its rate-limit count; the rules from --faults stay.
        """
        self.store.reset(tenant)
        self.journal.clear(tenant)
        self.faults.clear(tenant)
        if tenant is None and self.initial_faults:
            self.faults.add_many(self.initial_faults)
        if self.rate_limiter is not None:
            self.rate_limiter.clear(tenant)


def _state(settings: Settings, store: Store | None) -> MockState:
    state = MockState(settings, store or load_store(settings.fixtures), Journal(settings.journal_size))
    state.store.max_namespaces = settings.max_tenants
    if settings.rate_limit:
        state.rate_limiter = RateLimiter(*parse_limit(settings.rate_limit))
    if settings.faults:
        state.initial_faults = load_rules(settings.faults)
        state.faults.add_many(state.initial_faults)
    return state


def create_app(settings: Settings | None = None, store: Store | None = None) -> Flask:
    settings = settings or Settings()
    app = Flask("bc_mock")
    app.request_class = BcRequest  # a cheaper request.url (recorded for every request)
    app.url_rule_class = LazyBuilderRule  # a shorter start-up: URL builders compiled when first used
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


def _bc_headers(response: Response) -> Response:
    """What BC sends with every answer of its API (recorded, BC 25.4): the request's id (the
    CorrelationId of an error) and no caching. bc_mock's own /_mock answers are left alone."""
    if not request.path.startswith("/_mock"):
        response.headers["request-id"] = request_proxy._get_current_object().request_id
        response.headers["Cache-Control"] = "no-cache, no-store"
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
