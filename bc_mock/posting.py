"""Posting a journal batch, as BC's Gen. Jnl.-Post Batch does (``journals({id})/Microsoft.NAV.post``).

One call posts every line of a general journal (``journalLines``) or of a customer payment
journal (``customerPayments``), all or nothing: it runs inside the request's transaction, checks
every line before it writes anything, and any refusal rolls back what it did.

Checks, in BC's order per line (GenJnlCheckLine.RunCheck), then per document (CheckBalance):
* a posting date, within generalLedgerSetup's allowed range (blank bounds: any date);
* a document number; an account (BC asks for one only without a balancing account, and would
  post a balancing side alone; bc_mock asks always); an amount; a customer payment's amount
  negative (CheckDocType: "must be negative");
* the accounts: G/L accounts that are posting accounts and not blocked, customers not blocked
  for all, bank accounts not blocked, both in the local currency and with a posting group whose
  G/L account takes their side;
* each document (posting date and document number) balanced, unless its lines carry a balancing
  account (the GENERAL and CASHRCPT templates force the balance per document);
* an invoice a payment applies to: the customer's, and open (BC finds its open customer ledger
  entry, or fails).

Effects: G/L entries (the customer's side on its posting group's receivables account, the
balancing side on the line's balancing account), each G/L account's netChange, the invoices'
remaining amounts and status (Paid at 0; an overpayment closes the invoice and leaves the surplus
open on the customer), the customers' balanceDue, and the posted lines deleted. Every record
changed goes through CompanyView, so its lastModifiedDateTime, ETag and webhooks follow.

Where bc_mock differs from BC: no VAT, payment discounts or tolerances, no currencies but the
local one, no customer ledger entries of their own (v2.0 serves none), and the texts of BC's
runtime errors (a missing ledger entry) are bc_mock's rendering of them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from bc_mock import errors
from bc_mock.entities.dimension_set_lines import GL_ENTRY, copy_dimension_set, remove_dimension_set
from bc_mock.entities.journals import check_gl_account, field_validation
from bc_mock.entities.kinds import BLANK_DATE, BLANK_GUID
from bc_mock.entities.rules import CompanyView

NOTHING_TO_POST = "There is nothing to post."
FOREIGN_CURRENCY = (
    "{what} is in the currency {code}: bc_mock posts in the local currency only (BC would post the "
    "amounts in {code} and their value in the local currency)."
)
BATCH_NOT_FOUND = "The General Journal Batch with ID {id} cannot be found."
# A post runs under the store's lock, which every tenant's requests share: at about 85 µs a line,
# 5,000 lines hold it under half a second. BC has no such limit; bc_mock's is listed as a
# difference (README, "Hostile input and limits").
MAX_POSTED_LINES = 5000
TOO_MANY_LINES = (
    "The journal holds {count} lines; bc_mock posts at most {limit} lines at a time, so that one "
    "post cannot hold up other tenants. Post them in journals of at most {limit} lines."
)
GL_ACCOUNT, CUSTOMER, BANK_ACCOUNT = "G/L Account", "Customer", "Bank Account"
ZERO = Decimal(0)


@dataclass(frozen=True)
class Account:
    """One side of a line: its type, id and number (a blank number: no account)."""

    type: str
    id: str
    number: str


@dataclass
class Line:
    """A journal line as posting reads it, whichever set it is stored in."""

    set_name: str
    record: dict
    template: str
    batch: str
    document_type: str
    account: Account
    balancing: Account
    applies_to: str  # the invoice number a payment applies to, or ""

    @property
    def number(self) -> int:
        return self.record["lineNumber"]

    @property
    def amount(self) -> Decimal:
        return self.record["amount"]

    @property
    def empty(self) -> bool:
        """BC's EmptyLine: no account, no balancing account and no amount (skipped)."""
        return not self.account.number and not self.balancing.number and self.amount == 0

    def key(self) -> str:
        """The line's primary key, as BC's messages name it."""
        return (
            f"Journal Template Name='{self.template}',Journal Batch Name='{self.batch}',"
            f"Line No.='{self.number}'"
        )

    def test_field(self, caption: str) -> errors.BcError:
        """AL's TestField of a blank field of the line."""
        return field_validation(
            f"{caption} must have a value in Gen. Journal Line: Journal Template Name={self.template}, "
            f"Journal Batch Name={self.batch}, Line No.={self.number}. It cannot be zero or empty."
        )

    def field_error(self, caption: str, text: str) -> errors.BcError:
        """AL's FieldError on the line."""
        return field_validation(f"{caption} {text} in Gen. Journal Line {self.key()}.")


