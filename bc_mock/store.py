"""The in-memory store: namespaces of companies of tables of rows.

* A namespace is one (tenant, environment). It is created the first time it is
  addressed, as a copy of the seed.
* Rows are immutable: a change stores a new ``Row`` with a new version, so a
  namespace never copies records. It even shares the seed's tables until it first
  writes to one (copy-on-write, ``Company.writable``), so a new namespace costs
  microseconds and no memory whatever the seed's size, and a reset just forgets
  the namespaces.
* Every write runs inside ``Store.transaction()``: it holds the store's lock and
  keeps an undo log, so a request that fails half-way changes nothing, and a
  reader (which takes the same lock) never sees half a change.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

NamespaceKey = tuple[str, str]  # (tenant, environment), lower-cased


@dataclass(frozen=True)
class Change:
    """One record created, updated or deleted by a committed transaction (webhooks notify them)."""

    namespace: NamespaceKey
    company_id: str
    set_name: str
    record_id: str
    change: str  # "created", "updated" or "deleted", as BC's notifications name them
    time: dt.datetime  # the time of the change, as the record's lastModifiedDateTime shows it


class TooManyNamespaces(Exception):
    """A new (tenant, environment) beyond ``Store.max_namespaces``."""

    def __init__(self, limit: int):
        super().__init__(f"at most {limit} tenant environments at once")
        self.limit = limit


class Row:
    """One stored record and its version (the source of its ETag)."""

    __slots__ = ("data", "version")

    def __init__(self, data: dict, version: int):
        self.data = data
        self.version = version


class Table(dict[str, Row]):
    """Rows by id, plus indexes on declared fields (a payment's journalId, say).

    Reading it is reading a dict. Writes go through ``put`` and ``discard`` (only
    ``Transaction`` calls them), which keep the indexes in step, so finding a
    journal's lines costs the size of the journal, not of the table.
    """

    def __init__(self, index_on: tuple[tuple[str, ...], ...] = ()):
        super().__init__()
        self.index_on = index_on
        # An index bucket holds its rows by id; a bucket of one row is the Row itself, not a
        # dict: most buckets of a unique index (journalId, lineNumber) hold one row, and a
        # one-entry dict would cost ~200 bytes per record.
        self._indexes: dict[tuple[str, ...], dict[tuple, Row | dict[str, Row]]] = {f: {} for f in index_on}
        # per index bucket, the row with the highest value of a field (see ``highest``)
        self._tops: dict[tuple, dict[str, Row]] = {}
        # set once namespaces share this table (see ``Company.copy``): it must not change any more
        self.frozen = False

    def copy(self) -> Table:
        table = Table(self.index_on)
        table.update(self)
        table._indexes = {
            fields: {value: rows if isinstance(rows, Row) else dict(rows) for value, rows in index.items()}
            for fields, index in self._indexes.items()
        }
        table._tops = {bucket: dict(tops) for bucket, tops in self._tops.items()}
        return table

    def put(self, row: Row) -> Row | None:
        if self.frozen:
            raise RuntimeError("a table shared by namespaces is read-only: write to Company.writable()")
        key = row.data["id"]
        previous = self.discard(key)
        self[key] = row
        for fields, index in self._indexes.items():
            value = tuple(row.data[f] for f in fields)
            bucket = index.get(value)
            if bucket is None:
                index[value] = row
            elif isinstance(bucket, Row):
                index[value] = {bucket.data["id"]: bucket, key: row}
            else:
                bucket[key] = row
            for name, top in (self._tops.get((fields, value)) or {}).items():
                if row.data[name] > top.data[name]:
                    self._tops[(fields, value)][name] = row
        return previous

    def discard(self, key: str) -> Row | None:
        if self.frozen:
            raise RuntimeError("a table shared by namespaces is read-only: write to Company.writable()")
        previous = self.pop(key, None)
        if previous is not None:
            for fields, index in self._indexes.items():
                value = tuple(previous.data[f] for f in fields)
                bucket = index.get(value)
                if isinstance(bucket, Row):
                    if bucket.data["id"] == key:
                        del index[value]
                elif bucket is not None:
                    bucket.pop(key, None)
                    if not bucket:
                        del index[value]
                tops = self._tops.get((fields, value))
                if tops:
                    for name, top in list(tops.items()):
                        if top.data["id"] == key:
                            del tops[name]  # recomputed when next asked for
        return previous

    def _bucket(self, match: dict) -> tuple[tuple, list[Row]] | None:
        fields = tuple(sorted(match))
        for declared, index in self._indexes.items():
            if tuple(sorted(declared)) == fields:
                value = tuple(match[f] for f in declared)
                bucket = index.get(value)
                if bucket is None:
                    rows = []
                else:
                    rows = [bucket] if isinstance(bucket, Row) else list(bucket.values())
                return (declared, value), rows
        return None

    def matching(self, **match) -> list[Row]:
        """The rows whose fields equal ``match``: by an index when one covers them, else a scan."""
        rows = self.lookup(**match) if match else None
        if rows is None:
            rows = [row for row in list(self.values()) if all(row.data.get(k) == v for k, v in match.items())]
        return rows

    def lookup(self, **match) -> list[Row] | None:
        """The rows whose fields equal ``match``, if an index covers exactly those fields."""
        found = self._bucket(match)
        return None if found is None else found[1]

    def highest(self, name: str, **match) -> Row | None:
        """The indexed row matching ``match`` with the highest ``name`` (a journal's last line).

        Journals grow at the end, so the answer is kept per index bucket and only looked
        for again after that row changes or goes: adding a line costs O(1), not O(lines).
        """
        found = self._bucket(match)
        assert found is not None, "highest() needs an index on the fields of match"
        bucket_key, rows = found
        tops = self._tops.setdefault(bucket_key, {})
        if name not in tops:
            if not rows:
                return None
            tops[name] = max(rows, key=lambda row: row.data[name])
        return tops[name]


@dataclass
class Company:
    row: Row
    tables: dict[str, Table]
    # the tables still shared with the company this one was copied from (the seed's)
    shared: set[str] = field(default_factory=set)
    # the (tenant, environment) whose data this is; None for the seed's, which never changes
    namespace: NamespaceKey | None = None

    @property
    def id(self) -> str:
        return self.row.data["id"]

    def copy(self, namespace: NamespaceKey | None = None) -> Company:
        """A copy that shares this company's tables until it writes to one (copy-on-write).

        A namespace is made on a tenant's first request and after every reset: sharing makes
        that O(number of tables) instead of O(records), and keeps one copy of a big seed in
        memory. The shared tables are frozen: writing to one directly raises.
        """
        for table in self.tables.values():
            table.frozen = True
        return Company(self.row, dict(self.tables), set(self.tables), namespace)

    def writable(self, name: str) -> Table:
        """The company's own table ``name``, copied from the shared one on its first write."""
        if name in self.shared:
            self.tables[name] = self.tables[name].copy()
            self.shared.discard(name)
        return self.tables[name]


class Namespace:
    """The data of one (tenant, environment)."""

    def __init__(self, companies: dict[str, Company]):
        self.companies = companies


class Store:
    def __init__(self, seed_companies: list[Company]):
        self._seed = {company.id: company for company in seed_companies}
        self._namespaces: dict[tuple[str, str], Namespace] = {}
        self._versions = itertools.count(1_000_001)
        self.lock = threading.RLock()
        self._local = threading.local()
        # told of every committed transaction's changes, under the lock (the webhooks queue them)
        self.on_commit: Callable[[list[Change]], None] | None = None

    def add_seed_company(self, company: Company) -> None:
        """Add a company to the seed (used while fixtures load, before serving)."""
        self._seed[company.id] = company

    def seed_company_ids(self) -> list[str]:
        return list(self._seed)

    def seed_company(self, company_id: str) -> Company:
        """A company of the seed (KeyError if there is none): what every new namespace copies."""
        return self._seed[company_id]

    def new_row(self, data: dict) -> Row:
        return Row(data, next(self._versions))

    # how many (tenant, environment) namespaces may exist at once: each costs little until it
    # writes, but a client inventing a tenant per request must not grow the store without end
    max_namespaces = 10_000

    def namespace(self, tenant: str, environment: str) -> Namespace:
        key = (tenant.lower(), environment.lower())
        namespace = self._namespaces.get(key)
        if namespace is None:
            with self.lock:
                namespace = self._namespaces.get(key)
                if namespace is None:
                    if len(self._namespaces) >= self.max_namespaces:
                        raise TooManyNamespaces(self.max_namespaces)
                    namespace = Namespace({cid: c.copy(key) for cid, c in self._seed.items()})
                    self._namespaces[key] = namespace
        return namespace

    def namespace_count(self) -> int:
        return len(self._namespaces)

    def namespace_keys(self) -> list[tuple[str, str]]:
        """(tenant, environment) of each namespace in use (made by a request), lower-cased, sorted."""
        with self.lock:
            return sorted(self._namespaces)

    def existing_namespace(self, tenant: str, environment: str) -> Namespace | None:
        """The namespace of (tenant, environment) if one is in use; None otherwise (none is made)."""
        return self._namespaces.get((tenant.lower(), environment.lower()))

    def seed_view(self) -> Namespace:
        """The seed's companies as a namespace to read, never to write: what a (tenant,
        environment) holds before its first request, without making a namespace for it."""
        return Namespace(dict(self._seed))

    def reset(self, tenant: str | None = None) -> None:
        """Put every namespace back to the seed (or only those of ``tenant``, freeing its data)."""
        with self.lock:
            if tenant is None:
                self._namespaces.clear()
                return
            for key in [key for key in self._namespaces if key[0] == tenant.lower()]:
                del self._namespaces[key]

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Hold the lock and undo everything done inside if the block raises.

        Transactions nest (a $batch with ``Isolation: snapshot`` wraps its requests'
        transactions): an inner one that fails undoes only its own writes, and the
        outer one can still undo them all.
        """
        with self.lock:
            outer = getattr(self._local, "transaction", None)
            tx = outer or Transaction(self)
            mark = tx.savepoint()
            self._local.transaction = tx
            try:
                yield tx
            except BaseException:
                tx.rollback(mark)
                raise
            finally:
                self._local.transaction = outer
            if outer is None and tx.changes and self.on_commit is not None:
                self.on_commit(tx.changes)


class Transaction:
    """Writes with an undo log; rolled back if the block that opened it raises."""

    def __init__(self, store: Store):
        self._store = store
        self._undo: list[tuple[Table, str, Row | None]] = []
        self.changes: list[Change] = []  # what the transaction did, for the webhooks

    def put(self, table: Table, data: dict) -> Row:
        row = self._store.new_row(data)
        self._undo.append((table, data["id"], table.put(row)))
        return row

    def remove(self, table: Table, key: str) -> Row | None:
        previous = table.discard(key)
        self._undo.append((table, key, previous))
        return previous

    def savepoint(self) -> tuple[int, int]:
        return len(self._undo), len(self.changes)

    def rollback(self, savepoint: tuple[int, int] = (0, 0)) -> None:
        """Undo the writes made since ``savepoint`` (by default, all of them)."""
        undo_mark, changes_mark = savepoint
        del self.changes[changes_mark:]
        while len(self._undo) > undo_mark:
            table, key, previous = self._undo.pop()
            if previous is None:
                table.discard(key)
            else:
                table.put(previous)
