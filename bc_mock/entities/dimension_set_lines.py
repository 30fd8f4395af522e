"""dimensionSetLines: the dimensions of a record (AL: page 30022 "APIV2 - Dimension Set Lines").

Served under a customer payment and a journal line (parent type "Journal Line") and a sales
invoice ("Sales Invoice": BC changes a posted invoice's dimensions too), where a client lists,
adds, changes and deletes them, and under a G/L entry ("General Ledger Entry"), where posting
copies the posted line's and they are read-only. BC's rules and texts:
* the key ``id`` is the dimension's id: a record has at most one line per dimension;
* ``id`` and ``code`` name the dimension and must agree; ``valueId`` and ``valueCode`` its value
  (a value of that dimension), and must agree; one of each pair is required;
* the dimension (``id``, ``code``) of a line cannot change, its value can;
* changing a record's dimensions changes the record (its lastModifiedDateTime and ETag).

bc_mock stores a line under ``{parentId}:{dimensionId}`` (one table for every parent) and shows
the dimension's id as ``id``; a ``$filter`` on ``id`` does not find it (filter on ``code``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bc_mock import errors
from bc_mock.entities.kinds import BLANK_GUID, Code, Enum, Guid, Text
from bc_mock.entities.model import EntitySet, Prop
from bc_mock.entities.rules import CompanyView, Rules

if TYPE_CHECKING:
    from bc_mock.store import Company, Row

V2 = ("v2.0",)
JOURNAL_LINE, GL_ENTRY, SALES_INVOICE = "Journal Line", "General Ledger Entry", "Sales Invoice"
# the sets whose records have dimension set lines, and the parent type BC gives them
PARENT_TYPES = {
    "customerPayments": JOURNAL_LINE,
    "journalLines": JOURNAL_LINE,
    "salesInvoices": SALES_INVOICE,
    "generalLedgerEntries": GL_ENTRY,
}
# the parent types whose dimensions a client may change (BC's SaveDimensions: not a G/L entry's)
WRITABLE_PARENTS = (JOURNAL_LINE, SALES_INVOICE)
# BC's enum "Dimension Set Entry Buffer Parent Type", its first values (those up to bc_mock's)
PARENT_TYPE = Enum(
    " ",
    JOURNAL_LINE,
    "Sales Order",
    "Sales Order Line",
    "Sales Quote",
    "Sales Quote Line",
    "Sales Credit Memo",
    "Sales Credit Memo Line",
    SALES_INVOICE,
    "Sales Invoice Line",
    "Purchase Invoice",
    "Purchase Invoice Line",
    GL_ENTRY,
    type_name="dimensionSetEntryBufferParentType",
)
NEEDS_PARENT_TO_CREATE = "You must get to the parent first to create a dimension set line."
ALREADY_EXISTS = (
    "The dimension set line already exists. Check existing dimension set lines and the default dimension "
    "set lines on the parent."
)


def stored_key(parent_id: str, dimension_id: str) -> str:
    return f"{parent_id}:{dimension_id}"


class DimensionKey(Guid):
    """The key of a dimension set line: stored with its parent's id, shown as the dimension's."""

    def dump(self, value):
        return value.rpartition(":")[2]

    def same(self, stored: object, given: object) -> bool:
        return isinstance(stored, str) and stored.rpartition(":")[2] == given

    stored_as_shown = False

    def shown(self, stored: object) -> object:
        return stored.rpartition(":")[2] if isinstance(stored, str) else stored


def parent_set(view: CompanyView, parent_id: str) -> str | None:
    """The set whose record ``parent_id`` is (ids are GUIDs: unique across sets)."""
    return next(
        (name for name in PARENT_TYPES if name in view.company.tables and view.get(name, parent_id)), None
    )


def remove_dimension_set(view: CompanyView, parent_id: str) -> None:
    """Delete a record's dimension set lines (its record is deleted or posted)."""
    for line in view.rows("dimensionSetLines", parentId=parent_id):
        view.remove("dimensionSetLines", line["id"])


def copy_dimension_set(view: CompanyView, source_id: str, target_id: str, parent_type: str) -> None:
    """Give ``target_id`` the dimension set of ``source_id`` (posting: a line's to its G/L entries)."""
    for line in view.rows("dimensionSetLines", parentId=source_id):
        dimension_id = line["id"].rpartition(":")[2]
        view.put(
            "dimensionSetLines",
            dict(line, id=stored_key(target_id, dimension_id), parentId=target_id, parentType=parent_type),
        )


