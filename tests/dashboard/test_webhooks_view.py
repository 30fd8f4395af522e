"""The webhooks and clock view, against a server that has /_mock/clock and /_mock/webhooks as their
contract describes them (bc_mock itself does not have them yet: there the view stays hidden, see
test_requests_view.py)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from flask import jsonify, request
from werkzeug.serving import make_server

from bc_mock.app import create_app

SUBSCRIPTION = {
    "id": "5c0e0000-0000-4000-8000-000000000001",
    "notificationUrl": "http://127.0.0.1:9/hook",
    "resource": "api/v2.0/companies(c0a00001-0000-4000-8000-000000000001)/customerPayments",
    "expirationDateTime": "2026-01-08T09:00:00Z",
}
DELIVERY = {
    "time": "2026-01-05T09:00:30Z",
    "url": "http://127.0.0.1:9/hook",
    "attempt": 2,
    "status": 503,
    "error": "<img src=x onerror=\"window.__xss='delivery'\">",
    "body": {"value": [{"changeType": "updated"}]},
    "subscriptionIds": [SUBSCRIPTION["id"]],
}


@pytest.fixture
def clock_server():
    app = create_app()
    now = {"time": dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)}

    def clock():
        if request.method == "POST":
            now["time"] += dt.timedelta(seconds=request.get_json()["advanceSeconds"])
        return jsonify(now=now["time"].isoformat().replace("+00:00", "Z"), frozen=True)

    app.add_url_rule("/_mock/clock", "clock", clock, methods=["GET", "POST"])
    app.add_url_rule(
        "/_mock/webhooks", "webhooks", lambda: jsonify(subscriptions=[SUBSCRIPTION], deliveries=[DELIVERY])
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_the_clock_and_the_webhooks_are_shown_where_the_server_has_them(page, clock_server):
    page.url = clock_server
    page.open()
    page.wait(lambda: page.find("#webhooks-tab").is_displayed(), what="the webhooks tab")
    page.click("#webhooks-tab")
    page.wait(lambda: page.text("#clock-now") == "2026-01-05T09:00:00Z", what="the clock")
    assert page.text("#clock-frozen") == "frozen"
    tables = page.wait(lambda: page.find_all("#webhook-tables .card"), what="the tables")
    assert [table.find_element("css selector", "h2").text for table in tables] == [
        "Subscriptions (1)",
        "Delivery attempts (1)",
    ]
    assert SUBSCRIPTION["notificationUrl"] in tables[0].text
    assert DELIVERY["error"] in tables[1].text  # as text
    page.type("#clock-form input[name=seconds]", "90")
    page.click("#clock-form button[type=submit]")
    page.wait(lambda: page.text("#clock-now") == "2026-01-05T09:01:30Z", what="the clock to move on")
