"""Resource paths: ``companies(id)/customerPaymentJournals(id)/customerPayments`` -> Target.

The path after the API root is a chain of OData segments, ``name`` or
``name(key)``. The first is always ``companies``; each later one is a set under
a company (from the registry) or a navigation property of the record before it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from bc_mock import errors
from bc_mock.entities import REGISTRY, EntitySet
from bc_mock.entities.kinds import parse_guid
from bc_mock.store import Company, Namespace, Row

_SEGMENT = re.compile(r"^([A-Za-z_$][A-Za-z0-9_]*)(?:\((.*)\))?$")


@dataclass
class Target:
    """What a URL addresses."""

    entity: EntitySet
    company: Company | None
    context: str  # the path of the collection, as @odata.context names it
    row: Row | None = None  # the record, when the URL addresses one
    single: bool = False  # the URL addresses one record (by key or a single-valued navigation)
    parent: dict | None = None  # the record whose navigation the collection is
    link: tuple[str, str] | None = None  # (field, value) every record of the collection has
    key: str | None = None
    records: list[Row] | None = None  # the collection's records, when they are not a company's

    def belongs(self, version: str, data: dict) -> bool:
        if not self.entity.visible(version, data):
            return False
        return self.link is None or data.get(self.link[0]) == self.link[1]

    @property
    def entity_path(self) -> str:
        """The canonical path of the addressed record (for the next segment's context)."""
        return f"{self.context}({self.key})" if self.key else self.context


ACTION_PREFIX = "Microsoft.NAV."


def split_action(rest: str) -> tuple[str, str | None]:
    """``.../journals({id})/Microsoft.NAV.post`` as (the record's path, "post"); else (rest, None)."""
    path, _, last = rest.strip("/").rpartition("/")
    if path and last.startswith(ACTION_PREFIX):
        return path, last.removeprefix(ACTION_PREFIX)
    return rest, None


# the longest path after the API root whose segments are kept (see _cached_segments)
MAX_CACHED_REST = 512


def split_segments(rest: str, url: errors.Url) -> list[tuple[str, str | None]]:
    segments = _cached_segments(rest) if len(rest) <= MAX_CACHED_REST else _segments(rest)
    if segments is None:
        raise errors.not_found_url(url)
    return list(segments)


def _segments(rest: str) -> tuple[tuple[str, str | None], ...] | None:
    """The (name, key) of each segment; None if one is not an OData segment."""
    segments = []
    for text in rest.strip("/").split("/"):
        match = _SEGMENT.match(text)
        if not match:
            return None
        segments.append((match.group(1), match.group(2)))
    return tuple(segments)


# Clients ask for the same few paths again and again: the segments of the last ones are kept
# (bounded: 1024 paths of at most MAX_CACHED_REST characters) rather than matched again.
_cached_segments = functools.lru_cache(maxsize=1024)(_segments)


def with_company(
    segments: list[tuple[str, str | None]], company: str | None, namespace: Namespace, url: errors.Url
) -> list[tuple[str, str | None]]:
    """``customerPaymentJournals?company={id}`` as ``companies({id})/customerPaymentJournals``.

    BC takes the company's id; bc_mock also takes its name (as BC's OData web
    services do). Without the parameter, or on ``companies`` itself, the path stays.
    """
    if company is None or segments[0][0] == "companies":
        return segments
    company_id = parse_guid(company.strip())
    if company_id is None:
        company_id = next(
            (c.id for c in list(namespace.companies.values()) if c.row.data["name"] == company), None
        )
    if company_id is None or company_id not in namespace.companies:
        raise errors.company_not_found()
    return [("companies", company_id), *segments]


def _key(text: str) -> str:
    guid = parse_guid(text.strip())
    if guid is None:
        raise errors.query_syntax(f"'{text}' is not a valid key: a GUID is expected.")
    return guid


def resolve(
    namespace: Namespace, version: str, segments: list[tuple[str, str | None]], url: errors.Url
) -> Target:
    name, key = segments[0]
    if name != "companies":
        raise errors.not_found_url(url)
    companies = REGISTRY["companies"]
    if key is None:
        if len(segments) > 1:
            raise errors.not_found_url(url)
        return Target(companies, None, "companies")
    company_id = _key(key)
    company = namespace.companies.get(company_id)
    if company is None:
        raise errors.resource_not_found("companies")
    target = Target(companies, company, "companies", row=company.row, single=True, key=company_id)
    for name, key in segments[1:]:
        target = _step(target, version, name, key, url)
    return target


def _step(current: Target, version: str, name: str, key: str | None, url: errors.Url) -> Target:
    if not current.single or current.row is None:
        # only a single record has navigation properties
        raise errors.not_found_url(url)
    company = current.company
    assert company is not None  # a record is within its company (a company is its own)
    if current.entity.name == "companies":
        entity = REGISTRY.get(name)
        if entity is None or not entity.company_scoped or version not in entity.top_level_versions:
            raise errors.not_found_url(url)
        target = Target(entity, company, f"{current.entity_path}/{name}")
    else:
        nav = current.entity.navigation(version, name)
        if nav is None:
            raise errors.not_found_url(url)
        entity = REGISTRY[nav.target]
        context = f"{current.entity_path}/{name}"
        if not nav.many:
            if key is not None:
                raise errors.not_found_url(url)
            ref = current.row.data[nav.source_field]
            row = _row(company, entity.name, ref)
            if row is not None and not entity.visible(version, row.data):
                row = None
            return Target(entity, company, context, row=row, single=True)
        parent = current.row.data
        target = Target(entity, company, context, parent=parent, link=(nav.target_field, parent["id"]))
    if key is None:
        return target
    record_id = _key(key)
    row = entity.rules.find(company, record_id, target.parent)
    if row is None or not target.belongs(version, row.data):
        raise errors.resource_not_found(name)
    target.row, target.single, target.key = row, True, record_id
    return target


def _row(company: Company, set_name: str, key: str) -> Row | None:
    table = company.tables.get(set_name)
    return None if table is None else table.get(key)
