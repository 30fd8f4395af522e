"""Query options of a list request.

For now ``$filter`` understands the one form BC's payments list needs,
``journalId eq {guid}``; anything else is refused with BC's 400 rather than
silently ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bc_mock import errors
from bc_mock.entities import EntitySet
from bc_mock.entities.kinds import parse_guid

_EQ = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s+eq\s+([0-9a-fA-F-]{36})\s*$")


@dataclass
class ListQuery:
    # property -> value that every returned record has (from `prop eq value` filters)
    equalities: dict[str, object] = field(default_factory=dict)

    def matches(self, data: dict) -> bool:
        return all(data.get(name) == value for name, value in self.equalities.items())


def parse_list_query(args, entity: EntitySet, version: str) -> ListQuery:
    query = ListQuery()
    text = args.get("$filter")
    if text is None:
        return query
    match = _EQ.match(text)
    if not match:
        raise errors.bad_request(f"The filter '{text}' is not supported by bc_mock yet.")
    name, literal = match.groups()
    if entity.prop(version, name) is None:
        raise errors.bad_request(
            f"Could not find a property named '{name}' on type 'Microsoft.NAV.{entity.type_name}'."
        )
    query.equalities[name] = parse_guid(literal)
    return query
