"""The webhooks and clock view: a real subscriber, a real notification, the clock moved from the page."""

from __future__ import annotations

import requests
from werkzeug import Response

XSS = "<img src=x onerror=\"window.__xss='webhooks'\">"


def test_the_clock_and_the_webhooks_are_shown_and_driven(page, httpserver):
    told = []

    def receiver(request):
        if "validationToken" in request.args:
            return Response(request.args["validationToken"])
        told.append(request.get_json())
        return Response(status=200)

    httpserver.expect_request("/hook").respond_with_handler(receiver)
    requests.post(f"{page.url}/_mock/clock", json={"now": "2030-01-05T09:00:00Z", "frozen": True}, timeout=10)
    subscribed = requests.post(
        f"{page.api}/subscriptions",
        json={
            "subscriptionId": XSS,
            "notificationUrl": httpserver.url_for("/hook"),
            "resource": f"{page.company.split('/api/v2.0/')[1]}/customerPaymentJournals",
        },
        timeout=10,
    )
    assert subscribed.status_code == 201, subscribed.text
    requests.post(f"{page.company}/customerPaymentJournals", json={"code": "SEEN"}, timeout=10)

    page.open("webhooks")
    page.wait(lambda: page.text("#clock-now") == "2030-01-05T09:00:00.000Z", what="the clock")
    assert page.text("#clock-frozen") == "frozen"
    tables = page.wait(lambda: page.find_all("#webhook-tables .card"), what="the tables")
    assert [table.find_element("css selector", "h2").text for table in tables] == [
        "Subscriptions (1)",
        "Deliveries, newest first (1)",  # the handshake
    ]
    assert XSS in tables[0].text  # shown as text, never run
    page.type("#clock-form input[name=seconds]", "30")
    page.click("#clock-form button[type=submit]")
    page.wait(lambda: page.text("#clock-now") == "2030-01-05T09:00:30.000Z", what="the clock to move on")
    page.wait(lambda: "Deliveries, newest first (2)" in page.text("#webhook-tables"), what="the notification")
    assert "created" in page.text("#webhook-tables") and "delivered" in page.text("#webhook-tables")
    assert len(told) == 1

    requests.post(f"{page.company}/customerPaymentJournals", json={"code": "FLUSHED"}, timeout=10)
    page.click("#webhooks-flush")
    page.wait(lambda: "Deliveries, newest first (3)" in page.text("#webhook-tables"), what="the flushed one")
    assert len(told) == 2
