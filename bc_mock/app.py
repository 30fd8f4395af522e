"""The application factory: wires the store, the blueprints and BC's error rendering."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from bc_mock import errors, jsonio
from bc_mock.api.views import bp as api_bp
from bc_mock.config import Settings
from bc_mock.control import bp as control_bp
from bc_mock.seed import load_store
from bc_mock.store import Store

log = logging.getLogger("bc_mock")


@dataclass
class MockState:
    """Everything one running mock holds; kept in ``app.extensions["bc_mock"]``."""

    settings: Settings
    store: Store


def create_app(settings: Settings | None = None, store: Store | None = None) -> Flask:
    settings = settings or Settings()
    app = Flask("bc_mock")
    app.extensions["bc_mock"] = MockState(settings, store or load_store(settings.fixtures))
    app.register_blueprint(control_bp)
    app.register_blueprint(api_bp)
    app.register_error_handler(errors.BcError, _render_bc_error)
    app.register_error_handler(HTTPException, _render_http_exception)
    app.register_error_handler(Exception, _render_unexpected)
    return app


def _render(error: errors.BcError) -> Response:
    response = Response(jsonio.dumps(error.body()), status=error.status, content_type="application/json")
    response.headers.update(error.headers)
    return response


def _render_bc_error(error: errors.BcError) -> Response:
    return _render(error)


def _render_http_exception(error: HTTPException) -> Response:
    # werkzeug's own answers (no route matched, wrong method on /_mock) in BC's format, not HTML
    if error.code == 404:
        return _render(errors.not_found_url(request.url))
    if error.code == 405:
        return _render(errors.BcError(405, "BadRequest_MethodNotAllowed", f"'{request.method}' is not allowed here."))
    return _render(errors.BcError(error.code or 400, "BadRequest", error.description or error.name))


def _render_unexpected(error: Exception) -> Response:
    log.exception("unexpected error while serving %s %s", request.method, request.url)
    return _render(errors.BcError(500, "Internal_ServerError", f"An unexpected error occurred: {error!r}"))
