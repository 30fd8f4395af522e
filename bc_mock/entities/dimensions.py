"""dimensions and dimensionValues: BC's Dimension and Dimension Value tables, read-only (AL:
pages 30021 "APIV2 - Dimensions" and 30040 "APIV2 Dimension Values Entity").

BC's pages allow no insert, modify or delete; their records come from the fixtures. A
dimension's values are at ``dimensions({id})/dimensionValues`` and, all dimensions' together,
at ``companies({id})/dimensionValues``; in fixtures they sit inside their dimension.
"""

from __future__ import annotations

from bc_mock.entities.kinds import Code, DateTime, Guid, Text
from bc_mock.entities.model import EntitySet, Navigation, Prop
from bc_mock.entities.rules import ReferenceRules

V2 = ("v2.0",)

dimensions = EntitySet(
    name="dimensions",
    type_name="dimension",
    table="Dimension",
    sort_key=lambda row: row["code"],
    top_level_versions=V2,
    description="Dimensions (v2.0), with their values at `dimensions({id})/dimensionValues`. Read-only.",
    navigations=(
        Navigation("dimensionValues", "dimensionValues", many=True, target_field="dimensionId", versions=V2),
    ),
    props=(
        Prop("id", Guid(), read_only=True, nullable=False),
        Prop("code", Code(20), read_only=True),
        Prop("displayName", Text(30), read_only=True),
        Prop("consolidationCode", Code(20), read_only=True),
        Prop("lastModifiedDateTime", DateTime(), read_only=True),
    ),
)


class DimensionValueRules(ReferenceRules):
    parent_field = "dimensionId"


dimension_values = EntitySet(
    name="dimensionValues",
    type_name="dimensionValue",
    table="Dimension Value",
    rules=DimensionValueRules(),
    sort_key=lambda row: (row["dimensionId"], row["code"]),
    top_level_versions=V2,
    nested_in="dimensions",
    indexes=(("dimensionId",),),
    description="Dimension values (v2.0): every dimension's at company level, one dimension's at "
    "`dimensions({id})/dimensionValues`. Read-only.",
    props=(
        Prop("id", Guid(), read_only=True, nullable=False, versions=V2),
        Prop("code", Code(20), read_only=True, versions=V2),
        Prop("dimensionId", Guid(), read_only=True, versions=V2),
        Prop("displayName", Text(50), read_only=True, versions=V2),
        Prop("consolidationCode", Code(20), read_only=True, versions=V2),
        Prop("lastModifiedDateTime", DateTime(), read_only=True, versions=V2),
    ),
)
