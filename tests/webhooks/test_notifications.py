"""Notifications: what BC sends after a change, when, merged how, and to whom."""

from __future__ import annotations

import re

from tests.helpers import GENERAL, UK
from tests.webhooks.conftest import Subscriber


def _journal_resource(hooks, journal_id: str) -> str:
    return f"{hooks.resource()}({journal_id})"


def test_a_change_is_notified_30_seconds_later_in_bcs_shape(hooks, subscriber):
    subscription = hooks.subscribe(subscriber.url, clientState="s3cret").json()
    hooks.advance(5)
    journal = hooks.new_journal("HOOK1")
    hooks.advance(29)
    assert subscriber.requests == []  # BC waits 30 seconds after the first change
    hooks.advance(1)
    [request] = subscriber.requests
    assert request.method == "POST"
    assert request.path == "/hook"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Accept"] == "application/json"
    correlation = request.headers["clientRequestId"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", correlation)
    assert request.headers["x-ms-correlation-id"] == correlation
    assert "Authorization" not in request.headers
    body = request.get_json()
    assert list(body) == ["value"]
    [item] = body["value"]
    assert list(item) == [
        "subscriptionId",
        "clientState",
        "expirationDateTime",
        "resource",
        "changeType",
        "lastModifiedDateTime",
    ]
    assert item == {
        "subscriptionId": subscription["subscriptionId"],
        "clientState": "s3cret",
        "expirationDateTime": "2026-01-08T09:00:00Z",
        "resource": _journal_resource(hooks, journal["id"]),
        "changeType": "created",
        "lastModifiedDateTime": journal["lastModifiedDateTime"],
    }
    assert journal["lastModifiedDateTime"] == "2026-01-05T09:00:05Z"  # the tenant's clock
    [delivery] = hooks.deliveries()
    assert delivery["time"] == "2026-01-05T09:00:35.000Z"
    assert (delivery["status"], delivery["attempt"], delivery["result"]) == (200, 1, "delivered")
    assert delivery["body"] == body
    assert delivery["subscriptionIds"] == [subscription["subscriptionId"]]


def test_created_updated_and_deleted(hooks, subscriber):
    hooks.subscribe(subscriber.url)
    journal = hooks.new_journal("HOOK2")
    hooks.advance(30)
    hooks.patch(hooks.journals(f"({journal['id']})"), {"displayName": "changed"})
    hooks.advance(30)
    hooks.delete(hooks.journals(f"({journal['id']})"), etag="*")
    hooks.advance(30)
    assert [[i["changeType"] for i in body["value"]] for body in subscriber.notifications] == [
        ["created"],
        ["updated"],
        ["deleted"],
    ]
    assert {i["resource"] for i in subscriber.items()} == {_journal_resource(hooks, journal["id"])}


def test_repeated_updates_of_a_record_are_merged_into_one(hooks, subscriber):
    hooks.subscribe(subscriber.url)
    url = hooks.journals(f"({GENERAL})")
    for number in range(3):
        hooks.patch(url, {"displayName": f"change {number}"})
        hooks.advance(2)
    hooks.advance(30)
    [item] = subscriber.items()
    assert item["changeType"] == "updated"
    assert item["lastModifiedDateTime"] == "2026-01-05T09:00:04Z"  # of the last update


def test_only_consecutive_updates_merge(hooks, subscriber):
    hooks.subscribe(subscriber.url)
    journal = hooks.new_journal("HOOK3")
    url = hooks.journals(f"({journal['id']})")
    hooks.patch(url, {"displayName": "one"})
    hooks.delete(url, etag="*")
    hooks.advance(30)
    assert [i["changeType"] for i in subscriber.items()] == ["created", "updated", "deleted"]


def test_subscriptions_of_one_url_get_one_post_and_other_urls_their_own(hooks, subscriber, httpserver):
    other = Subscriber(httpserver, "/other")
    hooks.subscribe(subscriber.url, subscriptionId="b-second")
    hooks.subscribe(subscriber.url, subscriptionId="a-first")
    hooks.subscribe(other.url, subscriptionId="c-other")
    hooks.new_journal("HOOK4")
    hooks.advance(30)
    [body] = subscriber.notifications
    assert [i["subscriptionId"] for i in body["value"]] == ["a-first", "b-second"]  # by id
    assert [i["subscriptionId"] for i in other.items()] == ["c-other"]


def test_a_subscription_hears_only_its_company_and_entity_set(hooks, subscriber):
    hooks.subscribe(subscriber.url, resource=hooks.resource(company=UK))
    hooks.subscribe(subscriber.url, "customers")
    hooks.new_journal("HOOK5")  # USA, a journal
    hooks.post(hooks.payments(), {"amount": 10})  # a payment: not a journal change
    hooks.advance(30)
    assert subscriber.requests == []
    hooks.post(hooks.journals(company=UK), {"code": "HOOK5"})
    hooks.advance(30)
    assert [i["changeType"] for i in subscriber.items()] == ["created"]


def test_changes_of_a_batch_are_notified_and_a_refused_request_changes_nothing(hooks, subscriber):
    hooks.subscribe(subscriber.url)
    operations = [
        {"id": str(n), "method": "POST", "url": hooks.journals(), "body": {"code": f"B{n}"}} for n in range(3)
    ]
    answer = hooks.post("$batch", {"requests": operations})
    assert answer.status_code == 200
    refused = hooks.post(hooks.journals(), {"code": "X" * 11})  # too long: BC refuses it
    assert refused.status_code == 400
    hooks.advance(30)
    assert [i["changeType"] for i in subscriber.items()] == ["created"] * 3


def test_a_rolled_back_atomic_batch_notifies_nothing(hooks, subscriber):
    hooks.subscribe(subscriber.url)
    operations = [
        {"id": "1", "method": "POST", "url": hooks.journals(), "body": {"code": "OK1"}},
        {"id": "2", "method": "POST", "url": hooks.journals(), "body": {"code": "X" * 11}},
    ]
    hooks.post("$batch", {"requests": operations}, headers={"Isolation": "snapshot"})
    assert hooks.flush() == {"delivered": 0, "failed": 0}
    assert subscriber.requests == []


def test_flush_sends_what_is_pending_at_once(hooks, subscriber):
    hooks.subscribe(subscriber.url)
    hooks.new_journal("HOOK6")
    assert hooks.flush() == {"delivered": 1, "failed": 0}
    assert [i["changeType"] for i in subscriber.items()] == ["created"]
    hooks.advance(30)  # the job that was due finds nothing left to send
    assert len(subscriber.requests) == 1
    assert hooks.flush() == {"delivered": 0, "failed": 0}


def test_pending_notifications_are_listed(hooks, subscriber):
    made = hooks.subscribe(subscriber.url).json()
    journal = hooks.new_journal("HOOK7")
    [listed] = hooks.webhooks()["subscriptions"]
    assert listed["subscriptionId"] == made["subscriptionId"]
    assert listed["nextJob"] == "2026-01-05T09:00:30.000Z"
    assert listed["pending"] == [
        {
            "recordId": journal["id"],
            "changeType": "created",
            "lastModifiedDateTime": "2026-01-05T09:00:00.000Z",
            "attempt": 0,
            "due": None,
        }
    ]


def test_a_change_within_the_delay_rides_along_and_a_later_one_waits_its_own(hooks, subscriber):
    hooks.subscribe(subscriber.url)
    hooks.new_journal("HOOK8")
    hooks.advance(20)
    hooks.new_journal("HOOK9")  # within the first job's window: sent with it
    hooks.advance(10)
    assert [len(body["value"]) for body in subscriber.notifications] == [2]
    hooks.advance(5)
    hooks.new_journal("HOOK10")
    hooks.advance(29)
    assert len(subscriber.requests) == 1
    hooks.advance(1)
    assert [len(body["value"]) for body in subscriber.notifications] == [2, 1]


def test_deliveries_can_be_cleared_and_a_reset_forgets_everything(hooks, subscriber):
    hooks.subscribe(subscriber.url)
    hooks.new_journal("HOOK11")
    hooks.advance(30)
    assert len(hooks.deliveries()) == 1
    assert hooks.mock("DELETE", "webhooks/deliveries").status_code == 204
    assert hooks.deliveries() == []
    hooks.new_journal("HOOK12")
    assert hooks.mock("POST", "reset").status_code == 200
    assert hooks.webhooks() == {"subscriptions": [], "deliveries": []}
    assert hooks.get("subscriptions").json()["value"] == []
    hooks.new_journal("HOOK13")  # nothing listens any more
    assert hooks.flush() == {"delivered": 0, "failed": 0}
    assert len(subscriber.requests) == 1


def test_payment_terms_methods_and_currencies_notify_as_bc_lists_them(hooks, subscriber):
    # BC's docs list paymentTerms, paymentMethods and currencies among the sets with webhooks
    for set_name in ("paymentTerms", "paymentMethods", "currencies"):
        assert hooks.subscribe(subscriber.url, set_name).status_code == 201
    created = {}
    for set_name in ("paymentTerms", "paymentMethods", "currencies"):
        response = hooks.post(hooks.company(set_name), {"code": "HOOK"})
        assert response.status_code == 201, response.text
        created[set_name] = response.json()["id"]
    hooks.advance(30)
    assert {i["resource"]: i["changeType"] for i in subscriber.items()} == {
        f"{hooks.resource(set_name)}({record_id})": "created" for set_name, record_id in created.items()
    }
