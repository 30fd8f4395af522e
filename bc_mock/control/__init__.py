"""The /_mock control endpoints: health and reset (never subject to auth)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from bc_mock import __version__, jsonio

bp = Blueprint("control", __name__, url_prefix="/_mock")


def _json(payload: dict, status: int = 200) -> Response:
    return Response(jsonio.dumps(payload), status=status, content_type="application/json")


@bp.get("/health")
def health() -> Response:
    store = current_app.extensions["bc_mock"].store
    return _json({"status": "ok", "version": __version__, "companies": len(store.seed_company_ids())})


@bp.post("/reset")
def reset() -> Response:
    current_app.extensions["bc_mock"].store.reset()
    return _json({"status": "reset"})
