"""The record of every request bc_mock sent to a subscriber: handshakes and notifications.

Bounded like the request journal: at most ``max_entries`` entries and ``budget`` bytes of
bodies together; the oldest go first. Bodies are kept as the bytes sent and parsed when read.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import deque

DEFAULT_MAX_ENTRIES = 10_000
DEFAULT_BUDGET = 64 * 1024 * 1024


class DeliveryLog:
    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES, budget: int = DEFAULT_BUDGET):
        self.max_entries = max_entries
        self.budget = budget
        self._entries: deque[tuple[dict, bytes]] = deque()
        self._bytes = 0
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, entry: dict, body: bytes) -> dict:
        """Keep ``entry`` (its ``body``: the bytes sent, JSON, or b"" for none)."""
        if len(body) > self.budget:  # kept whole or not at all: a cut JSON body would not parse
            entry = {**entry, "bodyOmitted": f"{len(body)} bytes, beyond the log's budget"}
            body = b""
        with self._lock:
            entry = {"id": next(self._ids), **entry}
            self._entries.append((entry, body))
            self._bytes += len(body)
            while len(self._entries) > self.max_entries or self._bytes > self.budget:
                _, dropped = self._entries.popleft()
                self._bytes -= len(dropped)
        return entry

    def entries(self, tenant: str | None = None) -> list[dict]:
        """Every entry (of ``tenant``, if given), oldest first, with its body parsed."""
        with self._lock:
            kept = [(e, b) for e, b in self._entries if tenant is None or e["tenant"] == tenant.lower()]
        return [{**entry, "body": json.loads(body) if body else None} for entry, body in kept]

    def clear(self, tenant: str | None = None) -> None:
        with self._lock:
            if tenant is None:
                self._entries.clear()
                self._bytes = 0
                return
            kept = deque((e, b) for e, b in self._entries if e["tenant"] != tenant.lower())
            self._entries = kept
            self._bytes = sum(len(b) for _, b in kept)