class DimensionSetLineRules(Rules):
    def find(self, company: Company, key: str, parent: dict | None = None) -> Row | None:
        table = company.tables.get(self.entity.name)
        if table is None or parent is None:
            return None
        return table.get(stored_key(parent["id"], key))

    def create(self, view: CompanyView, values: dict, parent: dict | None) -> dict:
        if parent is None:
            raise errors.dialog(NEEDS_PARENT_TO_CREATE)
        parent_type = self._writable_parent(view, parent)
        dimension = self._dimension(view, values)
        value = self._value(view, values, dimension)
        record = self.entity.blank_record(
            id=stored_key(parent["id"], dimension["id"]), parentId=parent["id"], parentType=parent_type
        )
        if view.get(self.entity.name, record["id"]):
            raise errors.dialog(ALREADY_EXISTS)
        self._fill(record, dimension, value)
        self._touch(view, parent)
        return record

    def update(self, view: CompanyView, current: dict, values: dict, parent: dict | None) -> dict:
        assert parent is not None  # a line is reached through its parent only
        self._writable_parent(view, parent)
        dimension = view.find("dimensions", code=current["code"])
        assert dimension is not None  # dimensions are read-only
        if (
            values.get("id", dimension["id"]) != dimension["id"]
            or values.get("code", dimension["code"]) != (dimension["code"])
        ):  # the id or code of another dimension
            raise errors.dialog('The "id" and "code" fields cannot be modified.')
        record = dict(current)
        if "valueId" in values or "valueCode" in values:
            self._fill(record, dimension, self._value(view, values, dimension))
        self._touch(view, parent)
        return record

    def delete(self, view: CompanyView, current: dict) -> None:
        parent_name = parent_set(view, current["parentId"])
        parent = view.get(parent_name, current["parentId"]) if parent_name else None
        if parent is not None:
            self._writable_parent(view, parent)
            self._touch(view, parent)
        view.remove(self.entity.name, current["id"])

    # --- the steps ---------------------------------------------------------

    @staticmethod
    def _writable_parent(view: CompanyView, parent: dict) -> str:
        """The parent's type, when its dimensions may change (not a G/L entry's)."""
        name = parent_set(view, parent["id"])
        parent_type = PARENT_TYPES.get(name or "", " ")
        if parent_type not in WRITABLE_PARENTS:
            raise errors.dialog(
                f"Parent with ID {parent['id']} does not exist or dimension set lines are read only for "
                f"parent type {parent_type}."
            )
        return parent_type

    @staticmethod
    def _dimension(view: CompanyView, values: dict) -> dict:
        by_id = None
        if values.get("id", BLANK_GUID) != BLANK_GUID:
            by_id = view.get("dimensions", values["id"])
            if by_id is None:
                raise errors.dialog('The "id" does not match to a Dimension.')
        if values.get("code"):
            if by_id is not None:
                if by_id["code"] != values["code"]:
                    raise errors.dialog("The dimension field values do not match to a specific Dimension.")
                return by_id
            by_code = view.find("dimensions", code=values["code"])
            if by_code is None:
                raise errors.dialog('The "code" does not match to a Dimension.')
            return by_code
        if by_id is None:
            raise errors.dialog('The "id" or "code" field must be filled in.')
        return by_id

    @staticmethod
    def _value(view: CompanyView, values: dict, dimension: dict) -> dict:
        table = "dimensionValues" if "dimensionValues" in view.company.tables else None
        by_id = None
        if values.get("valueId", BLANK_GUID) != BLANK_GUID:
            by_id = view.get(table, values["valueId"]) if table else None
            if by_id is None:
                raise errors.dialog('The "valueId" does not match to a Dimension Value.')
        code = values.get("valueCode") or ""
        if code and by_id is not None and by_id["code"] != code:
            raise errors.dialog(
                'The values of the "dimensionCode" field and the "dimensionId" field do not refer to the '
                "same Dimension Value."
            )
        if by_id is None and not code:
            raise errors.dialog('The "valueId" or "valueCode" field must be filled in.')
        if by_id is not None:
            value = by_id if by_id["dimensionId"] == dimension["id"] else None
            code = by_id["code"]
        else:
            found = view.find(table, dimensionId=dimension["id"], code=code) if table else None
            if found is None:
                raise errors.dialog('The "valueCode" does not match to a Dimension Value.')
            value = found
        if value is None:
            # the value of another dimension: the buffer's table relation refuses it
            raise errors.dialog(
                "The field Dimension Value Code of table Dimension Set Entry Buffer contains a value "
                f"({code}) that cannot be found in the related table (Dimension Value)."
            )
        return value

    @staticmethod
    def _fill(record: dict, dimension: dict, value: dict) -> None:
        record.update(
            code=dimension["code"],
            consolidationCode=dimension["consolidationCode"],
            displayName=dimension["displayName"],
            valueId=value["id"],
            valueCode=value["code"],
            valueConsolidationCode=value.get("consolidationCode", ""),
            valueDisplayName=value["displayName"],
        )

    @staticmethod
    def _touch(view: CompanyView, parent: dict) -> None:
        # BC saves the new dimension set on the parent (its Dimension Set ID): a change of the parent
        name = parent_set(view, parent["id"])
        assert name is not None
        current = view.get(name, parent["id"])
        assert current is not None
        view.put(name, dict(current, lastModifiedDateTime=view.now))


dimension_set_lines = EntitySet(
    name="dimensionSetLines",
    type_name="dimensionSetLine",
    table="Dimension Set Entry Buffer",
    methods=frozenset({"GET", "POST", "PATCH", "DELETE"}),
    rules=DimensionSetLineRules(),
    sort_key=lambda row: row["code"],
    top_level_versions=(),  # only under its parent: customerPayments, journalLines, generalLedgerEntries
    indexes=(("parentId",),),
    description="Dimension set lines (v2.0) of a customer payment, a journal line, a sales invoice "
    "(read and write) or a G/L entry (read-only), at `.../dimensionSetLines`; the key `id` is the "
    "dimension's id.",
    props=(
        # BC's page lets a client write the key (it names the dimension); changing it is refused
        Prop("id", DimensionKey(), nullable=False, versions=V2),
        Prop("code", Code(20), versions=V2),
        Prop("consolidationCode", Code(20), read_only=True, versions=V2),
        Prop("parentId", Guid(), read_only=True, versions=V2),
        Prop("parentType", PARENT_TYPE, read_only=True, versions=V2),
        Prop("displayName", Text(30), read_only=True, versions=V2),
        Prop("valueId", Guid(), versions=V2),
        Prop("valueCode", Code(20), versions=V2),
        Prop("valueConsolidationCode", Code(20), read_only=True, versions=V2),
        Prop("valueDisplayName", Text(50), read_only=True, versions=V2),
    ),
)
