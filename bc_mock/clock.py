"""bc_mock's clock: the time of everything time-dependent, which a test can move.

Records' ``lastModifiedDateTime``, subscriptions' expiry, the 30 seconds a webhook notification
waits, the retry schedule of a failed one and the rate limit's window all read this clock, not
the wall clock. It runs with real time by default; ``--clock fixed:<ISO time>`` starts it frozen.
A test moves it forward (never backwards) and bc_mock then runs whatever became due before it
answers, so a test of a three-day expiry or an 18-hour retry schedule takes milliseconds.

Server side, ``Clocks`` holds the server's clock and, for a tenant that moved time on its own
(``?tenant=`` on ``/_mock/clock``, or a MockServer on a tenant of its own), that tenant's: tests
that share one server on tenants of their own do not move each other's time.

From a test, the functions at the end (``now``, ``advance``, ``set``, ``freeze``, ``unfreeze``)
drive the clock of a MockServer: the one given as ``mock``, else the one started last in this
process (the ``bc_mock`` pytest fixture's).
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bc_mock.server import MockServer

UTC = dt.timezone.utc
# the furthest a single move may go: far beyond any schedule BC has (1,000 minutes), and a
# bound that keeps datetime arithmetic from overflowing
MAX_ADVANCE_SECONDS = 100 * 365 * 24 * 3600
FIXED_PREFIX = "fixed:"


def real_now() -> dt.datetime:
    return dt.datetime.now(UTC)


def iso(moment: dt.datetime) -> str:
    """A time as bc_mock's control endpoints write it: UTC, milliseconds, ending in Z."""
    text = moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="milliseconds")
    return text + "Z"


