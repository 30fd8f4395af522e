"""What posting writes and reads: G/L entries (read-only, v2.0) and customer posting groups.

``generalLedgerEntries`` (AL: page 30018 "APIV2 - G/L Entries", table 17 "G/L Entry"): every
page property, read-only; posting a journal (bc_mock.posting) is what adds records, each with the
next entry number.

``customerPostingGroups`` is not served: BC's API has no such set. It is seed data (BC's table 92
"Customer Posting Group", its receivables account), the group a customer's hidden
``customerPostingGroup`` names, so that posting knows where a customer's side goes.
"""

from __future__ import annotations

from bc_mock.entities.kinds import Code, Date, DateTime, Decimal_, Enum, Guid, Int32, Text
from bc_mock.entities.model import EntitySet, Navigation, Prop
from bc_mock.entities.rules import CompanyView, FieldError, ReferenceRules

V2 = ("v2.0",)
# BC's enum "Gen. Journal Document Type"
DOCUMENT_TYPE = Enum(
    " ",
    "Payment",
    "Invoice",
    "Credit Memo",
    "Finance Charge Memo",
    "Reminder",
    "Refund",
    type_name="genJournalDocumentType",
)

general_ledger_entries = EntitySet(
    name="generalLedgerEntries",
    type_name="generalLedgerEntry",
    table="G/L Entry",
    sort_key=lambda row: row["entryNumber"],
    top_level_versions=V2,
    # () : the whole table, so that the highest entry number is found at once
    indexes=((), ("documentNumber",)),
    navigations=(
        Navigation("dimensionSetLines", "dimensionSetLines", many=True, target_field="parentId", versions=V2),
    ),
    description="General ledger entries (v2.0). Read-only: posting a journal "
    "(`Microsoft.NAV.post`) writes them.",
    props=(
        Prop("id", Guid(), read_only=True, nullable=False, versions=V2),
        Prop("entryNumber", Int32(), read_only=True, versions=V2),
        Prop("postingDate", Date(), read_only=True, versions=V2),
        Prop("documentNumber", Code(20), read_only=True, versions=V2),
        Prop("documentType", DOCUMENT_TYPE, read_only=True, versions=V2),
        Prop("accountId", Guid(), read_only=True, versions=V2),
        Prop("accountNumber", Code(20), read_only=True, versions=V2),
        Prop("description", Text(100), read_only=True, versions=V2),
        Prop("debitAmount", Decimal_(), read_only=True, versions=V2),
        Prop("creditAmount", Decimal_(), read_only=True, versions=V2),
        Prop("additionalCurrencyDebitAmount", Decimal_(), read_only=True, versions=V2),
        Prop("additionalCurrencyCreditAmount", Decimal_(), read_only=True, versions=V2),
        Prop("lastModifiedDateTime", DateTime(), read_only=True, versions=V2),
    ),
)


class PostingGroupRules(ReferenceRules):
    def derive(self, view: CompanyView, record: dict, given: dict) -> None:
        account = view.get("accounts", record["receivablesAccountId"])
        if account is None:
            raise FieldError(
                "receivablesAccountId", f"no G/L account has the id {record['receivablesAccountId']}"
            )
        record["receivablesAccountNumber"] = account["number"]


customer_posting_groups = EntitySet(
    name="customerPostingGroups",
    type_name="customerPostingGroup",
    table="Customer Posting Group",
    rules=PostingGroupRules(),
    sort_key=lambda row: row["code"],
    top_level_versions=(),  # fixtures only: BC's API has no such set
    description="Not served (BC's API has none): the seed's customer posting groups, whose receivables "
    "account takes a customer's side of a posting.",
    props=(
        Prop("id", Guid(), read_only=True, nullable=False),
        Prop("code", Code(20), read_only=True),
        Prop("description", Text(100), read_only=True),
        Prop("receivablesAccountId", Guid(), read_only=True),
        Prop("receivablesAccountNumber", Code(20), read_only=True),
    ),
)
