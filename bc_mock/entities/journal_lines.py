"""journalLines: BC's Gen. Journal Lines of a general journal (AL: page 30049 "APIV2 - JournalLines").

BC rules, in page-layout order:
* the line belongs to the journal of the URL, or at company level to the body's ``journalId``;
  a company-level list needs ``$filter=journalId eq {id}`` (or ``id``), as for customerPayments;
  ``journalId`` cannot change ("The Journal Batch Id isn't editable.");
* ``journalDisplayName`` is the journal's code; another value is refused ("isn't editable");
* ``lineNumber``: the journal's last + 10000 when not given; changing it renames the line;
* ``accountType`` is "G/L Account" (the default) or "Bank Account": the only types the page
  lists; ``accountId`` and ``accountNumber`` resolve each other (BC's texts when they do not
  match or name nothing); a G/L account must be a posting account, not blocked, with direct
  posting; choosing an account fills ``description`` with its name;
* a new line takes the journal's balancing account, and the posting date of the journal's last
  line (else today); its document number is the last line's, or the next one (IncStr) once the
  lines before it balance, as BC's journal page does (G00001 for the first);
* ``amount`` rounded to 0.01; the balancing account as the account (type, id, number).

Where bc_mock differs: ``taxCode`` is stored as given (no tax or VAT is posted); a type other than
G/L or bank account is refused with bc_mock's own text (BC would store a line its page then no
longer shows); bank accounts resolve once the company has ``bankAccounts``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from bc_mock import errors
from bc_mock.entities.general_journals import GENERAL, GeneralJournalRules
from bc_mock.entities.journals import field_validation, posting_account_number
from bc_mock.entities.kinds import BLANK_GUID, Code, Date, DateTime, Decimal_, Enum, Guid, Int32, Text
from bc_mock.entities.model import EntitySet, Navigation, Prop
from bc_mock.entities.payments import LineRules, increment_document_number, next_line_number, round_amount
from bc_mock.entities.rules import CompanyView

V2 = ("v2.0",)
GL_ACCOUNT, BANK_ACCOUNT = "G/L Account", "Bank Account"
# BC's enum 1 "Gen. Journal Account Type"
ACCOUNT_TYPE = Enum(
    GL_ACCOUNT,
    "Customer",
    "Vendor",
    BANK_ACCOUNT,
    "Fixed Asset",
    "IC Partner",
    "Employee",
    "Allocation Account",
    type_name="genJournalAccountType",
    ordinals=(0, 1, 2, 3, 4, 5, 6, 10),
)
LISTED_TYPES = (GL_ACCOUNT, BANK_ACCOUNT)
FIRST_DOCUMENT_NUMBER = "G00001"  # CRONUS's GENJNL number series
NAME_NOT_EDITABLE = "The Journal Batch Display Name isn't editable."
VALUES_DO_NOT_MATCH = "The account values do not match to a specific Account."


def account_set(account_type: str) -> str:
    """The entity set holding accounts of ``account_type`` (G/L or bank)."""
    return "accounts" if account_type == GL_ACCOUNT else "bankAccounts"


def find_account(view: CompanyView, account_type: str, **match) -> dict | None:
    set_name = account_set(account_type)
    if set_name not in view.company.tables:
        return None
    if "id" in match:
        return view.get(set_name, match["id"])
    return view.find(set_name, **match)


def checked_account_number(account_type: str, account: dict) -> str:
    """The account's number once BC's validation of the account passes."""
    if account_type == GL_ACCOUNT:
        return posting_account_number(account)
    if account.get("blocked"):
        number = account["number"]
        raise field_validation(
            f"Blocked must be equal to 'No'  in Bank Account: No.={number}. Current value is 'Yes'."
        )
    return account["number"]


def journal_balance(lines: list[dict]) -> Decimal:
    """What the journal page shows as its balance: the lines without a balancing account."""
    return sum((line["amount"] for line in lines if not line["balancingAccountNumber"]), Decimal(0))


class JournalLineRules(LineRules):
    lines = "journalLines"
    journals = "journals"
    template = GENERAL

    def create(self, view: CompanyView, values: dict, parent: dict | None) -> dict:
        journal = self.journal_for_create(view, values, parent)
        self._check_display_name(values, journal)
        lines = view.rows("journalLines", journalId=journal["id"])
        last = view.highest("journalLines", "lineNumber", journalId=journal["id"])
        if last is None:
            document_number = FIRST_DOCUMENT_NUMBER
        elif journal_balance(lines) == 0:
            document_number = increment_document_number(last["documentNumber"])
        else:
            document_number = last["documentNumber"]
        record = self.entity.blank_record(
            id=values.get("id") or str(uuid.uuid4()),
            journalId=journal["id"],
            journalDisplayName=journal["code"],
            accountType=GL_ACCOUNT,
            balanceAccountType=GL_ACCOUNT,
            postingDate=last["postingDate"] if last else view.now.date(),
            documentNumber=document_number,
            lastModifiedDateTime=view.now,
        )
        if view.get("journalLines", record["id"]) or view.get("customerPayments", record["id"]):
            raise errors.same_key_exists("Gen. Journal Line", f"SystemId='{record['id']}'")
        record["lineNumber"] = values.get("lineNumber") or next_line_number(last)
        if journal["balancingAccountId"] != BLANK_GUID:
            record["balancingAccountId"] = journal["balancingAccountId"]
            record["balancingAccountNumber"] = journal["balancingAccountNumber"]
        return self._apply(view, record, values, journal)

    def update(self, view: CompanyView, current: dict, values: dict, parent: dict | None) -> dict:
        if "journalId" in values and values["journalId"] != current["journalId"]:
            raise errors.dialog("The Journal Batch Id isn't editable.")
        record, journal = self.changed(view, current, values)
        self._check_display_name(values, journal)
        return self._apply(view, record, values, journal)

    # --- the steps ---------------------------------------------------------

    @staticmethod
    def _check_display_name(values: dict, journal: dict) -> None:
        # the page refuses any value (OnValidate); bc_mock takes back the value a client read
        given = values.get("journalDisplayName")
        if given is not None and given != journal["code"]:
            raise errors.dialog(NAME_NOT_EDITABLE)

    def journal_for_create(self, view: CompanyView, values: dict, parent: dict | None) -> dict:
        if parent is not None:
            GeneralJournalRules.check_own(parent)
        given = values.get("journalId")
        other = view.get("customerPaymentJournals", given) if parent is None and given else None
        if other is not None:
            GeneralJournalRules.check_own(dict(other, templateDisplayName="CASHRCPT"))
        return super().journal_for_create(view, values, parent)

    def _apply(self, view: CompanyView, record: dict, values: dict, journal: dict) -> dict:
        self.check_line_number(view, record, journal)
        account_before = record["accountId"]
        self._resolve_account(view, record, values, "accountType", "accountId", "accountNumber")
        for name in ("postingDate", "documentNumber", "externalDocumentNumber"):
            if name in values:
                record[name] = values[name]
        if "amount" in values:
            record["amount"] = round_amount(values["amount"])
        if record["accountId"] != account_before and record["accountId"] != BLANK_GUID:
            # validating the account fills the description with the account's name
            account = find_account(view, record["accountType"], id=record["accountId"])
            assert account is not None  # resolved just above
            record["description"] = account["displayName"]
        for name in ("description", "comment", "taxCode"):
            if name in values:
                record[name] = values[name]
        self._resolve_account(
            view, record, values, "balanceAccountType", "balancingAccountId", "balancingAccountNumber"
        )
        return record

    @staticmethod
    def _resolve_account(
        view: CompanyView, record: dict, values: dict, type_name: str, id_name: str, number_name: str
    ) -> None:
        """The account (or balancing account) of the line: its type, then its id, then its number."""
        field = id_name.removesuffix("Id")  # "account" or "balancingAccount", as BC's texts name it
        if type_name in values and values[type_name] != record[type_name]:
            if values[type_name] not in LISTED_TYPES:
                raise errors.bad_request(
                    f"bc_mock's journalLines take the {type_name} 'G/L Account' or 'Bank Account' (the "
                    "types BC's journalLines page lists); customer payments go in customerPayments."
                )
            record[type_name] = values[type_name]
            record[id_name], record[number_name] = BLANK_GUID, ""  # validating the type clears the account
        account_type = record[type_name]
        by_id = None
        if id_name in values:
            if values[id_name] == BLANK_GUID:
                record[id_name], record[number_name] = BLANK_GUID, ""
            else:
                by_id = find_account(view, account_type, id=values[id_name])
                if by_id is None:
                    raise errors.dialog(f'The "{id_name}" does not match to an Account.')
                record[id_name] = by_id["id"]
                record[number_name] = checked_account_number(account_type, by_id)
        if number_name in values:
            number = values[number_name]
            if by_id is not None:
                if number != by_id["number"]:
                    raise errors.dialog(VALUES_DO_NOT_MATCH)
                return
            if number == "":
                record[id_name], record[number_name] = BLANK_GUID, ""
                return
            account = find_account(view, account_type, number=number)
            if account is None:
                if field == "account":
                    raise errors.dialog('The "accountNumber" does not match to an Account.')
                raise errors.dialog(
                    f"The field Bal. Account No. of table Gen. Journal Line contains a value ({number}) "
                    f"that cannot be found in the related table ({account_type})."
                )
            record[id_name] = account["id"]
            record[number_name] = checked_account_number(account_type, account)


journal_lines = EntitySet(
    name="journalLines",
    type_name="journalLine",
    table="Gen. Journal Line",
    methods=frozenset({"GET", "POST", "PATCH", "DELETE"}),
    rules=JournalLineRules(),
    sort_key=lambda row: (row["journalDisplayName"], row["lineNumber"]),
    top_level_versions=V2,
    indexes=(("journalId",), ("journalId", "lineNumber")),
    description="Journal lines (v2.0): the lines of a general journal, at `journals({id})/journalLines`; "
    "a company-level list needs `$filter=journalId eq {id}` or `$filter=id eq {id}`, as in BC.",
    nested_in="journals",
    navigations=(
        Navigation("dimensionSetLines", "dimensionSetLines", many=True, target_field="parentId", versions=V2),
    ),
    props=(
        Prop("id", Guid(), read_only=True, nullable=False, settable_on_create=V2, versions=V2),
        Prop("journalId", Guid(), versions=V2),
        Prop("journalDisplayName", Code(10), versions=V2),
        Prop("lineNumber", Int32(), versions=V2),
        Prop("accountType", ACCOUNT_TYPE, versions=V2),
        Prop("accountId", Guid(), versions=V2),
        Prop("accountNumber", Code(20), versions=V2),
        Prop("postingDate", Date(), versions=V2),
        Prop("documentNumber", Code(20), versions=V2),
        Prop("externalDocumentNumber", Code(35), versions=V2),
        Prop("amount", Decimal_(), versions=V2),
        Prop("description", Text(100), versions=V2),
        Prop("comment", Text(250), versions=V2),
        Prop("taxCode", Code(20), versions=V2),
        Prop("balanceAccountType", ACCOUNT_TYPE, versions=V2),
        Prop("balancingAccountId", Guid(), versions=V2),
        Prop("balancingAccountNumber", Code(20), versions=V2),
        Prop("lastModifiedDateTime", DateTime(), read_only=True, versions=V2),
    ),
)
