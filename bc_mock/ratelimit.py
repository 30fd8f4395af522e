"""BC's request rate limit, per tenant: at most N requests in any window of S seconds.

BC counts requests over a sliding window (6,000 per 5 minutes per user today, 600 per minute
per environment before) and answers 429 ``Application_TooManyRequests`` with ``Retry-After``
when the limit is reached. bc_mock counts per tenant (it has no users); refused requests do
not count, as they do not reach BC's service tier.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from bc_mock import errors


class RateLimiter:
    def __init__(
        self, limit: int, window: float, clock: Callable[[str], float] = lambda tenant: time.monotonic()
    ):
        """``clock`` gives a tenant's time in seconds (bc_mock's clock: see clock.py)."""
        self.limit = limit
        self.window = window
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, tenant: str) -> errors.BcError | None:
        """Count one request of ``tenant``; the 429 to answer when it is over the limit."""
        now = self._clock(tenant)
        with self._lock:
            seen = self._seen.setdefault(tenant.lower(), deque())
            while seen and seen[0] <= now - self.window:
                seen.popleft()
            if len(seen) < self.limit:
                seen.append(now)
                return None
            retry_after = max(1, math.ceil(seen[0] + self.window - now))
        message = errors.throttled_message(actual=self.limit + 1, maximum=self.limit)
        return errors.BcError(429, "Application_TooManyRequests", message, {"Retry-After": str(retry_after)})

    def clear(self, tenant: str | None = None) -> None:
        with self._lock:
            if tenant is None:
                self._seen.clear()
            else:
                self._seen.pop(tenant.lower(), None)
