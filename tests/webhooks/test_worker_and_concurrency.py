"""Deliveries on real time, by the background worker; API traffic while they run."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from werkzeug import Response

from tests.webhooks.conftest import TIMEOUT_S, Subscriber, Tenant


@pytest.fixture(scope="module")
def quick_server(start_bc_mock_for_module):
    """Real time, and notifications 0.3 s after a change."""
    return start_bc_mock_for_module(
        "--webhook-delay=0.3", f"--webhook-timeout={TIMEOUT_S}", f"--webhook-handshake-timeout={TIMEOUT_S}"
    ).url


def _wait_for(condition, timeout: float = 1.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_on_real_time_the_worker_delivers_when_the_delay_has_passed(quick_server, subscriber):
    live = Tenant(quick_server)
    live.clock(frozen=False)
    live.subscribe(subscriber.url)
    made = time.monotonic()
    live.new_journal("LIVE1")
    assert _wait_for(lambda: subscriber.requests, timeout=1.0)
    assert time.monotonic() - made >= 0.25  # not before the delay
    assert [i["changeType"] for i in subscriber.items()] == ["created"]


def test_a_frozen_clock_sends_nothing_until_it_is_moved(quick_server, subscriber):
    frozen = Tenant(quick_server)
    frozen.clock(frozen=True)
    frozen.subscribe(subscriber.url)
    frozen.new_journal("FROZEN1")
    time.sleep(0.5)
    assert subscriber.requests == []
    frozen.advance(0.3)
    assert len(subscriber.requests) == 1


def test_a_subscriber_may_read_back_from_bc_while_it_is_notified(hooks, httpserver):
    """The usual subscriber fetches what changed before it answers: bc_mock holds no lock."""
    fetched = []

    def handle(request):
        if "validationToken" in request.args:
            return Response(request.args["validationToken"])
        for item in request.get_json()["value"]:
            path = item["resource"].split("/api/v2.0/", 1)[1]
            fetched.append(requests.get(hooks.url(path), timeout=5).status_code)
        return Response("", 200)

    httpserver.expect_request("/reader").respond_with_handler(handle)
    hooks.subscribe(httpserver.url_for("/reader"))
    hooks.new_journal("READ1")
    hooks.advance(30)
    assert fetched == [200]
    assert hooks.deliveries()[0]["result"] == "delivered"


def test_api_requests_are_served_while_slow_deliveries_run(hooks, hooks_server, httpserver):
    """Three slow subscribers (0.4 s each) take 1.2 s to notify; meanwhile this tenant and
    another are answered at once."""
    slow = []
    for name in ("a", "b", "c"):
        subscriber = Subscriber(httpserver, f"/slow-{name}")
        subscriber.answers = ["pause"] * 5
        slow.append(subscriber)
        hooks.subscribe(subscriber.url)
    hooks.new_journal("SLOW1")
    other = Tenant(hooks_server)
    flushing = threading.Thread(target=hooks.flush)
    flushing.start()
    time.sleep(0.1)
    latencies = []
    try:
        while flushing.is_alive() and len(latencies) < 40:
            for request in (
                lambda: hooks.get(hooks.journals()),
                lambda: hooks.post(hooks.journals(), {"code": f"P{len(latencies)}"}),
                lambda: other.get(other.journals()),
                lambda: other.mock("POST", "clock", {"advanceSeconds": 1}),
            ):
                started = time.monotonic()
                status = request().status_code
                latencies.append(time.monotonic() - started)
                assert status in (200, 201)
    finally:
        flushing.join(timeout=5)
    assert len(latencies) >= 8
    assert max(latencies) < 0.25, sorted(latencies)[-5:]
    assert all(len(s.requests) == 1 for s in slow)


def test_subscribers_that_never_answer_cannot_take_every_thread(start_bc_mock, subscriber):
    """A handshake holds a worker thread while it waits: at most half of them do; beyond, a
    subscription is refused at once with 429, and the API is served meanwhile."""
    url = start_bc_mock("--threads=2", f"--webhook-handshake-timeout={TIMEOUT_S}").url
    slow = Tenant(url)
    subscriber.handshake = "slow"
    first = threading.Thread(target=slow.subscribe, args=(subscriber.url,))
    first.start()
    try:
        assert _wait_for(lambda: subscriber.handshakes, timeout=1.0)  # the first one waits on it
        started = time.monotonic()
        refused = slow.subscribe(subscriber.url)
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "Application_TooManyRequests"
        assert slow.get("companies").status_code == 200
        assert time.monotonic() - started < 0.3
    finally:
        first.join(timeout=5)
