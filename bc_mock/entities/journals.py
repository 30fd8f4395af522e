"""customerPaymentJournals: BC's Gen. Journal Batch in the cash receipts template.

The rules are shared with ``journals`` (general_journals.py): the same BC table, another
template. BC rules (AL: page 20013/30013 and table 232):
* ``code`` (Name) is required, at most 10 characters, upper-cased, unique in the company;
  PATCHing it renames the batch, and its lines follow.
* ``balancingAccountId`` must name a G/L account that exists, is a posting account, is
  not blocked and allows direct posting; it fills ``balancingAccountNumber``. The blank
  GUID clears both.
* Deleting a journal deletes its payments.
"""

from __future__ import annotations

import uuid

from bc_mock import errors
from bc_mock.entities.dimension_set_lines import remove_dimension_set
from bc_mock.entities.kinds import BLANK_GUID, Code, DateTime, Guid, Text
from bc_mock.entities.model import EntitySet, Navigation, Prop
from bc_mock.entities.rules import CompanyView, Rules

# the template customer payment journals live in (US CRONUS's cash receipts template)
TEMPLATE = "CASHRCPT"
# the entity sets that hold BC's Gen. Journal Batch records (SystemId is unique across them)
BATCH_SETS = ("journals", "customerPaymentJournals")


def field_validation(message: str) -> errors.BcError:
    """A failed AL TestField."""
    return errors.BcError(400, "Application_FieldValidationException", message)


def check_gl_account(account: dict) -> str:
    """The G/L account's number, once BC's CheckGLAcc passes: a posting account, not blocked."""
    number = account["number"]
    if account["accountType"] != "Posting":
        raise field_validation(
            f"Account Type must be equal to 'Posting'  in G/L Account: No.={number}. "
            f"Current value is '{account['accountType']}'."
        )
    if account["blocked"]:
        raise field_validation(
            f"Blocked must be equal to 'No'  in G/L Account: No.={number}. Current value is 'Yes'."
        )
    return number


def posting_account_number(account: dict) -> str:
    """The G/L account's number, once CheckGLAcc and BC's direct-posting test pass (AL TestFields)."""
    number = check_gl_account(account)
    if not account["directPosting"]:
        raise field_validation(
            f"Direct Posting must be equal to 'Yes'  in G/L Account: No.={number}. Current value is 'No'."
        )
    return number


class JournalRules(Rules):
    """The rules of a journal batch; ``template`` is its template, ``lines`` the set of its lines."""

    template = TEMPLATE
    lines = "customerPayments"

    def create(self, view: CompanyView, values: dict, parent: dict | None) -> dict:
        record = self.entity.blank_record(
            id=values.get("id") or str(uuid.uuid4()), lastModifiedDateTime=view.now
        )
        if any(view.get(name, record["id"]) for name in BATCH_SETS if name in view.company.tables):
            raise errors.same_key_exists("Gen. Journal Batch", f"SystemId='{record['id']}'")
        return self._apply(view, record, values)

    def update(self, view: CompanyView, current: dict, values: dict, parent: dict | None) -> dict:
        record = self._apply(view, dict(current, lastModifiedDateTime=view.now), values)
        if record["code"] != current["code"]:
            self._rename_lines(view, record)
        return record

    def delete(self, view: CompanyView, current: dict) -> None:
        for line in view.rows(self.lines, journalId=current["id"]):
            remove_dimension_set(view, line["id"])
            view.remove(self.lines, line["id"])
        view.remove(self.entity.name, current["id"])

    def _apply(self, view: CompanyView, record: dict, values: dict) -> dict:
        for name in ("code", "displayName"):
            if name in values:
                record[name] = values[name]
        if not record["code"]:
            raise errors.required("code")
        for other in view.rows(self.entity.name):
            if other["code"] == record["code"] and other["id"] != record["id"]:
                raise errors.same_key_exists(
                    "Gen. Journal Batch", f"Journal Template Name='{self.template}',Name='{record['code']}'"
                )
        if "balancingAccountId" in values:
            record["balancingAccountId"], record["balancingAccountNumber"] = self._balancing_account(
                view, values["balancingAccountId"]
            )
        return record

    @staticmethod
    def _balancing_account(view: CompanyView, account_id: str) -> tuple[str, str]:
        if account_id == BLANK_GUID:
            return BLANK_GUID, ""
        account = view.get("accounts", account_id)
        if account is None:
            raise errors.dialog('The "balancingAccountNumber" does not match to a G/L Account.')
        return account_id, posting_account_number(account)

    def _rename_lines(self, view: CompanyView, journal: dict) -> None:
        # a rename in AL renames the lines' Journal Batch Name too
        for line in view.rows(self.lines, journalId=journal["id"]):
            view.put(self.lines, dict(line, journalDisplayName=journal["code"]))


customer_payment_journals = EntitySet(
    name="customerPaymentJournals",
    type_name="customerPaymentJournal",
    table="Gen. Journal Batch",
    methods=frozenset({"GET", "POST", "PATCH", "DELETE"}),
    rules=JournalRules(),
    sort_key=lambda row: row["code"],
    description="Customer payment journals (batches of the cash receipts journal template).",
    navigations=(
        Navigation("customerPayments", "customerPayments", many=True, target_field="journalId"),
        Navigation("account", "accounts", many=False, source_field="balancingAccountId"),
    ),
    props=(
        Prop("id", Guid(), read_only=True, nullable=False, settable_on_create=("v2.0",)),
        Prop("code", Code(10), nullable=False),
        Prop("displayName", Text(100)),
        Prop("lastModifiedDateTime", DateTime(), read_only=True),
        Prop("balancingAccountId", Guid()),
        Prop("balancingAccountNumber", Code(20), read_only=True),
    ),
)
