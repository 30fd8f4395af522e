"""What BC's business logic sees and does, shared by the entity sets' rules.

``CompanyView`` is one company's data inside one transaction: rules read rows
and put or remove rows through it, never through the store's dicts. ``Rules``
is the base class of each set's business logic (as moto keeps one backend per
service): it turns validated request values into a new record, or refuses with
BC's error. A read-only set's rules (``ReferenceRules``) only complete and check
the records its fixtures give.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from bc_mock import errors
from bc_mock.entities.kinds import BLANK_GUID, to_millis
from bc_mock.store import Change

if TYPE_CHECKING:
    from bc_mock.store import Company, Row, Table, Transaction


class _Reference(Protocol):
    """What rules read of a navigation: a single-valued one names the set its field refers to."""

    @property
    def target(self) -> str: ...
    @property
    def many(self) -> bool: ...
    @property
    def source_field(self) -> str: ...


class _Property(Protocol):
    @property
    def read_only(self) -> bool: ...


class Declaration(Protocol):
    """What rules read of their entity set's declaration (``model.EntitySet`` is one)."""

    name: str

    @property
    def navigations(self) -> Sequence[_Reference]: ...
    def prop_named(self, name: str) -> _Property | None: ...
    def blank_record(self, **values: object) -> dict: ...


class FieldError(errors.BcError):
    """A fixture record refused because of one of its fields (named, for the seed's message)."""

    def __init__(self, field: str, message: str):
        super().__init__(400, "BadRequest", message)
        self.field = field


class CompanyView:
    """One company's data inside one transaction, at one moment.

    ``now`` is the time of the request's changes (bc_mock's clock, see clock.py), at the
    precision BC keeps: every record the request writes shows it as its lastModifiedDateTime.
    """

    def __init__(
        self, company: Company, tx: Transaction | None, version: str, now: dt.datetime | None = None
    ):
        self.company = company
        self.tx = tx
        self.version = version
        self.now = to_millis(now or dt.datetime.now(dt.timezone.utc))

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

    def find(self, set_name: str, **match) -> dict | None:
        """One record whose fields equal ``match`` (the first in the table's order), or None."""
        rows = self.table(set_name).matching(**match)
        return rows[0].data if rows else None

    def highest(self, set_name: str, name: str, **match) -> dict | None:
        """The record matching ``match`` (an indexed combination) with the highest ``name``."""
        row = self.table(set_name).highest(name, **match)
        return row.data if row else None

    def put(self, set_name: str, data: dict) -> Row:
        assert self.tx is not None, "writes need a transaction"
        table = self.company.writable(set_name)
        previous = table.get(data["id"])
        if previous is None or previous.data != data:  # writing a record back unchanged is no change
            self._changed(set_name, data["id"], "created" if previous is None else "updated")
        row = self.tx.put(table, data)
        self._refresh_followers(set_name, data, previous.data if previous else None)
        return row

    def remove(self, set_name: str, key: str) -> None:
        assert self.tx is not None, "writes need a transaction"
        removed = self.tx.remove(self.company.writable(set_name), key)
        if removed is not None:
            self._changed(set_name, key, "deleted")
            self._refresh_followers(set_name, None, removed.data)

    def _refresh_followers(self, set_name: str, data: dict | None, previous: dict | None) -> None:
        """Derive again the records of the sets that follow ``set_name`` (a customer's financial
        details follow its invoices)."""
        from bc_mock.entities import FOLLOWERS  # the registry imports this module

        for follower in FOLLOWERS.get(set_name, ()):
            follower.rules.refresh(self, set_name, data, previous)

    def _changed(self, set_name: str, key: str, change: str) -> None:
        namespace = self.company.namespace
        if namespace is not None and self.tx is not None:  # the seed's companies notify no one
            self.tx.changes.append(Change(namespace, self.company.id, set_name, key, change, self.now))


class Rules:
    """BC's business logic for one entity set.

    ``values`` are the properties the client gave, already loaded by the
    set's schema (types, lengths, GUIDs checked), in the order BC validates
    them (page-layout order). ``parent`` is the record of the navigation the
    request came through (a journal, for nested payments), else None.
    """

    entity: Declaration  # set by the EntitySet this object is declared on
    # the sets whose changes derive this set's records again (see ``refresh``)
    follows: tuple[str, ...] = ()

    def check_list(self, parent: dict | None, equalities: dict) -> None:
        """Refuse a list request that BC refuses; ``equalities`` come from $filter."""

    def listed(self, company: Company, equalities: dict) -> list[Row] | None:
        """The records a company-level list shows for ``equalities`` (from $filter), when they
        are not simply the set's own (BC's OnFindRecord); None: the set's records."""
        return None

    def find(self, company: Company, key: str, parent: dict | None = None) -> Row | None:
        """The record a URL's key names in this set (``journals({id})``; ``parent``: the record
        whose navigation the URL follows), or None. A set whose page finds records beyond those
        it lists (BC's OnFindRecord) says so here."""
        table = company.tables.get(self.entity.name)
        return None if table is None else table.get(key)

    def create(self, view: CompanyView, values: dict, parent: dict | None) -> dict:
        raise NotImplementedError(f"{self.entity.name} cannot be created")

    def update(self, view: CompanyView, current: dict, values: dict, parent: dict | None) -> dict:
        raise NotImplementedError(f"{self.entity.name} cannot be changed")

    def delete(self, view: CompanyView, current: dict) -> None:
        raise NotImplementedError(f"{self.entity.name} cannot be deleted")

    def refresh(self, view: CompanyView, set_name: str, data: dict | None, previous: dict | None) -> None:
        """Derive this set's records again after a record of ``set_name``, one of ``follows``,
        changed: ``data`` is the record as now stored (None: removed), ``previous`` as it was."""

    def seed(self, view: CompanyView, values: dict, parent: dict | None) -> dict:
        """A fixture record as stored: made as a POST of its writable values would make it.

        The fixture's read-only values (derived ones, such as a journal's balancing account
        number) are left out here; the seed checks them against the record made.
        """
        given = {}
        for name, value in values.items():
            prop = self.entity.prop_named(name)
            if name == "id" or (prop is not None and not prop.read_only):
                given[name] = value
        return self.create(view, given, parent)


class ReferenceRules(Rules):
    """A read-only set: its records come from fixtures, whose references must resolve."""

    # the field that holds the id of the record a fixture nests this one in (a line's invoice)
    parent_field: str | None = None

    def seed(self, view: CompanyView, values: dict, parent: dict | None) -> dict:
        if parent is not None and self.parent_field is not None:
            values = {**values, self.parent_field: parent["id"]}
        record = self.entity.blank_record(**values)
        for nav in self.entity.navigations:
            reference = record.get(nav.source_field)
            # a navigation by the record's own id (a customer's financial details) is derived
            if nav.many or nav.source_field == "id" or reference in (None, BLANK_GUID):
                continue
            if view.get(nav.target, reference) is None:
                raise FieldError(nav.source_field, f"no record of {nav.target} has the id {reference}")
        self.derive(view, record, values)
        return record

    def derive(self, view: CompanyView, record: dict, given: dict) -> None:
        """Fill the fields BC computes from other records (an invoice's customer number, say).

        A field the fixture gives that is derived must agree with what this computes.
        """
