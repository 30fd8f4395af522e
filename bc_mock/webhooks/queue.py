"""A subscription's pending notifications, merged as BC's sending job merges them.

BC (codeunit 6154 "API Webhook Notification Send") turns a subscription's recorded changes
into aggregate notifications before it sends them:

* an ``updated`` whose entity's latest pending notification is an ``updated`` is merged into
  it (that one's time moves on); nothing else merges (created then updated are two items;
  two deletes of a key are two items);
* once a subscription holds the collection threshold (1,000) of them, the next change that
  does not merge collapses them all into one ``collection`` notification, into which every
  later change then merges. Its resource asks for what changed since the first change
  (``?$filter=lastModifiedDateTime gt <first - 50 ms>``), or for everything when a delete is
  among them (a deleted record matches no filter).

Failed notifications keep their attempt number and the time they may be sent again; new
changes merge into them as into any other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bc_mock.entities.kinds import format_datetime

CREATED, UPDATED, DELETED, COLLECTION = "created", "updated", "deleted", "collection"
# BC's order of notifications with the same time (its Change Type option's order)
CHANGE_ORDER = {CREATED: 0, UPDATED: 1, DELETED: 2, COLLECTION: 3}
# BC takes 50 ms off a collection's first change time: "SQL rounds in a different way than C#"
COLLECTION_MARGIN = dt.timedelta(milliseconds=50)


@dataclass
class Pending:
    """One aggregate notification of a subscription (BC's "API Webhook Notification Aggr")."""

    record_id: str  # "" for a collection
    change: str
    time: dt.datetime  # of the last change it stands for
    first: dt.datetime  # of the first (a collection's filter starts there)
    attempt: int = 0  # failed sends so far
    due: dt.datetime | None = None  # not to be retried before (None: whenever a job runs)
    with_delete: bool = False  # a collection that stands for a delete: it can have no filter

    def sort_key(self) -> tuple:
        return (self.time, CHANGE_ORDER[self.change])


class SubscriptionQueue:
    """The pending notifications of one subscription."""

    def __init__(self, items: list[Pending] | None = None):
        self.items: list[Pending] = []
        self._latest: dict[str, Pending] = {}  # each record's latest notification
        for item in items or []:
            self._append(item)

    def __len__(self) -> int:
        return len(self.items)

    def add(self, record_id: str, change: str, time: dt.datetime, threshold: int) -> None:
        """Queue one change, merged as BC merges it (see the module's docstring)."""
        if self.items and self.items[0].change == COLLECTION:
            collection = self.items[0]
            collection.time = max(collection.time, time)
            collection.with_delete = collection.with_delete or change == DELETED
            return
        latest = self._latest.get(record_id)
        if change == UPDATED and latest is not None and latest.change == UPDATED:
            latest.time = max(latest.time, time)
            return
        new = Pending(record_id, change, time, time)
        if len(self.items) >= threshold:
            self._collapse(new)
        else:
            self._append(new)

    def take(self) -> list[Pending]:
        """Every pending notification, leaving the queue empty (a job is about to send them)."""
        items, self.items, self._latest = self.items, [], {}
        return items

    def put_back(self, failed: list[Pending], threshold: int) -> None:
        """Failed notifications back in front of those queued since they were taken, which then
        merge into them as BC merges new changes into saved ones."""
        arrived = self.take()
        for item in failed:
            self._append(item)
        for item in arrived:
            if item.change == COLLECTION:
                self._collapse(item)
            else:
                self.add(item.record_id, item.change, item.time, threshold)

    def _append(self, item: Pending) -> None:
        self.items.append(item)
        if item.change != COLLECTION:
            self._latest[item.record_id] = item

    def _collapse(self, new: Pending) -> None:
        everything = [*self.items, new]
        collection = Pending(
            "",
            COLLECTION,
            max(item.time for item in everything),
            min(item.first for item in everything),
            attempt=max(item.attempt for item in everything),
            due=min((item.due for item in everything if item.due is not None), default=None),
            with_delete=any(item.change == DELETED or item.with_delete for item in everything),
        )
        self.items, self._latest = [collection], {}


def payload_item(subscription: dict, item: Pending, filterable: bool) -> dict:
    """One entry of a notification's ``value``: BC's keys, in BC's order.

    ``filterable``: the subscribed set has a lastModifiedDateTime a collection can filter on.
    """
    resource = subscription["resource"]
    if item.change == COLLECTION:
        if filterable and not item.with_delete:
            since = format_datetime(item.first - COLLECTION_MARGIN)
            resource = f"{resource}?$filter=lastModifiedDateTime%20gt%20{since}"
    else:
        resource = f"{resource}({item.record_id})"
    return {
        "subscriptionId": subscription["subscriptionId"],
        "clientState": subscription["clientState"],
        "expirationDateTime": format_datetime(subscription["expirationDateTime"]),
        "resource": resource,
        "changeType": item.change,
        "lastModifiedDateTime": format_datetime(item.time),
    }
