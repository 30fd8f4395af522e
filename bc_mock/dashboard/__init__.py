"""The dashboard at ``/_mock/``: one page, served by bc_mock itself, that shows the request
journal live, the fault rules, the data the store holds, the webhooks and the clock.

The page is a server-rendered shell (``templates/dashboard/index.html``, Jinja with
autoescaping) with one stylesheet and one plain script (``static/``): no build step, nothing
from a CDN, so it works offline and in the container. Its data comes from the ``/_mock`` JSON
endpoints, called by the script from the same origin; it changes nothing but through them.

Everything a client sent is shown as text: the script sets ``textContent``, never HTML, and
the page's Content-Security-Policy allows scripts of this server only (no inline script, no
``eval``), so a ``<script>`` in a payment's description is shown, never run, even if an
escape were missed. Like ``/_mock``, the dashboard answers only requests addressed to a local
name (``--allowed-hosts``), and no other site may frame it.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template

from bc_mock import __version__
from bc_mock.control import refuse_foreign_host
from bc_mock.faults import PRESETS

bp = Blueprint(
    "dashboard",
    __name__,
    url_prefix="/_mock",
    static_folder="static",
    static_url_path="/static",
    template_folder="templates",
)

# scripts, styles, images and requests of this server only; no inline script or eval; no frames
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@bp.before_request
def guard() -> None:
    refuse_foreign_host()  # as /_mock: no page of another name (DNS rebinding) reads it


@bp.after_request
def security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/")
def page() -> Response:
    state = current_app.extensions["bc_mock"]
    html = render_template(
        "dashboard/index.html",
        version=__version__,
        presets=list(PRESETS),
        journal_size=state.settings.journal_size,
    )
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response
