"""The declaration of an entity set: the single source of truth.

An ``EntitySet`` names the set, its properties in the order BC sends them, the
methods it allows, where it lives in the URL tree and its navigation
properties. URL routing, validation (the kinds; marshmallow schemas for request
bodies, built on the first write), serialization and the
generated documents all read these declarations; nothing else lists
properties.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from bc_mock.entities.kinds import Kind

if TYPE_CHECKING:
    from marshmallow import Schema

    from bc_mock.entities.rules import Rules

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


@dataclass
class EntitySet:
    name: str
    type_name: str
    table: str  # the BC table behind the set, as named in BC's error messages
    props: tuple[Prop, ...]
    methods: frozenset[str] = frozenset({"GET"})
    company_scoped: bool = True
    navigations: tuple[Navigation, ...] = ()
    rules: Rules | None = None
    sort_key: Callable[[dict], object] = lambda row: row["id"]
    # filters a record out of a version's view (v1.0 accounts show only direct-posting ones)
    visible: Callable[[str, dict], bool] = lambda version, row: True
    # the set is addressable right under companies(...) in these versions; otherwise only
    # through a navigation of its parent
    top_level_versions: tuple[str, ...] = VERSIONS
    # fields the store indexes, alone or together (for lookups such as a journal's lines)
    indexes: tuple[tuple[str, ...], ...] = ()
    description: str = ""
    extra: dict = field(default_factory=dict)

    def props_for(self, version: str) -> tuple[Prop, ...]:
        return self._props_by_version[version]

    def prop(self, version: str, name: str) -> Prop | None:
        return self._prop_index[version].get(name)

    def navigations_for(self, version: str) -> tuple[Navigation, ...]:
        return tuple(nav for nav in self.navigations if version in nav.versions)

    def navigation(self, version: str, name: str) -> Navigation | None:
        return next((nav for nav in self.navigations_for(version) if nav.name == name), None)

    def schema(self, version: str) -> Schema:
        """A marshmallow schema that loads a request body for ``version``."""
        return self._schemas[version]

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

    @cached_property
    def _schemas(self) -> dict[str, Schema]:
        # marshmallow is imported with the first request body, not at start
        from bc_mock.entities.schemas import body_schema

        return {
            version: body_schema(self.type_name, version, props)
            for version, props in self._props_by_version.items()
        }


def _writer(kind: Kind, version: str) -> Callable[[object], object]:
    if type(kind).dump_for is Kind.dump_for:  # the same in every version: the kind's own dump
        return kind.dump
    return functools.partial(kind.dump_for, version)
