"""A subscriber that fails: BC's retry schedule, and the subscriptions it deletes."""

from __future__ import annotations

import pytest

from tests.helpers import token_echo_server
from tests.webhooks.conftest import Subscriber

# After the first POST (30 s after the change) fails, BC retries after 1, 1, 10, 100 and 1,000
# minutes, each plus the 30-second job delay (codeunit 6154: GetDelayTimeForAttempt by attempt
# 1..5); a sixth failure (attempt > 5) deletes the subscription, 18 h 34 min after the first.
RETRY_TIMES = [
    "2026-01-05T09:00:30.000Z",
    "2026-01-05T09:02:00.000Z",
    "2026-01-05T09:03:30.000Z",
    "2026-01-05T09:14:00.000Z",
    "2026-01-05T10:54:30.000Z",
    "2026-01-06T03:35:00.000Z",
]


def test_a_failing_subscriber_is_retried_on_bcs_schedule_then_dropped(hooks, subscriber):
    subscriber.answers = [503] * 10
    hooks.subscribe(subscriber.url)
    hooks.new_journal("RETRY1")
    hooks.advance(2 * 86400)  # two days in one move: every job runs at its own time
    deliveries = hooks.deliveries()
    assert [d["time"] for d in deliveries] == RETRY_TIMES
    assert [d["attempt"] for d in deliveries] == [1, 2, 3, 4, 5, 6]
    assert [d["result"] for d in deliveries] == ["retryScheduled"] * 5 + ["subscriptionsDeleted"]
    assert len(subscriber.requests) == 6
    assert hooks.get("subscriptions").json()["value"] == []  # deleted after the sixth failure


def test_each_retry_waits_for_its_time(hooks, subscriber):
    subscriber.answers = [500]
    hooks.subscribe(subscriber.url)
    hooks.new_journal("RETRY2")
    hooks.advance(30)
    [pending] = hooks.webhooks()["subscriptions"][0]["pending"]
    assert (pending["attempt"], pending["due"]) == (1, "2026-01-05T09:01:30.000Z")
    hooks.advance(89)
    assert len(subscriber.requests) == 1
    hooks.advance(1)
    assert len(subscriber.requests) == 2
    assert hooks.deliveries()[-1]["result"] == "delivered"
    assert hooks.webhooks()["subscriptions"][0]["pending"] == []


@pytest.mark.parametrize("answer", [408, 429, 500, 502, 503, 504, "slow"])
def test_bc_retries_timeouts_throttling_and_server_errors(hooks, subscriber, answer):
    subscriber.answers = [answer]
    hooks.subscribe(subscriber.url)
    hooks.new_journal("RETRY3")
    hooks.advance(30)
    [failed] = hooks.deliveries()
    assert failed["result"] == "retryScheduled"
    assert failed["status"] == (None if answer == "slow" else answer)
    hooks.advance(90)
    assert [d["result"] for d in hooks.deliveries()] == ["retryScheduled", "delivered"]


def test_a_subscriber_that_went_away_is_retried(hooks):
    """It passed the handshake, then stopped listening: the connection is refused."""
    with token_echo_server() as server:
        url = f"http://127.0.0.1:{server.server_port}/hook"
        assert hooks.subscribe(url).status_code == 201
    hooks.new_journal("GONE1")
    hooks.advance(30)
    [failed] = hooks.deliveries()
    assert (failed["status"], failed["error"], failed["result"]) == (
        None,
        "connection refused",
        "retryScheduled",
    )


@pytest.mark.parametrize("answer", [400, 401, 403, 404, 410])
def test_any_other_failure_deletes_every_subscription_of_that_url_at_once(
    hooks, subscriber, httpserver, answer
):
    other = Subscriber(httpserver, "/other")
    subscriber.answers = [answer]
    hooks.subscribe(subscriber.url, subscriptionId="a")
    hooks.subscribe(subscriber.url, "customers", subscriptionId="b")
    hooks.subscribe(other.url, subscriptionId="c")
    hooks.new_journal("RETRY4")
    hooks.advance(30)
    assert [d["result"] for d in hooks.deliveries() if d["url"] == subscriber.url] == ["subscriptionsDeleted"]
    assert [s["subscriptionId"] for s in hooks.get("subscriptions").json()["value"]] == ["c"]
    assert len(other.requests) == 1