def format_decimal(value: Decimal) -> str:
    """A decimal as AL's Format writes it: thousands separated, no trailing zeros (1,234.5)."""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def post(view: CompanyView, batch_id: str) -> None:
    """Post the batch ``batch_id`` (a general or a customer payment journal) or raise BC's error."""
    lines = _lines(view, batch_id)
    if not lines:
        raise errors.dialog(NOTHING_TO_POST)
    Checks(view).run(lines)
    Posting(view).run(lines)


def _lines(view: CompanyView, batch_id: str) -> list[Line]:
    journal = view.get("journals", batch_id)
    if journal is not None:
        template, lines_set = "GENERAL", "journalLines"
    else:
        journal = view.get("customerPaymentJournals", batch_id)
        if journal is None:
            raise errors.dialog(BATCH_NOT_FOUND.format(id=batch_id))
        template, lines_set = "CASHRCPT", "customerPayments"
    records = view.rows(lines_set, journalId=batch_id)
    if len(records) > MAX_POSTED_LINES:
        raise errors.bad_request(
            TOO_MANY_LINES.format(count=f"{len(records):,}", limit=f"{MAX_POSTED_LINES:,}")
        )
    records = sorted(records, key=lambda record: record["lineNumber"])
    lines = [_line(lines_set, record, template, journal) for record in records]
    for line in lines:
        if line.empty:  # BC deletes empty lines with the batch's posted lines
            remove_dimension_set(view, line.record["id"])
            view.remove(line.set_name, line.record["id"])
    return [line for line in lines if not line.empty]


def _line(set_name: str, record: dict, template: str, journal: dict) -> Line:
    if set_name == "customerPayments":
        # a customer payment: the customer, balanced on the journal's balancing account (G/L; BC
        # copies it to the line, which customerPayments does not show)
        return Line(
            set_name,
            record,
            template,
            journal["code"],
            "Payment",
            Account(CUSTOMER, record["customerId"], record["customerNumber"]),
            Account(GL_ACCOUNT, journal["balancingAccountId"], journal["balancingAccountNumber"]),
            record["appliesToInvoiceNumber"],
        )
    return Line(
        set_name,
        record,
        template,
        journal["code"],
        " ",
        Account(record["accountType"], record["accountId"], record["accountNumber"]),
        Account(record["balanceAccountType"], record["balancingAccountId"], record["balancingAccountNumber"]),
        "",
    )


