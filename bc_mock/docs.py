"""Reference tables for the README, generated from the registry.

``python -m bc_mock.docs`` prints them; a test checks that README.md holds
exactly this text, so the README cannot drift from the code.
"""

from __future__ import annotations

from bc_mock.entities import REGISTRY, VERSIONS, EntitySet
from bc_mock.entities.kinds import Complex, Enum


def _address(entity: EntitySet) -> str:
    if not entity.company_scoped:
        return f"`{entity.name}`"
    if not entity.top_level_versions:
        parents = [
            other.name
            for other in REGISTRY.values()
            for nav in other.navigations
            if nav.target == entity.name
        ]
        return (
            ", ".join(f"`{parent}({{id}})/{entity.name}`" for parent in parents)
            or "not served (fixtures only)"
        )
    if entity.top_level_versions == VERSIONS:
        return f"`companies({{id}})/{entity.name}`"
    return f"`companies({{id}})/{entity.name}` ({', '.join(entity.top_level_versions)})"


def _navigations(entity: EntitySet) -> str:
    navs = []
    for nav in entity.navigations:
        only = "" if nav.versions == VERSIONS else f" ({', '.join(nav.versions)})"
        navs.append(f"`{nav.name}`{only}")
    return ", ".join(navs) or "-"


def entity_table() -> str:
    lines = [
        "| Entity set | Address | Methods | Navigations | Description |",
        "|---|---|---|---|---|",
    ]
    order = ("GET", "POST", "PATCH", "DELETE")
    for entity in REGISTRY.values():
        methods = " ".join(m for m in order if m in entity.methods)
        lines.append(
            f"| `{entity.name}` | {_address(entity)} | {methods} | {_navigations(entity)} "
            f"| {entity.description} |"
        )
    return "\n".join(lines) + "\n"


def property_tables() -> str:
    parts = []
    for entity in REGISTRY.values():
        parts.append(f"#### {entity.type_name}\n")
        parts.append("| Property | Type | Max length | Read-only | Versions |\n|---|---|---|---|---|")
        for prop in entity.props:
            kind = prop.kind
            edm = kind.edm
            if isinstance(kind, Complex):
                edm = f"Microsoft.NAV.{kind.type_name}"
                edm = f"Collection({edm})" if kind.many else edm
            elif isinstance(kind, Enum):
                enum = f"Microsoft.NAV.{kind.type_name}"
                edm = enum if prop.versions == ("v2.0",) else f"{enum} (v1.0: Edm.String)"
            versions = "both" if prop.versions == VERSIONS else ", ".join(prop.versions) or "fixtures only"
            read_only = "yes" if prop.read_only else ""
            length = str(kind.max_length) if kind.max_length else ""  # the length writes are held to
            parts.append(f"| `{prop.name}` | {edm} | {length} | {read_only} | {versions} |")
        parts.append("")
    return "\n".join(parts)


if __name__ == "__main__":
    print(entity_table())
    print(property_tables())