def parse_iso(text: object) -> dt.datetime:
    """An ISO 8601 time with its offset (``Z`` or ``+01:00``); a time without one is UTC.

    ValueError, readable, for anything else."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"expected an ISO 8601 time such as 2026-01-05T09:00:00Z, not {text!r}")
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"expected an ISO 8601 time such as 2026-01-05T09:00:00Z, not {text!r}") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_clock_option(text: str | None) -> dt.datetime | None:
    """``--clock``: ``real`` (or nothing) runs with real time; ``fixed:<ISO time>`` starts frozen."""
    if text is None or text.strip().lower() in ("", "real"):
        return None
    if not text.strip().lower().startswith(FIXED_PREFIX):
        raise ValueError(
            f"clock must be 'real' or 'fixed:<ISO time>' (e.g. fixed:2026-01-05T09:00:00Z), not {text!r}"
        )
    return parse_iso(text.strip()[len(FIXED_PREFIX) :])


class ClockError(ValueError):
    """A move the clock refuses (backwards, too far, not a number)."""


class Clock:
    """One timeline: real time shifted by an offset, or frozen at an instant. Thread-safe."""

    def __init__(self, frozen_at: dt.datetime | None = None):
        self._lock = threading.Lock()
        self._offset = dt.timedelta(0)
        self._frozen_at = frozen_at

    def copy(self) -> Clock:
        with self._lock:
            clock = Clock(self._frozen_at)
            clock._offset = self._offset
            return clock

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def now(self) -> dt.datetime:
        frozen_at = self._frozen_at
        return frozen_at if frozen_at is not None else real_now() + self._offset

    def advance(self, seconds: float) -> dt.datetime:
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds):
            raise ClockError(f"'advanceSeconds' must be a number of seconds, not {seconds!r}")
        if not 0 <= seconds <= MAX_ADVANCE_SECONDS:
            raise ClockError(
                f"'advanceSeconds' must be from 0 to {MAX_ADVANCE_SECONDS} (100 years): the clock never "
                f"goes backwards; got {seconds!r}"
            )
        step = dt.timedelta(seconds=seconds)
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += step
                return self._frozen_at
            self._offset += step
            return real_now() + self._offset

    def set(self, moment: dt.datetime) -> dt.datetime:
        """Move to ``moment``, which must not be before now: the clock never goes backwards."""
        with self._lock:
            current = self._frozen_at if self._frozen_at is not None else real_now() + self._offset
            if moment < current:
                raise ClockError(
                    f"The clock never goes backwards: it is {iso(current)}, and {iso(moment)} is earlier. "
                    "A reset (POST /_mock/reset) puts it back to where the server started it."
                )
            if moment - current > dt.timedelta(seconds=MAX_ADVANCE_SECONDS):
                raise ClockError(f"{iso(moment)} is more than 100 years ahead of the clock ({iso(current)})")
            if self._frozen_at is not None:
                self._frozen_at = moment
            else:
                self._offset = moment - real_now()
            return moment

    def freeze(self, frozen: bool) -> None:
        """Stop the clock where it is, or let it run on from there with real time."""
        with self._lock:
            if frozen and self._frozen_at is None:
                self._frozen_at = real_now() + self._offset
            elif not frozen and self._frozen_at is not None:
                self._offset = self._frozen_at - real_now()
                self._frozen_at = None

    def real_seconds_until(self, moment: dt.datetime) -> float | None:
        """How long, in real seconds, until the clock shows ``moment``; None if it is frozen."""
        if self._frozen_at is not None:
            return None
        return (moment - self.now()).total_seconds()

    def to_json(self) -> dict:
        return {"now": iso(self.now()), "frozen": self.frozen}


class Clocks:
    """The server's clock and the clocks of tenants that keep their own.

    ``start`` is ``--clock``'s fixed time (None: real time): where a reset puts the clock back.
    """

    def __init__(self, start: dt.datetime | None = None, max_tenants: int = 10_000):
        self.start = start
        self.max_tenants = max_tenants
        self.server = Clock(start)
        self._tenants: dict[str, Clock] = {}
        self._lock = threading.Lock()

    def of(self, tenant: str | None) -> Clock:
        """The clock ``tenant`` runs on: its own, else the server's."""
        if tenant is None or not self._tenants:
            return self.server
        return self._tenants.get(tenant.lower(), self.server)

    def now(self, tenant: str | None = None) -> dt.datetime:
        return self.of(tenant).now()

    def has_own(self, tenant: str) -> bool:
        return tenant.lower() in self._tenants

    def own(self, tenant: str) -> Clock:
        """``tenant``'s own clock, made (as a copy of the server's) when it first needs one."""
        with self._lock:
            clock = self._tenants.get(tenant.lower())
            if clock is None:
                if len(self._tenants) >= self.max_tenants:
                    raise ClockError(
                        f"at most {self.max_tenants} tenants keep clocks of their own (--max-tenants): "
                        "reset the tenants a test run is done with"
                    )
                clock = self._tenants[tenant.lower()] = self.server.copy()
            return clock

    def tenants_on_server_clock(self, tenants: list[str]) -> list[str]:
        return [tenant for tenant in tenants if tenant.lower() not in self._tenants]

    def reset(self, tenant: str | None = None) -> None:
        """Back to where the server started (real time, or ``--clock``'s fixed time); with
        ``tenant``, that tenant follows the server's clock again."""
        with self._lock:
            if tenant is None:
                self.server = Clock(self.start)
                self._tenants.clear()
            else:
                self._tenants.pop(tenant.lower(), None)


# --- from a test --------------------------------------------------------------------------------


def _mock(mock: MockServer | None) -> MockServer:
    from bc_mock.server import current

    return mock if mock is not None else current()


def now(mock: MockServer | None = None) -> dt.datetime:
    """The mock's time (an aware UTC datetime)."""
    return _mock(mock).clock.now()


def advance(
    seconds: float = 0,
    *,
    minutes: float = 0,
    hours: float = 0,
    days: float = 0,
    mock: MockServer | None = None,
) -> dt.datetime:
    """Move the mock's clock forward and run what became due (webhook deliveries included)."""
    return _mock(mock).clock.advance(seconds, minutes=minutes, hours=hours, days=days)


def set(moment: dt.datetime | str, mock: MockServer | None = None) -> dt.datetime:
    """Move the mock's clock to ``moment`` (not before now) and run what became due."""
    return _mock(mock).clock.set(moment)


def freeze(mock: MockServer | None = None) -> dt.datetime:
    """Stop the mock's clock: it moves only when a test moves it."""
    return _mock(mock).clock.freeze()


def unfreeze(mock: MockServer | None = None) -> dt.datetime:
    """Let the mock's clock run on with real time from where it is."""
    return _mock(mock).clock.unfreeze()
