"""Webhook subscriptions, their pending notifications, and the jobs that send them, as BC runs them.

BC records each change to a subscribed entity set and schedules a sending job 30 seconds later
(codeunits 6153 and 6154). A job sends, for one company, one POST per notification URL with
every pending notification of that URL's subscriptions. What it does with the answer:

* below 400: sent; the notifications are done.
* no answer (timeout, refused connection), 408, 429 or 5xx: the notifications stay; each that
  was due counts one more attempt and waits 1 minute (attempts 1 and 2), 10 (3), 100 (4) or
  1,000 (5 and on) before it is due again, and a job is scheduled that long plus the delay
  after the earliest. A subscription with a notification of more than 5 attempts is deleted.
* any other status: every subscription of that URL is deleted, with its notifications.

Expired subscriptions are deleted and notified of nothing.

Time is bc_mock's clock (clock.py): jobs run when the clock reaches them, by a background
worker while the clock runs with real time, or when a test moves the clock or flushes. No lock
is held while bc_mock talks to a subscriber: ``_lock`` guards this module's data and is only
ever taken after the store's lock (the store tells ``record`` of changes under its own), never
before it; each tenant environment's jobs run one at a time under its ``run_lock``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bc_mock import errors
from bc_mock.clock import Clocks, iso
from bc_mock.entities import REGISTRY
from bc_mock.faults import FaultSet, RequestInfo
from bc_mock.store import Change, NamespaceKey, Row, Store
from bc_mock.webhooks import outbound
from bc_mock.webhooks.log import DeliveryLog
from bc_mock.webhooks.queue import Pending, SubscriptionQueue, payload_item

log = logging.getLogger("bc_mock")

MAX_SUBSCRIPTIONS = 200  # per tenant environment (BC Online's operational limit)
MAX_ATTEMPTS = 5  # BC's GetMaxNumberOfAttempts: a subscription that failed more is deleted
MAX_JOBS = 20  # BC's GetMaxNumberOfJobs: scheduled sending jobs per company at once
LIFETIME = dt.timedelta(days=3)  # a subscription expires three days after it was made or renewed
MAX_RUNNERS = 8  # tenant environments whose due jobs the worker runs at once
IDLE_WAKE_S = 60.0  # the worker looks again at least this often (a clock moved by set())


def retry_delay(attempt: int) -> dt.timedelta:
    """How long a notification that failed ``attempt`` times waits (BC's GetDelayTimeForAttempt)."""
    if attempt <= 2:
        return dt.timedelta(minutes=1)
    return dt.timedelta(minutes={3: 10, 4: 100}.get(attempt, 1000))


def retriable(status: int | None) -> bool:
    """BC's ShouldReschedule: no answer, 408, 429 or a server error."""
    return status is None or status in (408, 429) or status >= 500


@dataclass
class _Space:
    """The subscriptions of one tenant environment and what is pending for them."""

    key: NamespaceKey
    rows: dict[str, Row] = field(default_factory=dict)  # by subscriptionId, lower-cased
    targets: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (company id, set)
    queues: dict[str, SubscriptionQueue] = field(default_factory=dict)
    jobs: dict[str, list[dt.datetime]] = field(default_factory=dict)  # company id -> job times
    run_lock: threading.Lock = field(default_factory=threading.Lock)
    alive: bool = True  # False once a reset forgot it: a job then in flight records nothing

    def listening(self, company_id: str, set_name: str) -> list[str]:
        return [sid for sid, target in self.targets.items() if target == (company_id, set_name)]


@dataclass
class _Batch:
    """One POST of a job: a URL and, per subscription, the notifications sent to it."""

    company_id: str
    url: str
    parts: list[tuple[str, dict, list[Pending]]]  # (subscription key, its record, its notifications)

    def body(self) -> bytes:
        value: list[dict] = []
        for _, subscription, items in self.parts:
            filterable = _has_modified_time(subscription["_set"])
            value.extend(
                payload_item(subscription, item, filterable) for item in sorted(items, key=Pending.sort_key)
            )
        return json.dumps({"value": value}, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass
class Outcome:
    delivered: int = 0
    failed: int = 0

    def add(self, other: Outcome) -> None:
        self.delivered += other.delivered
        self.failed += other.failed


def _has_modified_time(set_name: str) -> bool:
    entity = REGISTRY.get(set_name)
    return entity is not None and entity.prop_named("lastModifiedDateTime") is not None


class Webhooks:
    def __init__(
        self,
        store: Store,
        clocks: Clocks,
        faults: FaultSet,
        delay_s: float = 30.0,
        collection_threshold: int = 1000,
        timeout_s: float = 30.0,
        handshake_timeout_s: float = 5.0,
        max_handshakes: int = 4,
    ):
        self.store = store
        self.clocks = clocks
        self.faults = faults
        self.delay = dt.timedelta(seconds=delay_s)
        self.threshold = collection_threshold
        self.timeout_s = timeout_s
        self.handshake_timeout_s = handshake_timeout_s
        self.max_handshakes = max_handshakes
        self._handshakes = threading.BoundedSemaphore(max_handshakes)
        self.log = DeliveryLog()
        self._spaces: dict[NamespaceKey, _Space] = {}
        self._subscription_count = 0  # read without the lock: the common case has none
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._worker: threading.Thread | None = None
        self._stopped = False
        self._running: set[NamespaceKey] = set()
        store.on_commit = self.record

    # --- subscriptions ---------------------------------------------------------------------

    def rows(self, namespace: NamespaceKey, now: dt.datetime) -> list[Row]:
        """The subscriptions of a tenant environment (expired ones are deleted first)."""
        with self._lock:
            space = self._spaces.get(namespace)
            if space is None:
                return []
            self._drop_expired(space, now)
            return list(space.rows.values())

    def find(self, namespace: NamespaceKey, subscription_id: str, now: dt.datetime) -> Row | None:
        with self._lock:
            space = self._spaces.get(namespace)
            if space is None:
                return None
            self._drop_expired(space, now)
            return space.rows.get(subscription_id.lower())

    def check_room(self, namespace: NamespaceKey, subscription_id: str, now: dt.datetime) -> None:
        """Refuse, before a handshake, what ``insert`` would refuse after it."""
        with self._lock:
            self._check_room(self._space(namespace), subscription_id, now)

    def insert(self, namespace: NamespaceKey, data: dict, target: tuple[str, str], now: dt.datetime) -> Row:
        with self._lock:
            space = self._space(namespace)
            self._check_room(space, data["subscriptionId"], now)
            row = self._new_row(data)
            key = data["subscriptionId"].lower()
            space.rows[key], space.targets[key], space.queues[key] = row, target, SubscriptionQueue()
            self._subscription_count += 1
            self._ensure_worker()
            return row

    def replace(self, namespace: NamespaceKey, current: Row, data: dict, target: tuple[str, str]) -> Row:
        """Store a renewed subscription, unless it changed (or went) since ``current`` was read."""
        with self._lock:
            space = self._spaces.get(namespace)
            key = data["subscriptionId"].lower()
            if space is None or space.rows.get(key) is not current:
                raise errors.entity_changed()
            row = space.rows[key] = self._new_row(data)
            space.targets[key] = target
            return row

    def remove(self, namespace: NamespaceKey, current: Row) -> None:
        with self._lock:
            space = self._spaces.get(namespace)
            key = current.data["subscriptionId"].lower()
            if space is None or space.rows.get(key) is not current:
                raise errors.entity_changed()
            self._delete(space, [key])

    def _space(self, namespace: NamespaceKey) -> _Space:
        space = self._spaces.get(namespace)
        if space is None:
            space = self._spaces[namespace] = _Space(namespace)
        return space

    def _check_room(self, space: _Space, subscription_id: str, now: dt.datetime) -> None:
        self._drop_expired(space, now)
        if subscription_id.lower() in space.rows:
            raise errors.same_key_exists("API Webhook Subscription", f"Subscription Id='{subscription_id}'")
        if len(space.rows) >= MAX_SUBSCRIPTIONS:
            raise errors.bad_request(
                f"This environment already has {MAX_SUBSCRIPTIONS} webhook subscriptions, the most BC "
                "allows. Delete subscriptions that are no longer needed before creating more."
            )

    def _new_row(self, data: dict) -> Row:
        row = self.store.new_row(data)
        data["timestamp"] = row.version  # BC's row version
        return row

    def _delete(self, space: _Space, keys: Iterable[str]) -> None:
        for key in list(keys):
            if space.rows.pop(key, None) is not None:
                self._subscription_count -= 1
            space.targets.pop(key, None)
            space.queues.pop(key, None)

    def _drop_expired(self, space: _Space, now: dt.datetime) -> None:
        expired = [key for key, row in space.rows.items() if row.data["expirationDateTime"] <= now]
        self._delete(space, expired)

    # --- changes ---------------------------------------------------------------------------

    def record(self, changes: list[Change]) -> None:
        """Queue the committed ``changes`` for the subscriptions listening (the store calls this)."""
        if not self._subscription_count:
            return
        with self._lock:
            scheduled = False
            for change in changes:
                space = self._spaces.get(change.namespace)
                if space is None or not space.rows:
                    continue
                listening = space.listening(change.company_id, change.set_name)
                for key in listening:
                    if space.rows[key].data["expirationDateTime"] <= change.time:
                        continue  # expired: BC records nothing for it
                    space.queues[key].add(change.record_id, change.change, change.time, self.threshold)
                    scheduled = self._schedule(space, change.company_id, change.time) or scheduled
            if scheduled:
                self._wake.notify_all()

    def _schedule(self, space: _Space, company_id: str, at: dt.datetime) -> bool:
        """A job at ``at`` + the delay, unless one is already due within that window (BC's
        ScheduleJob reuses it)."""
        jobs = space.jobs.setdefault(company_id, [])
        if any(at <= job <= at + self.delay for job in jobs) or len(jobs) >= MAX_JOBS:
            return False
        bisect.insort(jobs, at + self.delay)
        return True

    # --- running jobs ----------------------------------------------------------------------

    def run_due(self, tenant: str | None = None) -> Outcome:
        """Run every job that is due by its clock: ``tenant``'s environments, or (None) those of
        every tenant on the server's clock. In the caller's thread; waits for jobs running."""
        outcome = Outcome()
        for space in self._spaces_on_clock(tenant):
            outcome.add(self._run(space, flush=False))
        with self._lock:
            self._wake.notify_all()
        return outcome

    def flush(self, tenant: str | None = None) -> Outcome:
        """Send everything pending now, as if every delay had passed (``tenant``'s, or all)."""
        outcome = Outcome()
        with self._lock:
            spaces = [s for s in self._spaces.values() if tenant is None or s.key[0] == tenant.lower()]
        for space in spaces:
            outcome.add(self._run(space, flush=True))
        return outcome

    def _spaces_on_clock(self, tenant: str | None) -> list[_Space]:
        with self._lock:
            spaces = list(self._spaces.values())
        if tenant is not None and self.clocks.has_own(tenant):
            return [space for space in spaces if space.key[0] == tenant.lower()]
        return [space for space in spaces if not self.clocks.has_own(space.key[0])]

    def _run(self, space: _Space, flush: bool) -> Outcome:
        """Run ``space``'s due jobs in time order (``flush``: one job now per company with
        anything pending). Each job's processing time is when it was scheduled for."""
        outcome = Outcome()
        flushed: set[str] = set()
        with space.run_lock:
            while True:
                with self._lock:
                    if not space.alive:
                        break
                    now = self.clocks.now(space.key[0])
                    job = self._next_flush(space, now, flushed) if flush else self._next_job(space, now)
                    if job is None:
                        self._drop_expired(space, now)
                        break
                    company_id, processing = job
                    batches = self._take(space, company_id, processing)
                for batch in batches:
                    outcome.add(self._send(space, batch, processing, flush))
        return outcome

    @staticmethod
    def _next_job(space: _Space, now: dt.datetime) -> tuple[str, dt.datetime] | None:
        due = [(jobs[0], company) for company, jobs in space.jobs.items() if jobs and jobs[0] <= now]
        if not due:
            return None
        at, company = min(due)
        space.jobs[company].pop(0)
        return company, at

    @staticmethod
    def _next_flush(space: _Space, now: dt.datetime, flushed: set[str]) -> tuple[str, dt.datetime] | None:
        for key, queue in space.queues.items():
            company = space.targets[key][0]
            if len(queue) and company not in flushed:
                flushed.add(company)
                return company, now
        return None

    def _take(self, space: _Space, company_id: str, processing: dt.datetime) -> list[_Batch]:
        """The job's POSTs: every pending notification of the company's subscriptions, by URL."""
        self._drop_expired(space, processing)
        by_url: dict[str, _Batch] = {}
        for key in sorted(k for k, target in space.targets.items() if target[0] == company_id):
            items = space.queues[key].take()
            if not items:
                continue
            record = {**space.rows[key].data, "_set": space.targets[key][1]}
            url = record["notificationUrl"]
            by_url.setdefault(url, _Batch(company_id, url, [])).parts.append((key, record, items))
        return list(by_url.values())

    def _send(self, space: _Space, batch: _Batch, processing: dt.datetime, flush: bool) -> Outcome:
        body = batch.body()
        attempt = max(item.attempt for _, _, items in batch.parts for item in items) + 1
        correlation = str(uuid.uuid4())
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "clientRequestId": correlation,
            "x-ms-correlation-id": correlation,
        }
        reply, fault = self._deliver(space.key, "notification", batch.url, body, headers, self.timeout_s)
        lost = fault is not None and fault[1] == "drop"
        with self._lock:
            if not space.alive:
                return Outcome()
            if lost or (reply.status is not None and reply.status < 400):
                outcome, result = Outcome(delivered=1), "lost" if lost else "delivered"
            elif retriable(reply.status):
                result = self._reschedule(space, batch, processing, flush)
                outcome = Outcome(failed=1)
            else:
                gone = [key for key, row in space.rows.items() if row.data["notificationUrl"] == batch.url]
                self._delete(space, gone)
                outcome, result = Outcome(failed=1), "subscriptionsDeleted"
        self._log(
            space.key,
            "notification",
            batch.url,
            processing,
            reply,
            fault,
            body,
            headers,
            result,
            attempt=attempt,
            subscription_ids=[record["subscriptionId"] for _, record, _ in batch.parts],
        )
        return outcome

    def _reschedule(self, space: _Space, batch: _Batch, processing: dt.datetime, flush: bool) -> str:
        """Keep a failed POST's notifications for a retry on BC's schedule; delete the
        subscriptions that have now failed too often."""
        kept: list[dt.datetime] = []
        too_many = []
        for key, _, items in batch.parts:
            if key not in space.rows:
                continue  # deleted while the POST was out
            for item in items:
                if flush or item.due is None or item.due <= processing:
                    item.attempt += 1
                if flush or item.due is None or item.due < processing:
                    item.due = processing + retry_delay(item.attempt)
            space.queues[key].put_back(items, self.threshold)
            if any(item.attempt > MAX_ATTEMPTS for item in items):
                too_many.append(key)
            else:
                kept.extend(item.due for item in items if item.due is not None)
        self._delete(space, too_many)
        if kept:
            self._schedule(space, batch.company_id, min(kept))
        return "subscriptionsDeleted" if too_many else "retryScheduled"

    # --- talking to subscribers --------------------------------------------------------------

    def handshake(self, namespace: NamespaceKey, url: str) -> tuple[bool, str]:
        """BC's validation request: POST ``url?validationToken=...``; passed if the answer is
        200 with the token as its whole body within the handshake timeout. (passed, why not)."""
        token = str(uuid.uuid4())
        separator = "&" if "?" in url else "?"
        target = f"{url}{separator}validationToken={token}"
        if not self._handshakes.acquire(blocking=False):  # waiting would hold a thread too
            raise errors.BcError(
                429,
                "Application_TooManyRequests",
                f"{self.max_handshakes} subscription handshakes are already waiting for their subscribers "
                "(half of --threads): try again when they are done.",
                {"Retry-After": "1"},
            )
        try:
            reply, fault = self._deliver(namespace, "handshake", target, b"", {}, self.handshake_timeout_s)
        finally:
            self._handshakes.release()
        if reply.status is None:
            why = reply.error or "no answer"
        elif reply.status != 200:
            why = f"it answered {reply.status}"
        elif reply.body != token.encode():
            shown = reply.body[:200].decode("utf-8", "replace")
            why = f"its answer's body was {shown!r}, not the validation token {token!r}"
        else:
            why = ""
        now = self.clocks.now(namespace[0])
        self._log(
            namespace, "handshake", target, now, reply, fault, b"", {}, "passed" if not why else "failed"
        )
        return not why, why

    def _deliver(
        self, namespace: NamespaceKey, kind: str, url: str, body: bytes, headers: dict, timeout: float
    ) -> tuple[outbound.Reply, tuple[str, str] | None]:
        """POST, unless a fault rule answers instead: (the reply, (rule id, effect) if one fired)."""
        fault = None
        if not self.faults.empty:
            info = RequestInfo("POST", "", url, namespace[0], namespace[1], {}, webhook=kind, url=url)
            decision = self.faults.decide(info, url)
            if decision.delay_ms:
                time.sleep(decision.delay_ms / 1000)  # no lock is held here
            if decision.drop:
                return outbound.Reply(None, b"", f"never sent: fault rule {decision.rule_id} (drop)"), (
                    decision.rule_id or "",
                    "drop",
                )
            if decision.error is not None:
                status = decision.error.status
                return outbound.Reply(
                    status, b"", f"never sent: fault rule {decision.rule_id} answered {status}"
                ), (
                    decision.rule_id or "",
                    "status",
                )
        return outbound.post(url, body, headers, timeout), fault

    def _log(
        self,
        namespace: NamespaceKey,
        kind: str,
        url: str,
        at: dt.datetime,
        reply: outbound.Reply,
        fault: tuple[str, str] | None,
        body: bytes,
        headers: dict,
        result: str,
        attempt: int = 1,
        subscription_ids: list[str] | None = None,
    ) -> None:
        entry = {
            "time": iso(at),
            "tenant": namespace[0],
            "environment": namespace[1],
            "kind": kind,
            "url": url,
            "attempt": attempt,
            "status": reply.status,
            "error": reply.error,
            "result": result,
            "elapsedMs": reply.elapsed_ms,
            "subscriptionIds": subscription_ids or [],
            "headers": headers,
            "answer": reply.body[:1024].decode("utf-8", "replace") if reply.body else "",
            "faultRule": fault[0] if fault else None,
        }
        self.log.add(entry, body)

    # --- the background worker ----------------------------------------------------------------

    def _ensure_worker(self) -> None:
        """Start the worker with the first subscription (under ``_lock``)."""
        if self._worker is None and not self._stopped:
            self._worker = threading.Thread(target=self._work, name="bc-mock-webhooks", daemon=True)
            self._worker.start()

    def _work(self) -> None:
        with self._lock:
            while not self._stopped:
                wait = IDLE_WAKE_S
                for space in list(self._spaces.values()):
                    upcoming = [jobs[0] for jobs in space.jobs.values() if jobs]
                    if not upcoming or space.key in self._running:
                        continue
                    seconds = self.clocks.of(space.key[0]).real_seconds_until(min(upcoming))
                    if seconds is None:
                        continue  # a frozen clock: its jobs run when a test moves it
                    if seconds > 0:
                        wait = min(wait, seconds)
                    elif len(self._running) < MAX_RUNNERS:
                        self._running.add(space.key)
                        threading.Thread(target=self._run_in_background, args=(space,), daemon=True).start()
                self._wake.wait(timeout=wait)

    def _run_in_background(self, space: _Space) -> None:
        try:
            self._run(space, flush=False)
        except Exception:  # a worker must survive anything one job does
            log.exception("webhook job of %s failed", space.key)
        finally:
            with self._lock:
                self._running.discard(space.key)
                self._wake.notify_all()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            self._wake.notify_all()

    # --- resets and views ---------------------------------------------------------------------

    def reset(self, tenant: str | None = None) -> None:
        """Forget subscriptions, pending notifications and deliveries (of ``tenant``, or all)."""
        with self._lock:
            for key in [k for k in self._spaces if tenant is None or k[0] == tenant.lower()]:
                space = self._spaces.pop(key)
                space.alive = False
                self._subscription_count -= len(space.rows)
        self.log.clear(tenant)

    def overview(self, tenant: str | None, render: Callable[[Row], dict]) -> list[dict]:
        """The subscriptions (of ``tenant``, or all) with what is pending for each."""
        out = []
        with self._lock:
            for space in self._spaces.values():
                if tenant is not None and space.key[0] != tenant.lower():
                    continue
                self._drop_expired(space, self.clocks.now(space.key[0]))
                company_jobs = space.jobs
                for key, row in sorted(space.rows.items()):
                    company_id, set_name = space.targets[key]
                    jobs = company_jobs.get(company_id) or []
                    out.append(
                        {
                            "tenant": space.key[0],
                            "environment": space.key[1],
                            **render(row),
                            "companyId": company_id,
                            "entitySet": set_name,
                            "nextJob": iso(jobs[0]) if jobs else None,
                            "pending": [_pending_json(item) for item in space.queues[key].items],
                        }
                    )
        return out


def _pending_json(item: Pending) -> dict:
    return {
        "recordId": item.record_id or None,
        "changeType": item.change,
        "lastModifiedDateTime": iso(item.time),
        "attempt": item.attempt,
        "due": iso(item.due) if item.due else None,
    }
