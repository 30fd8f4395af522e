"""Navigation properties, from the registry, and how to follow them over the store.

A company contains every set that is addressable right under it in a version
(``companies(id)/customerPaymentJournals``): those are the company's navigation
properties, derived here so that $expand and $metadata see the same tree as
the URL resolver. Every other navigation is declared on its entity set.
"""

from __future__ import annotations

from dataclasses import dataclass

from bc_mock.entities import REGISTRY, EntitySet, Navigation
from bc_mock.store import Company, Namespace, Row, Table

# the target_field of a company's navigations: their rows live in that company's tables
CONTAINED = "<company>"


def navigations(entity: EntitySet, version: str) -> tuple[Navigation, ...]:
    if entity.name == "companies":
        return tuple(
            Navigation(name, name, many=True, target_field=CONTAINED)
            for name, child in REGISTRY.items()
            if child.company_scoped and version in child.top_level_versions
        )
    return entity.navigations_for(version)


def navigation(entity: EntitySet, version: str, name: str) -> Navigation | None:
    return next((nav for nav in navigations(entity, version) if nav.name == name), None)


@dataclass(frozen=True)
class Scope:
    """Where rows are looked up: the namespace, and the company of the current records."""

    namespace: Namespace
    company: Company | None

    def company_of(self, entity: EntitySet, row: Row) -> Company | None:
        return self.namespace.companies.get(row.data["id"]) if entity.name == "companies" else self.company


def follow(
    scope: Scope, entity: EntitySet, version: str, nav: Navigation, row: Row
) -> list[Row] | Row | None:
    """The rows ``nav`` of ``row`` leads to: a list (many), else one row or None."""
    target = REGISTRY[nav.target]
    company = scope.company_of(entity, row)
    table = company.tables[target.name] if company is not None else Table()
    if nav.many:
        if nav.target_field == CONTAINED:
            rows = list(table.values())
        else:
            rows = table.matching(**{nav.target_field: row.data[nav.source_field]})
        return [r for r in rows if target.visible(version, r.data)]
    ref = row.data.get(nav.source_field)
    found = table.get(ref) if ref is not None else None
    return found if found is not None and target.visible(version, found.data) else None
