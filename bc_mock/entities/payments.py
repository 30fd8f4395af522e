"""customerPayments: BC's Gen. Journal Lines of a customer payment journal.

BC rules (AL: pages 20058/30055, codeunits "Graph Mgt - Journal Lines" and
"Graph Mgt - Customer Payments"), applied in page-layout order:
* the line belongs to the journal of the URL, or in v2.0 to the ``journalId`` of the body
  at company level; without either BC refuses; ``journalId`` cannot change later.
* ``journalDisplayName`` is the journal's code; v1.0 refuses any write to it, v2.0 refuses
  a different value.
* ``lineNumber`` is the journal's last line number + 10000 when not given; past 2147483647
  (AL's Integer) that is refused with bc_mock's own text (AL raises an overflow error).
* ``customerId`` and ``customerNumber`` resolve each other; given both, they must agree.
* ``appliesToInvoiceId`` and ``appliesToInvoiceNumber`` resolve each other and fill the
  customer when the line has none; an unknown invoice number just leaves the id blank.
* ``amount`` is rounded to the currency's amount rounding precision (0.01: the seed models
  no foreign currencies).

Where bc_mock simplifies: ``documentNumber`` defaults to the previous line's number
incremented (BC draws from the batch's number series), the v1.0 ``contactId`` is stored
but not resolved to a customer, and v1.0 ``dimensions`` are stored as given.
"""

from __future__ import annotations

import re
import uuid
from decimal import ROUND_HALF_UP, Context, Decimal

from bc_mock import errors
from bc_mock.entities.dimension_set_lines import remove_dimension_set
from bc_mock.entities.journals import TEMPLATE
from bc_mock.entities.kinds import (
    BLANK_GUID,
    INT32_MAX,
    Code,
    Complex,
    Date,
    DateTime,
    Decimal_,
    Guid,
    Int32,
    Text,
    within_decimal_range,
)
from bc_mock.entities.model import EntitySet, Navigation, Prop
from bc_mock.entities.rules import CompanyView, Rules

V1 = ("v1.0",)
V2 = ("v2.0",)
NEEDS_JOURNAL = "You must specify a journal batch ID or a journal ID to get a journal line."
LINE_NUMBER_STEP = 10000
APPLICABLE_INVOICE_STATUSES = ("Open", "Paid", "Corrective", "Canceled")
INVOICE_MISMATCH = {
    "v1.0": "The AppliesToInvoice values do not match to the same Invoice.",
    "v2.0": "The Applies To Invoice values do not match to the same Invoice.",
}


def increment_document_number(number: str) -> str:
    """AL's IncStr: add one to the last run of digits, keeping its width."""
    match = re.search(r"(\d+)(\D*)$", number)
    if not match:
        return ""
    digits = match.group(1)
    bumped = str(int(digits) + 1).zfill(len(digits))
    return number[: match.start(1)] + bumped + match.group(2)


# the seed's companies keep their books in one currency with BC's default rounding precision
AMOUNT_PRECISION = Decimal("0.01")


def round_amount(amount: Decimal) -> Decimal:
    """What Gen. Journal Line's Amount validation stores: Round(Amount, Amount Rounding
    Precision), to the nearest with halves away from zero (AL's default direction)."""
    # the kind has refused what .NET's decimal cannot hold (quantize would raise on 1e999999999);
    # rounding the largest up (79228162514264337593543950334.995) goes beyond it all the same
    rounded = (
        amount.quantize(AMOUNT_PRECISION, rounding=ROUND_HALF_UP, context=Context(prec=60))
        if within_decimal_range(amount)
        else amount
    )
    if not within_decimal_range(rounded):
        raise errors.bad_request(f"Cannot convert the literal '{amount}' to the expected type 'Edm.Decimal'.")
    return rounded


def next_line_number(last: dict | None) -> int:
    """The line number of a new line given none: the journal's last + 10000, within AL's Integer."""
    if last is None:
        return LINE_NUMBER_STEP
    following = last["lineNumber"] + LINE_NUMBER_STEP
    if following > INT32_MAX:
        raise errors.bad_request(
            f"The next line number, {last['lineNumber']} + {LINE_NUMBER_STEP}, would exceed "
            f"{INT32_MAX}: give the payment a lineNumber."
        )
    return following


