"""Expiry and renewal; the collection notification after a burst of changes."""

from __future__ import annotations

import pytest

from tests.helpers import GENERAL
from tests.webhooks.conftest import SERVER_OPTIONS, Tenant

DAY = 86400


def test_a_subscription_expires_after_three_days_and_is_told_nothing_more(hooks, subscriber):
    made = hooks.subscribe(subscriber.url).json()
    hooks.advance(3 * DAY - 1)
    assert [s["subscriptionId"] for s in hooks.get("subscriptions").json()["value"]] == [
        made["subscriptionId"]
    ]
    hooks.advance(1)
    assert hooks.get("subscriptions").json()["value"] == []
    assert hooks.get(hooks.subscription(made["subscriptionId"])).status_code == 404
    hooks.new_journal("LATE1")
    hooks.advance(60)
    assert subscriber.requests == []
    assert hooks.webhooks()["subscriptions"] == []


def test_what_is_pending_for_an_expiring_subscription_is_dropped(hooks, subscriber):
    subscriber.answers = [503] * 10
    hooks.subscribe(subscriber.url)
    hooks.advance(3 * DAY - 120)
    hooks.new_journal("LATE2")
    hooks.advance(30)  # fails; the retry would come at +90 s, after the expiry
    hooks.advance(DAY)
    assert len(subscriber.requests) == 1
    assert hooks.webhooks()["subscriptions"] == []


def test_a_renewal_keeps_a_subscription_alive_three_more_days(hooks, subscriber):
    made = hooks.subscribe(subscriber.url).json()
    url = hooks.subscription(made["subscriptionId"])
    hooks.advance(2 * DAY)
    renewed = hooks.patch(url, {}, etag=made["@odata.etag"]).json()
    assert renewed["expirationDateTime"] == "2026-01-10T09:00:00Z"
    hooks.advance(2 * DAY)  # four days after it was made
    hooks.new_journal("RENEWED")
    hooks.advance(30)
    [item] = subscriber.items()
    assert item["expirationDateTime"] == "2026-01-10T09:00:00Z"


# --- collections, on a server that collapses beyond 3 pending notifications ---------------------


@pytest.fixture(scope="module")
def small_server(start_bc_mock_for_module):
    return start_bc_mock_for_module(*SERVER_OPTIONS, "--webhook-collection-threshold=3").url


@pytest.fixture
def small(small_server) -> Tenant:
    return Tenant(small_server)


def test_up_to_the_threshold_each_change_is_an_item(small, subscriber):
    small.subscribe(subscriber.url)
    for number in range(3):
        small.new_journal(f"C{number}")
    small.advance(30)
    assert [i["changeType"] for i in subscriber.items()] == ["created"] * 3


def test_beyond_the_threshold_one_collection_asks_for_what_changed_since_the_first(small, subscriber):
    small.subscribe(subscriber.url)
    created = set()
    for number in range(4):
        created.add(small.new_journal(f"C{number}")["id"])
        small.advance(1)
    small.advance(30)
    [item] = subscriber.items()
    assert item["changeType"] == "collection"
    # the first change was at 09:00:00; BC asks from 50 ms before it
    assert item["resource"] == (
        f"{small.resource()}?$filter=lastModifiedDateTime%20gt%202026-01-05T08:59:59.95Z"
    )
    assert item["lastModifiedDateTime"] == "2026-01-05T09:00:03Z"  # the last change
    # the filter is one a client can send back as it is
    answer = small.get(item["resource"].split("/api/v2.0/", 1)[1].replace("%20", " "))
    assert answer.status_code == 200
    assert created <= {journal["id"] for journal in answer.json()["value"]}


def test_a_collection_with_a_delete_asks_for_everything(small, subscriber):
    small.subscribe(subscriber.url)
    small.delete(small.journals(f"({GENERAL})"), etag="*")
    for number in range(3):
        small.new_journal(f"D{number}")
    small.advance(30)
    [item] = subscriber.items()
    assert (item["changeType"], item["resource"]) == ("collection", small.resource())


def test_updates_merge_before_they_count(small, subscriber):
    small.subscribe(subscriber.url)
    for number in range(10):
        small.patch(small.journals(f"({GENERAL})"), {"displayName": f"update {number}"})
    small.advance(30)
    assert [i["changeType"] for i in subscriber.items()] == ["updated"]


def test_bcs_default_threshold_is_1000(hooks, subscriber):
    hooks.subscribe(subscriber.url)
    for start in range(0, 1001, 100):
        operations = [
            {"id": str(n), "method": "POST", "url": hooks.journals(), "body": {"code": f"J{n}"}}
            for n in range(start, min(start + 100, 1001))
        ]
        assert hooks.post("$batch", {"requests": operations}).status_code == 200
    pending = hooks.webhooks()["subscriptions"][0]["pending"]
    assert [p["changeType"] for p in pending] == ["collection"]
    hooks.advance(30)
    assert [i["changeType"] for i in subscriber.items()] == ["collection"]
