"""From Python: mock.clock, mock.webhooks, and the module functions that use the current mock."""

from __future__ import annotations

import datetime as dt

import pytest
import requests

import bc_mock.clock
import bc_mock.webhooks
from bc_mock import ControlError, MockServer
from tests.helpers import USA

START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def mock():
    with MockServer(
        clock="fixed:2026-01-05T09:00:00Z", webhook_timeout=0.5, webhook_handshake_timeout=0.5
    ) as server:
        yield server


@pytest.fixture
def fresh(mock):
    mock.reset()
    return mock.make_current()


def _subscribe(mock, subscriber) -> dict:
    answer = requests.post(
        f"{mock.api_url()}/subscriptions",
        json={"notificationUrl": subscriber.url, "resource": f"companies({USA})/customerPaymentJournals"},
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def _journal(mock, code: str) -> dict:
    return requests.post(
        f"{mock.api_url()}/companies({USA})/customerPaymentJournals", json={"code": code}
    ).json()


def test_the_clock_from_python(fresh):
    assert fresh.clock.now() == START
    assert fresh.clock.frozen
    assert fresh.clock.advance(minutes=1, seconds=30) == START + dt.timedelta(seconds=90)
    assert fresh.clock.set("2026-01-06T00:00:00Z") == dt.datetime(2026, 1, 6, tzinfo=dt.timezone.utc)
    with pytest.raises(ControlError, match="never goes backwards"):
        fresh.clock.set(START)
    with pytest.raises(ValueError, match="aware"):
        fresh.clock.set(dt.datetime(2027, 1, 1))
    fresh.clock.unfreeze()
    assert not fresh.clock.frozen
    fresh.reset()
    assert fresh.clock.now() == START  # where the server started it


def test_the_module_functions_drive_the_current_mock(fresh):
    assert bc_mock.clock.now() == START
    bc_mock.clock.advance(hours=1)
    assert fresh.clock.now() == START + dt.timedelta(hours=1)
    bc_mock.clock.set(START + dt.timedelta(days=1))
    bc_mock.clock.unfreeze()
    bc_mock.clock.freeze()
    assert bc_mock.clock.now(mock=fresh) >= START + dt.timedelta(days=1)


def test_notifications_from_python(fresh, subscriber):
    subscription = _subscribe(fresh, subscriber)
    journal = _journal(fresh, "PY1")
    with pytest.raises(AssertionError, match=r"1 notification\(s\) pending: advance the clock"):
        bc_mock.webhooks.assert_notified("*", timeout=0.05)
    bc_mock.clock.advance(seconds=30)
    item = bc_mock.webhooks.assert_notified(f"*/customerPaymentJournals({journal['id']})", "created")
    assert item["subscriptionId"] == subscription["subscriptionId"]
    assert [d["kind"] for d in fresh.webhooks.deliveries(kind=None)] == ["handshake", "notification"]
    assert fresh.webhooks.deliveries(change_type="deleted") == []
    assert len(fresh.webhooks.deliveries(resource="*/customerPaymentJournals(*)", status=200)) == 1
    with pytest.raises(AssertionError) as failed:
        fresh.webhooks.assert_notified("*", "deleted", timeout=0.05)
    assert "Sent 2:" in str(failed.value) and "created" in str(failed.value)
    bc_mock.webhooks.clear()
    assert bc_mock.webhooks.deliveries() == []
    assert [s["subscriptionId"] for s in bc_mock.webhooks.subscriptions()] == [subscription["subscriptionId"]]


def test_flush_from_python(fresh, subscriber):
    _subscribe(fresh, subscriber)
    _journal(fresh, "PY2")
    assert bc_mock.webhooks.flush() == 1
    assert fresh.webhooks.flush() == 0


def test_an_attached_mock_moves_its_own_tenants_clock(hooks_server):
    with MockServer(url=hooks_server) as one, MockServer(url=hooks_server) as other:
        one.clock.advance(days=1)
        assert one.clock.now() == other.clock.now() + dt.timedelta(days=1)
        assert requests.get(f"{hooks_server}/_mock/clock").json()["now"] == "2026-01-05T09:00:00.000Z"
        one.reset()
        assert one.clock.now() == other.clock.now()