class LineRules(Rules):
    """What BC's rules for a journal's lines share (customerPayments, journalLines): ``lines`` is
    the set of the lines, ``journals`` of their journals, ``template`` the journals' template."""

    lines = "customerPayments"
    journals = "customerPaymentJournals"
    template = TEMPLATE

    def check_list(self, parent: dict | None, equalities: dict) -> None:
        # BC's CheckFilters: at company level a list needs a filter on the journal ("Journal Batch
        # Id", v2.0's journalId) or on the line's id (SystemId): v1.0 has no journalId, so there
        # only `$filter=id eq ...` (or the nested URL of a journal) gets past it
        if parent is None and "journalId" not in equalities and "id" not in equalities:
            raise errors.dialog(NEEDS_JOURNAL)

    def delete(self, view: CompanyView, current: dict) -> None:
        remove_dimension_set(view, current["id"])
        view.remove(self.lines, current["id"])

    def journal_for_create(self, view: CompanyView, values: dict, parent: dict | None) -> dict:
        given = values.get("journalId")
        if parent is not None:
            if given not in (None, parent["id"]):
                raise errors.dialog("The Journal Id and Journal Display Name do not match.")
            return parent
        if given in (None, BLANK_GUID):
            raise errors.dialog(NEEDS_JOURNAL)
        journal = view.get(self.journals, given)
        if journal is None:
            # BC's GetBatchNameFromId does an unchecked GetBySystemId: the runtime's record-not-found
            # error (its exact wording for a SystemId lookup is not verified)
            raise errors.record_not_found("Gen. Journal Batch", f"SystemId='{given}'")
        return journal

    def changed(self, view: CompanyView, current: dict, values: dict) -> tuple[dict, dict]:
        """The line to change, and its journal: renumbered when ``lineNumber`` is given (BC renames)."""
        journal = view.get(self.journals, current["journalId"])
        assert journal is not None  # a line's journal goes only with its lines
        record = dict(current, lastModifiedDateTime=view.now)
        if values.get("lineNumber"):
            record["lineNumber"] = values["lineNumber"]  # a rename, as BC allows
        return record, journal

    def check_line_number(self, view: CompanyView, record: dict, journal: dict) -> None:
        for other in view.rows(self.lines, journalId=record["journalId"], lineNumber=record["lineNumber"]):
            if other["id"] != record["id"]:
                raise errors.same_key_exists(
                    "Gen. Journal Line",
                    f"Journal Template Name='{self.template}',Journal Batch Name='{journal['code']}',"
                    f"Line No.='{record['lineNumber']}'",
                )


class PaymentRules(LineRules):
    def create(self, view: CompanyView, values: dict, parent: dict | None) -> dict:
        journal = self.journal_for_create(view, values, parent)
        given = values.get("journalDisplayName")
        if given is not None and given != journal["code"] and view.version == "v1.0":
            raise errors.dialog("The Journal Batch Display Name isn't editable.")
        last = view.highest("customerPayments", "lineNumber", journalId=journal["id"])
        record = self.entity.blank_record(
            id=values.get("id") or str(uuid.uuid4()),
            journalId=journal["id"],
            journalDisplayName=journal["code"],
            postingDate=last["postingDate"] if last else view.now.date(),
            documentNumber=increment_document_number(last["documentNumber"]) if last else "G00001",
            lastModifiedDateTime=view.now,
        )
        if view.get("customerPayments", record["id"]):
            raise errors.same_key_exists("Gen. Journal Line", f"SystemId='{record['id']}'")
        record["lineNumber"] = values.get("lineNumber") or next_line_number(last)
        return self._apply(view, record, values, journal)

    def update(self, view: CompanyView, current: dict, values: dict, parent: dict | None) -> dict:
        if "journalId" in values and values["journalId"] != current["journalId"]:
            raise errors.dialog("The Journal Id cannot be changed.")
        # the value the record has is taken back (a client PATCHes what it read); another is refused
        if "journalDisplayName" in values and values["journalDisplayName"] != current["journalDisplayName"]:
            if view.version == "v1.0":
                raise errors.dialog("The Journal Batch Display Name isn't editable.")
            raise errors.dialog("The Journal Batch Display Name cannot be changed.")
        record, journal = self.changed(view, current, values)
        return self._apply(view, record, values, journal)

    # --- the steps ---------------------------------------------------------

    def _apply(self, view: CompanyView, record: dict, values: dict, journal: dict) -> dict:
        self.check_line_number(view, record, journal)
        customer_before = record["customerId"]
        self._resolve_customer(view, record, values)
        for name in ("contactId", "postingDate", "documentNumber", "externalDocumentNumber"):
            if name in values:
                record[name] = values[name]
        if "amount" in values:
            record["amount"] = round_amount(values["amount"])
        self._resolve_invoice(view, record, values)
        if record["customerId"] != customer_before and record["customerId"] != BLANK_GUID:
            # validating the account fills the description with the customer's name
            customer = view.get("customers", record["customerId"])
            assert customer is not None  # resolved just above
            record["description"] = customer["displayName"]
        for name in ("description", "comment", "dimensions"):
            if name in values:
                record[name] = values[name]
        return record

    @staticmethod
    def _resolve_customer(view: CompanyView, record: dict, values: dict) -> None:
        by_id = None
        if "customerId" in values:
            customer_id = values["customerId"]
            if customer_id == BLANK_GUID:
                record["customerId"], record["customerNumber"] = BLANK_GUID, ""
            else:
                by_id = view.get("customers", customer_id)
                if by_id is None:
                    raise errors.dialog('The "customerId" does not match to a Customer.')
                record["customerId"], record["customerNumber"] = by_id["id"], by_id["number"]
        if "customerNumber" in values:
            number = values["customerNumber"]
            if by_id is not None and number != by_id["number"]:
                raise errors.dialog("The customer values do not match to a specific Customer.")
            if number == "":
                record["customerId"], record["customerNumber"] = BLANK_GUID, ""
            else:
                customer = view.find("customers", number=number)
                if customer is None:
                    raise errors.dialog('The "customerNumber" does not match to a Customer.')
                record["customerId"], record["customerNumber"] = customer["id"], customer["number"]

    @staticmethod
    def _applicable_invoice(view: CompanyView, **match) -> dict | None:
        invoice = view.find("salesInvoices", **match)
        if invoice is None or invoice["status"] not in APPLICABLE_INVOICE_STATUSES:
            return None
        return invoice

    def _resolve_invoice(self, view: CompanyView, record: dict, values: dict) -> None:
        by_id = None
        if "appliesToInvoiceId" in values:
            invoice_id = values["appliesToInvoiceId"]
            if invoice_id == BLANK_GUID:
                record["appliesToInvoiceId"], record["appliesToInvoiceNumber"] = BLANK_GUID, ""
            else:
                by_id = self._applicable_invoice(view, id=invoice_id)
                if by_id is None:
                    raise errors.dialog(
                        'The "appliesToInvoiceId" should be the ID of an Open, Paid, Corrective, '
                        "or Canceled Invoice."
                    )
                self._apply_invoice(view, record, by_id)
        if "appliesToInvoiceNumber" in values:
            number = values["appliesToInvoiceNumber"]
            if by_id is not None and number != by_id["number"]:
                raise errors.dialog(INVOICE_MISMATCH[view.version])
            invoice = self._applicable_invoice(view, number=number) if number else None
            if invoice is None:
                # BC keeps the number and blanks the id, without an error
                record["appliesToInvoiceId"], record["appliesToInvoiceNumber"] = BLANK_GUID, number
            else:
                self._apply_invoice(view, record, invoice)

    @staticmethod
    def _apply_invoice(view: CompanyView, record: dict, invoice: dict) -> None:
        record["appliesToInvoiceId"], record["appliesToInvoiceNumber"] = invoice["id"], invoice["number"]
        if record["customerId"] == BLANK_GUID:
            record["customerId"], record["customerNumber"] = invoice["customerId"], invoice["customerNumber"]