class Checks:
    """BC's checks before posting (GenJnlCheckLine, CheckBalance, the application's lookup)."""

    def __init__(self, view: CompanyView):
        self.view = view
        setup = view.find("generalLedgerSetup") if "generalLedgerSetup" in view.company.tables else None
        self.allowed_from = (setup or {}).get("allowPostingFrom") or BLANK_DATE
        self.allowed_to = (setup or {}).get("allowPostingTo") or BLANK_DATE

    def run(self, lines: list[Line]) -> None:
        group: tuple | None = None
        balance, document = ZERO, ""
        for line in lines:
            self.check_line(line)
            current = (line.record["postingDate"], line.record["documentNumber"])
            if current != group:
                self._check_balance(balance, document)
                group, balance, document = current, ZERO, line.record["documentNumber"]
            if not line.balancing.number:
                balance += line.amount
        self._check_balance(balance, document)
        for line in lines:
            if line.applies_to:
                open_invoice(self.view, line)

    def check_line(self, line: Line) -> None:
        record = line.record
        if record["postingDate"] == BLANK_DATE:
            raise line.test_field("Posting Date")
        if not self._allowed(record["postingDate"]):
            raise line.field_error("Posting Date", "is not within your range of allowed posting dates")
        if not record["documentNumber"]:
            raise line.test_field("Document No.")
        if not line.account.number:
            # BC tests the account only without a balancing account, then posts the balancing side
            # alone; bc_mock refuses a line without its account in any case
            raise line.test_field("Account No.")
        if line.account.number and line.amount == 0:
            raise line.test_field("Amount")
        if line.document_type == "Payment" and line.account.type == CUSTOMER and line.amount > 0:
            raise line.field_error("Amount", "must be negative")
        for side in (line.account, line.balancing):
            if side.number:
                gl_account_of(self.view, side)

    def _allowed(self, date) -> bool:
        if self.allowed_from == BLANK_DATE and self.allowed_to == BLANK_DATE:
            return True
        if date < self.allowed_from:
            return False
        return self.allowed_to == BLANK_DATE or date <= self.allowed_to

    @staticmethod
    def _check_balance(balance: Decimal, document: str) -> None:
        if balance != 0:
            raise errors.dialog(
                f"Document No. {document} is out of balance by {format_decimal(balance)}. Please check that "
                "Posting Date, Document Type, Document No. and Amount are correct for each line."
            )


def gl_account_of(view: CompanyView, side: Account) -> dict:
    """The G/L account a side of a line posts to, once BC's checks of its account pass."""
    if side.type == CUSTOMER:
        account = customer_gl_account(view, side)
    elif side.type == BANK_ACCOUNT:
        account = bank_gl_account(view, side)
    else:
        account = record_of(view, "accounts", side)
    if account is None:
        raise errors.dialog(
            f"The G/L Account does not exist. Identification fields and values: No.='{side.number}'"
        )
    check_gl_account(account)
    return account


def record_of(view: CompanyView, set_name: str, side: Account) -> dict | None:
    """The record a side of a line names: by its id (at once), else by its number."""
    if side.id != BLANK_GUID:
        return view.get(set_name, side.id)
    return view.find(set_name, number=side.number)


@dataclass(frozen=True)
class Holder:
    """A kind of account that posts through a posting group: a customer, a bank account."""

    set_name: str
    table: str  # as BC's messages name it
    group_field: str  # the record's posting group
    group_caption: str
    groups: str  # the set of its posting groups
    group_account: str  # the group's field that holds the G/L account's id


CUSTOMER_HOLDER = Holder(
    "customers",
    "Customer",
    "customerPostingGroup",
    "Customer Posting Group",
    "customerPostingGroups",
    "receivablesAccountId",
)
BANK_HOLDER = Holder(
    "bankAccounts",
    "Bank Account",
    "bankAccountPostingGroup",
    "Bank Acc. Posting Group",
    "bankAccountPostingGroups",
    "glAccountId",
)


def customer_gl_account(view: CompanyView, side: Account) -> dict | None:
    """The receivables account of a customer (its posting group's), once the customer's checks pass."""
    return _group_account(view, side, CUSTOMER_HOLDER)


def bank_gl_account(view: CompanyView, side: Account) -> dict | None:
    """The G/L account of a bank account (its posting group's), once the bank account's checks pass."""
    return _group_account(view, side, BANK_HOLDER)


def _group_account(view: CompanyView, side: Account, holder: Holder) -> dict | None:
    number, table = side.number, holder.table
    found = record_of(view, holder.set_name, side) if holder.set_name in view.company.tables else None
    if found is None:
        raise errors.dialog(f"The {table} does not exist. Identification fields and values: No.='{number}'")
    if found["blocked"] is True:
        raise field_validation(
            f"Blocked must be equal to 'No'  in {table}: No.={number}. Current value is 'Yes'."
        )
    if found["blocked"] == "All":  # a customer's Blocked is an option: All blocks payments
        raise errors.dialog(
            f"You cannot post this type of document when {table} {number} is blocked with type All"
        )
    if found["currencyId"] != BLANK_GUID:
        raise errors.bad_request(
            FOREIGN_CURRENCY.format(what=f"{table} {number}", code=found["currencyCode"])
        )
    group = view.find(holder.groups, code=found[holder.group_field])
    if group is None:
        raise field_validation(
            f"{holder.group_caption} must have a value in {table}: No.={number}. It cannot be zero or empty."
        )
    return view.get("accounts", group[holder.group_account])


