"""The declaration of an entity set: the single source of truth.

An ``EntitySet`` names the set, its properties in the order BC sends them, the
methods it allows, where it lives in the URL tree, its navigation properties, where
its records sit in fixture files, and the rules object that holds BC's business
logic for it. URL routing, validation (the kinds; marshmallow schemas for request
bodies), serialization, fixtures and the generated documents all read these
declarations; nothing else lists properties or decides what a client may write.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from bc_mock.entities.kinds import Kind
from bc_mock.entities.rules import CompanyView, ReferenceRules, Rules

VERSIONS = ("v1.0", "v2.0")


@dataclass(frozen=True)
class Prop:
    """One property of an entity type."""

    name: str
    kind: Kind
    read_only: bool = False
    versions: tuple[str, ...] = VERSIONS
    # v2.0 lets a client choose the id of a new record (BC's SystemId)
    settable_on_create: tuple[str, ...] = ()
    nullable: bool = True
    description: str = ""
    # the versions whose $metadata and OpenAPI state the kind's length: those where BC stores it in
    # a field of that length, not where a page computes it (Microsoft's v1.0 contract has no
    # MaxLength on, say, appliesToInvoiceNumber, though the page refuses more than 20 characters)
    length_declared_in: tuple[str, ...] = VERSIONS

    def declared_length(self, version: str) -> int | None:
        return self.kind.max_length if version in self.length_declared_in else None

    def client_writable(self, version: str, creating: bool) -> bool:
        """Whether a client may send this property in a POST (``creating``) or PATCH body.

        The one place that decides it: the write path, fixtures, $metadata and OpenAPI all ask
        here. A property that is not client-writable is still accepted with the value the
        record ends up with (BC's OData layer compares, then refuses a different value).
        """
        return not self.read_only or (creating and version in self.settable_on_create)


@dataclass(frozen=True)
class Navigation:
    """A navigation property.

    ``many``: a collection of ``target`` records whose ``target_field`` holds
    this record's id (contained children such as a journal's payments).
    Otherwise a single ``target`` record whose id is this record's
    ``source_field`` (a reference such as a journal's balancing account).
    """

    name: str
    target: str
    many: bool
    source_field: str = "id"
    target_field: str = "id"
    versions: tuple[str, ...] = VERSIONS


@dataclass(frozen=True)
class Action:
    """A bound action of a record (BC's ``[ServiceEnabled]`` procedure of an API page):
    ``POST .../{set}({id})/Microsoft.NAV.{name}`` runs ``run(view, record)`` in one transaction and
    answers 204 with no body."""

    name: str
    run: Callable[[CompanyView, dict], None]
    description: str = ""
    versions: tuple[str, ...] = VERSIONS


@dataclass(eq=False)  # compared and hashed by identity: each set is declared once
class EntitySet:
    name: str
    type_name: str
    table: str  # the BC table behind the set, as named in BC's error messages
    props: tuple[Prop, ...]
    methods: frozenset[str] = frozenset({"GET"})
    company_scoped: bool = True
    navigations: tuple[Navigation, ...] = ()
    # BC's business logic for the set (see rules.py); a read-only set's default only completes
    # and checks fixture records
    rules: Rules = field(default_factory=ReferenceRules)
    sort_key: Callable[[dict], object] = lambda row: row["id"]
    # filters a record out of a version's view (v1.0 accounts show only direct-posting ones)
    visible: Callable[[str, dict], bool] = lambda version, row: True
    # the set is addressable right under companies(...) in these versions; otherwise only
    # through a navigation of its parent
    top_level_versions: tuple[str, ...] = VERSIONS
    # fields the store indexes, alone or together (for lookups such as a journal's lines)
    indexes: tuple[tuple[str, ...], ...] = ()
    description: str = ""
    # whether its records carry an @odata.etag (BC's companies do not: recorded, BC 25.4)
    etag: bool = True
    # the property that names a record (BC's OData key): a GUID, "id", for all but subscriptions
    key: str = "id"
    # in fixture files, this set's records sit inside each record of this parent set, under the
    # set's name (a journal's "customerPayments"); None: at the top of a company's fixture
    nested_in: str | None = None
    # the bound actions a record of the set offers (a journal's Microsoft.NAV.post)
    actions: tuple[Action, ...] = ()

    def __post_init__(self) -> None:
        self.rules.entity = self

    @property
    def writable(self) -> bool:
        return bool(self.methods - {"GET"})

    def blank_record(self, **values: object) -> dict:
        """A record of every property (each version's) at BC's blank value, updated with ``values``."""
        record = {prop.name: _fresh(prop.kind.blank) for prop in self.props}
        record.update(values)
        return record

    def props_for(self, version: str) -> tuple[Prop, ...]:
        return self._props_by_version[version]

    def prop(self, version: str, name: str) -> Prop | None:
        return self._prop_index[version].get(name)

    def prop_named(self, name: str) -> Prop | None:
        """The property ``name`` of whichever version has it (fixtures use both versions' names)."""
        return next((prop for prop in self.props if prop.name == name), None)

    def navigations_for(self, version: str) -> tuple[Navigation, ...]:
        return tuple(nav for nav in self.navigations if version in nav.versions)

    def navigation(self, version: str, name: str) -> Navigation | None:
        return next((nav for nav in self.navigations_for(version) if nav.name == name), None)

    def key_text(self, data: dict) -> str:
        """The record's key as its URL writes it (a dimension set line's: the dimension's id)."""
        prop = self.prop_named(self.key)
        return str(prop.kind.dump(data[self.key]) if prop is not None else data[self.key])

    def actions_for(self, version: str) -> tuple[Action, ...]:
        return tuple(action for action in self.actions if version in action.versions)

    def action(self, version: str, name: str) -> Action | None:
        return next((action for action in self.actions_for(version) if action.name == name), None)

    def dump(self, version: str, row: dict) -> dict:
        """The record in BC's JSON format and property order (no annotations)."""
        return {name: dump(row[name]) for name, dump in self._dumpers[version]}

    @cached_property
    def _dumpers(self) -> dict[str, tuple[tuple[str, Callable[[object], object]], ...]]:
        # (name, the kind's writer for the version) per property, found once: dump runs per record
        return {
            version: tuple((p.name, _writer(p.kind, version)) for p in props)
            for version, props in self._props_by_version.items()
        }

    @cached_property
    def _props_by_version(self) -> dict[str, tuple[Prop, ...]]:
        return {v: tuple(p for p in self.props if v in p.versions) for v in VERSIONS}

    @cached_property
    def _prop_index(self) -> dict[str, dict[str, Prop]]:
        return {v: {p.name: p for p in props} for v, props in self._props_by_version.items()}


def _writer(kind: Kind, version: str) -> Callable[[object], object]:
    if type(kind).dump_for is Kind.dump_for:  # the same in every version: the kind's own dump
        return kind.dump
    return functools.partial(kind.dump_for, version)


def _fresh(blank: object) -> object:
    """A blank value a record may own: a list is copied, so no two records share one."""
    return list(blank) if isinstance(blank, list) else blank