# v1.0's dimensions of a line, as Microsoft's v1.0 contract types them ("dimensiontype")
DIMENSION = Complex(
    "dimensiontype",
    {"code": Code(20), "displayName": Text(30), "valueCode": Code(20), "valueDisplayName": Text(50)},
    many=True,
    not_null=("code", "valueCode"),
    declare_lengths=False,
)

customer_payments = EntitySet(
    name="customerPayments",
    type_name="customerPayment",
    table="Gen. Journal Line",
    methods=frozenset({"GET", "POST", "PATCH", "DELETE"}),
    rules=PaymentRules(),
    sort_key=lambda row: (row["journalDisplayName"], row["lineNumber"]),
    top_level_versions=("v1.0", "v2.0"),
    nested_in="customerPaymentJournals",
    indexes=(("journalId",), ("journalId", "lineNumber")),
    description="Customer payments: the lines of a customer payment journal, at "
    "`customerPaymentJournals({id})/customerPayments`; a company-level list needs "
    "`$filter=journalId eq {id}` (v2.0) or `$filter=id eq {id}`, as in BC.",
    navigations=(
        Navigation("customer", "customers", many=False, source_field="customerId"),
        Navigation(
            "customerPaymentJournal",
            "customerPaymentJournals",
            many=False,
            source_field="journalId",
            versions=V2,
        ),
        Navigation("dimensionSetLines", "dimensionSetLines", many=True, target_field="parentId", versions=V2),
    ),
    props=(
        Prop("id", Guid(), read_only=True, nullable=False, settable_on_create=V2),
        Prop("journalId", Guid(), versions=V2),
        # v1.0 shows it through a page variable of no declared length; v2.0 through the field
        Prop("journalDisplayName", Code(10), length_declared_in=V2),
        Prop("lineNumber", Int32()),
        Prop("customerId", Guid()),
        Prop("customerNumber", Code(20)),
        Prop("contactId", Text(250), versions=V1),
        Prop("postingDate", Date()),
        Prop("documentNumber", Code(20)),
        Prop("externalDocumentNumber", Code(35)),
        Prop("amount", Decimal_()),
        Prop("appliesToInvoiceId", Guid()),
        Prop("appliesToInvoiceNumber", Code(20), length_declared_in=()),  # a page variable
        Prop("description", Text(100)),
        Prop("comment", Text(250)),
        Prop("dimensions", DIMENSION, versions=V1),
        Prop("lastModifiedDateTime", DateTime(), read_only=True),
    ),
)
