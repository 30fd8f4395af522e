"""BC's webhooks in bc_mock: subscriptions, the handshake, notifications, retries.

From a test, these functions look at what bc_mock sent to subscribers and drive it; they act
on ``mock`` (a MockServer), else on the one started last in this process (the ``bc_mock``
pytest fixture's). ``mock.webhooks`` has the same methods.

    bc_mock.clock.advance(seconds=30)           # the notification's delay passes
    item = bc_mock.webhooks.assert_notified("*/customers(*)", "created")

The server side is in ``api`` (the subscriptions endpoint), ``engine`` (queues, jobs,
retries), ``queue`` (BC's merge rules) and ``outbound`` (the HTTP requests).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bc_mock.contracts import Delivery, Subscription
    from bc_mock.server import MockServer


def _mock(mock: MockServer | None) -> MockServer:
    from bc_mock.server import current

    return mock if mock is not None else current()


def deliveries(
    kind: str | None = "notification",
    url: str | None = None,
    status: int | None = None,
    resource: str | None = None,
    change_type: str | None = None,
    mock: MockServer | None = None,
) -> list[Delivery]:
    """What bc_mock sent to subscribers, oldest first (see ``MockServer.webhooks.deliveries``)."""
    return _mock(mock).webhooks.deliveries(kind, url, status, resource, change_type)


def subscriptions(mock: MockServer | None = None) -> list[Subscription]:
    """The subscriptions, each with the notifications pending for it."""
    return _mock(mock).webhooks.subscriptions()


def flush(mock: MockServer | None = None) -> int:
    """Send every pending notification now; how many POSTs the subscribers took."""
    return _mock(mock).webhooks.flush()


def clear(mock: MockServer | None = None) -> None:
    """Forget the deliveries (subscriptions stay)."""
    _mock(mock).webhooks.clear()


def assert_notified(
    resource: str = "*", change_type: str | None = None, timeout: float = 5.0, mock: MockServer | None = None
) -> dict:
    """Wait (bounded) for a delivered notification of ``change_type`` to ``resource`` (a glob);
    return its item, or fail listing what was delivered."""
    __tracebackhide__ = True
    return _mock(mock).webhooks.assert_notified(resource, change_type, timeout)