def open_invoice(view: CompanyView, line: Line) -> dict:
    """The open invoice of the line's customer a payment applies to (BC: its open ledger entry)."""
    # the customer's invoices, by the index on customerId: a journal's lines cost no more each
    # than their customer's invoices
    invoice = next(
        (
            found
            for found in view.rows("salesInvoices", customerId=line.account.id)
            if found["number"] == line.applies_to
        ),
        None,
    )
    if invoice is None or invoice["status"] != "Open" or invoice["remainingAmount"] == 0:
        raise errors.dialog(
            "There is no Cust. Ledger Entry within the filter. Filters: "
            f"Document No.: {line.applies_to}, Document Type: Invoice, Customer No.: {line.account.number}, "
            "Open: Yes"
        )
    return invoice


class Posting:
    """The writes of a checked batch: G/L entries, applications, balances, the lines deleted."""

    def __init__(self, view: CompanyView):
        self.view = view
        last = view.highest("generalLedgerEntries", "entryNumber")
        self.next_entry = (last["entryNumber"] if last else 0) + 1

    def run(self, lines: list[Line]) -> None:
        for line in lines:
            self._entries(line)
            if line.account.type == CUSTOMER:
                self._customer(line)
            remove_dimension_set(self.view, line.record["id"])
            self.view.remove(line.set_name, line.record["id"])

    def _entries(self, line: Line) -> None:
        self._entry(line, gl_account_of(self.view, line.account), line.amount)
        if line.balancing.number:
            self._entry(line, gl_account_of(self.view, line.balancing), -line.amount)

    def _entry(self, line: Line, account: dict, amount: Decimal) -> None:
        view, record = self.view, line.record
        debit, credit = (amount, ZERO) if amount > 0 else (ZERO, -amount)
        entry = {
            "id": str(uuid.uuid4()),
            "entryNumber": self.next_entry,
            "postingDate": record["postingDate"],
            "documentNumber": record["documentNumber"],
            "documentType": line.document_type,
            "accountId": account["id"],
            "accountNumber": account["number"],
            "description": record["description"],
            "debitAmount": debit,
            "creditAmount": credit,
            "additionalCurrencyDebitAmount": ZERO,
            "additionalCurrencyCreditAmount": ZERO,
            "lastModifiedDateTime": view.now,
        }
        self.next_entry += 1
        view.put("generalLedgerEntries", entry)
        copy_dimension_set(view, record["id"], entry["id"], GL_ENTRY)
        current = view.get("accounts", account["id"])
        assert current is not None  # found just above
        view.put(
            "accounts", dict(current, netChange=current["netChange"] + amount, lastModifiedDateTime=view.now)
        )

    def _customer(self, line: Line) -> None:
        view = self.view
        unapplied = line.amount  # what the payment leaves open on the customer
        if line.applies_to:
            invoice = open_invoice(view, line)
            remaining = max(invoice["remainingAmount"] + line.amount, ZERO)
            unapplied = min(invoice["remainingAmount"] + line.amount, ZERO)  # an overpayment's surplus
            view.put(
                "salesInvoices",
                dict(
                    invoice,
                    remainingAmount=remaining,
                    status="Paid" if remaining == 0 else invoice["status"],
                    lastModifiedDateTime=view.now,
                ),
            )
        customer = record_of(view, "customers", line.account)
        assert customer is not None  # checked
        view.put(
            "customers",
            dict(
                customer,
                balanceDue=customer["balanceDue"] + line.amount,
                unappliedPayments=customer["unappliedPayments"] + unapplied,
                lastModifiedDateTime=view.now,
            ),
        )
