"""What posting writes and reads: G/L entries (read-only, v2.0) and customer posting groups.

``generalLedgerEntries`` (AL: page 30018 "APIV2 - G/L Entries", table 17 "G/L Entry"): every
page property, read-only; posting a journal (bc_mock.posting) is what adds records, each with the
next entry number.

``customerPostingGroups`` and ``bankAccountPostingGroups`` are not served: BC's API has no such
sets. They are seed data (BC's tables 92 "Customer Posting Group", its receivables account, and
277 "Bank Account Posting Group", its G/L account), the groups a customer's and a bank account's
fixture-only ``customerPostingGroup`` and ``bankAccountPostingGroup`` name, so that posting knows
where a customer's or a bank account's side goes.
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
    """A posting group names a G/L account by its id (``account``Id); its number is derived."""

    def __init__(self, account: str):
        self.account = account

    def derive(self, view: CompanyView, record: dict, given: dict) -> None:
        account_id = record[f"{self.account}Id"]
        account = view.get("accounts", account_id)
        if account is None:
            raise FieldError(f"{self.account}Id", f"no G/L account has the id {account_id}")
        record[f"{self.account}Number"] = account["number"]


def posting_group(name: str, table: str, account: str, whose: str) -> EntitySet:
    """A fixtures-only posting group set (BC's API has none) whose ``account`` takes ``whose`` side."""
    return EntitySet(
        name=f"{name}s",
        type_name=name,
        table=table,
        rules=PostingGroupRules(account),
        sort_key=lambda row: row["code"],
        top_level_versions=(),  # fixtures only: BC's API has no such set
        description=f"Not served (BC's API has none): the seed's {table.lower()}s, whose G/L account "
        f"takes {whose} side of a posting.",
        props=(
            Prop("id", Guid(), read_only=True, nullable=False),
            Prop("code", Code(20), read_only=True),
            Prop("description", Text(100), read_only=True),
            Prop(f"{account}Id", Guid(), read_only=True),
            Prop(f"{account}Number", Code(20), read_only=True),
        ),
    )


customer_posting_groups = posting_group(
    "customerPostingGroup", "Customer Posting Group", "receivablesAccount", "a customer's"
)
bank_account_posting_groups = posting_group(
    "bankAccountPostingGroup", "Bank Account Posting Group", "glAccount", "a bank account's"
)