def test_changes_made_while_a_notification_waits_for_its_retry_go_with_it(hooks, subscriber):
    subscriber.answers = [503]
    hooks.subscribe(subscriber.url)
    first = hooks.new_journal("RETRY5")
    hooks.advance(30)
    second = hooks.new_journal("RETRY6")
    hooks.advance(30)  # the new change's job: BC sends the waiting notification with it
    body = subscriber.notifications[-1]
    assert [i["resource"].rsplit("(", 1)[1] for i in body["value"]] == [f"{first['id']})", f"{second['id']})"]
    assert hooks.deliveries()[-1]["result"] == "delivered"


def test_a_redirect_counts_as_delivered(hooks, subscriber):
    """BC's HTTP client takes any answer below 400; bc_mock does not follow the redirect."""
    subscriber.answers = [302]
    hooks.subscribe(subscriber.url)
    hooks.new_journal("RETRY7")
    hooks.advance(30)
    assert hooks.deliveries()[-1]["result"] == "delivered"


def test_a_fault_rule_can_lose_a_notification(hooks, subscriber):
    rule = hooks.mock(
        "POST", "faults", {"webhook": "notification", "tenant": hooks.tenant, "drop": True, "times": 1}
    )
    assert rule.status_code == 201, rule.text
    hooks.subscribe(subscriber.url)
    hooks.new_journal("LOST1")
    hooks.advance(30)
    assert subscriber.requests == []  # never sent
    [lost] = hooks.deliveries()
    assert (lost["result"], lost["faultRule"]) == ("lost", rule.json()["id"])
    hooks.advance(3600)
    assert subscriber.requests == []  # and BC believes it delivered: no retry
    hooks.new_journal("LOST2")
    hooks.advance(30)
    assert [i["changeType"] for i in subscriber.items()] == ["created"]


def test_a_fault_rule_can_answer_for_the_subscriber(hooks, subscriber):
    hooks.mock(
        "POST",
        "faults",
        {
            "webhook": "notification",
            "url": "*/hook",
            "tenant": hooks.tenant,
            "preset": "unavailable",
            "times": 1,
        },
    )
    hooks.subscribe(subscriber.url)
    hooks.new_journal("FAULT1")
    hooks.advance(30)
    [failed] = hooks.deliveries()
    assert (failed["status"], failed["result"]) == (503, "retryScheduled")
    assert "fault rule" in failed["error"]
    assert subscriber.requests == []
    hooks.advance(90)
    assert len(subscriber.requests) == 1


def test_a_fault_rule_can_fail_a_handshake_or_delay_it(hooks, subscriber):
    hooks.mock("POST", "faults", {"webhook": "handshake", "tenant": hooks.tenant, "status": 404, "times": 1})
    assert hooks.subscribe(subscriber.url).status_code == 400
    hooks.mock("POST", "faults", {"webhook": "handshake", "tenant": hooks.tenant, "delayMs": 50, "times": 1})
    assert hooks.subscribe(subscriber.url).status_code == 201
    assert len(subscriber.handshakes) == 1


def test_webhook_rules_and_api_rules_keep_to_their_own_requests(hooks, subscriber):
    hooks.mock("POST", "faults", {"webhook": "*", "tenant": hooks.tenant, "status": 500})
    assert hooks.get("companies").status_code == 200  # the API is not touched
    hooks.mock("DELETE", "faults")
    hooks.mock("DELETE", "faults?tenant=" + hooks.tenant)
    hooks.mock("POST", "faults", {"path": "*", "tenant": hooks.tenant, "status": 500})
    assert hooks.subscribe(subscriber.url).status_code == 500  # an API request: it fails
    assert subscriber.handshakes == []


@pytest.mark.parametrize(
    ("rule", "wanted"),
    [
        ({"webhook": "email", "status": 500}, "'webhook' must be one of"),
        ({"url": "*", "status": 500}, "give 'webhook' too"),
        ({"webhook": "notification", "path": "*", "status": 500}, "not 'path'"),
        ({"webhook": "notification", "url": 5, "status": 500}, "'url' must be a string"),
    ],
)
def test_malformed_webhook_rules_are_refused(hooks, rule, wanted):
    refused = hooks.mock("POST", "faults", rule)
    assert refused.status_code == 400
    assert wanted in refused.json()["error"]["message"]
