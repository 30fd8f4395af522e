"""/_mock/clock and /_mock/webhooks: bc_mock's clock, and what it sent to webhook subscribers.

* ``GET /_mock/clock`` -> ``{"now": "...Z", "frozen": bool}``; ``POST /_mock/clock`` with
  ``{"advanceSeconds": N}``, ``{"now": "<ISO time>"}`` and/or ``{"frozen": true|false}`` moves it
  (never backwards), runs every webhook job that became due, and answers the same shape.
  ``?tenant=NAME`` works on that tenant's own clock (made, from the server's, when first moved).
* ``POST /_mock/webhooks/flush`` sends every pending notification now: ``{"delivered": N,
  "failed": M}`` (POSTs the subscribers took, and those they did not).
* ``GET /_mock/webhooks`` -> ``{"subscriptions": [...], "deliveries": [...]}``;
  ``DELETE /_mock/webhooks/deliveries`` forgets the deliveries.
"""

from __future__ import annotations

import json

from flask import Response, request

from bc_mock import errors
from bc_mock.clock import ClockError, parse_iso
from bc_mock.control import _json, _state, _tenant, bp
from bc_mock.entities.subscriptions import subscriptions

CLOCK_KEYS = ("advanceSeconds", "now", "frozen")


@bp.get("/clock")
def get_clock() -> Response:
    return _json(_state().clock_json(_tenant()))


@bp.post("/clock")
def move_clock() -> Response:
    try:
        body = json.loads(request.get_data() or b"{}")
    except ValueError:
        raise errors.invalid_body() from None
    if not isinstance(body, dict) or set(body) - set(CLOCK_KEYS):
        raise errors.bad_request(
            f"POST /_mock/clock takes a JSON object of {', '.join(CLOCK_KEYS)}, such as "
            '{"advanceSeconds": 30} or {"now": "2026-01-05T09:00:00Z"}.'
        )
    if "advanceSeconds" in body and "now" in body:
        raise errors.bad_request("Give 'advanceSeconds' or 'now', not both.")
    frozen = body.get("frozen")
    if frozen is not None and not isinstance(frozen, bool):
        raise errors.bad_request("'frozen' must be true or false.")
    try:
        moment = parse_iso(body["now"]) if "now" in body else None
    except ValueError as error:
        raise errors.bad_request(f"'now': {error}") from None
    try:
        answer = _state().move_clock(_tenant(), body.get("advanceSeconds"), moment, frozen)
    except ClockError as error:  # backwards, too far, not a number
        raise errors.bad_request(str(error)) from None
    return _json(answer)


@bp.post("/webhooks/flush")
def flush_webhooks() -> Response:
    outcome = _state().webhooks.flush(_tenant())
    return _json({"delivered": outcome.delivered, "failed": outcome.failed})


@bp.get("/webhooks")
def list_webhooks() -> Response:
    return _json(webhooks_json(_state(), _tenant()))


def webhooks_json(state, tenant: str | None) -> dict:
    """The subscriptions (BC's properties, then what is pending) and the deliveries."""

    def render(row) -> dict:
        return subscriptions.dump("v2.0", row.data)

    return {
        "subscriptions": state.webhooks.overview(tenant, render),
        "deliveries": state.webhooks.log.entries(tenant),
    }


@bp.delete("/webhooks/deliveries")
def clear_deliveries() -> Response:
    _state().webhooks.log.clear(_tenant())
    return Response(status=204)
