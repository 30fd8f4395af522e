"""What BC's business logic sees and does, shared by the entity sets' rules.

``CompanyView`` is one company's data inside one transaction: rules read rows
and put or remove rows through it, never through the store's dicts. ``Rules``
is the base class of each writable set's business logic (as moto keeps one
backend per service): it turns validated request values into a new record, or
refuses with BC's error.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bc_mock.store import Company, Row, Table, Transaction


class CompanyView:
    def __init__(self, company: Company, tx: Transaction | None, version: str):
        self.company = company
        self.tx = tx
        self.version = version
        self.now = dt.datetime.now(dt.timezone.utc)

    @property
    def company_id(self) -> str:
        return self.company.id

    def table(self, set_name: str) -> Table:
        return self.company.tables[set_name]

    def get(self, set_name: str, key: str) -> dict | None:
        row = self.table(set_name).get(key)
        return row.data if row else None

    def rows(self, set_name: str, **match) -> list[dict]:
        """The set's records, or those whose fields equal ``match`` (by an index if there is one)."""
        return [row.data for row in self.table(set_name).matching(**match)]

    def highest(self, set_name: str, name: str, **match) -> dict | None:
        """The record matching ``match`` (an indexed combination) with the highest ``name``."""
        row = self.table(set_name).highest(name, **match)
        return row.data if row else None

    def find(self, set_name: str, **match) -> dict | None:
        for data in self.rows(set_name):
            if all(data.get(k) == v for k, v in match.items()):
                return data
        return None

    def put(self, set_name: str, data: dict) -> Row:
        assert self.tx is not None, "writes need a transaction"
        return self.tx.put(self.company.writable(set_name), data)

    def remove(self, set_name: str, key: str) -> None:
        assert self.tx is not None, "writes need a transaction"
        self.tx.remove(self.company.writable(set_name), key)


class Rules:
    """BC's business logic for one writable entity set.

    ``values`` are the properties the client gave, already loaded by the
    set's schema (types, lengths, GUIDs checked), in the order BC validates
    them (page-layout order). ``parent`` is the record of the navigation the
    request came through (a journal, for nested payments), else None.
    """

    # read-only properties whose writes these rules judge themselves (with BC's texts)
    guarded: frozenset[str] = frozenset()

    def check_list(self, parent: dict | None, equalities: dict) -> None:
        """Refuse a list request that BC refuses; ``equalities`` come from $filter."""

    def create(self, view: CompanyView, values: dict, parent: dict | None) -> dict:
        raise NotImplementedError

    def update(self, view: CompanyView, current: dict, values: dict, parent: dict | None) -> dict:
        raise NotImplementedError

    def delete(self, view: CompanyView, current: dict) -> None:
        raise NotImplementedError
