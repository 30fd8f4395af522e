"""dimensions: BC's Dimension table, read-only (AL: page 30021 "APIV2 - Dimensions").

BC's page allows no insert, modify or delete; its records come from the fixtures.
"""

from __future__ import annotations

from bc_mock.entities.kinds import Code, DateTime, Guid, Text
from bc_mock.entities.model import EntitySet, Prop

V2 = ("v2.0",)

dimensions = EntitySet(
    name="dimensions",
    type_name="dimension",
    table="Dimension",
    sort_key=lambda row: row["code"],
    top_level_versions=V2,
    description="Dimensions (v2.0). Read-only.",
    props=(
        Prop("id", Guid(), read_only=True, nullable=False),
        Prop("code", Code(20), read_only=True),
        Prop("displayName", Text(30), read_only=True),
        Prop("consolidationCode", Code(20), read_only=True),
        Prop("lastModifiedDateTime", DateTime(), read_only=True),
    ),
)
