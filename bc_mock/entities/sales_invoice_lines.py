"""salesInvoiceLines: the lines of a sales invoice, read-only (AL: page 30043 "APIV2 - Sales
Invoice Lines" over the "Sales Invoice Line Aggregate"; the Sales Invoice Aggregator codeunit).

BC serves the lines of posted invoices read-only and those of drafts read-write; bc_mock
serves them all read-only (its invoices come from fixtures). As BC's page does, a list needs
the invoice: the nested URL ``salesInvoices({id})/salesInvoiceLines``, or ``$filter=documentId
eq ...`` (or a line's ``id``) at company level.

A fixture line gives its quantity, unit price, discount and tax percent; its amounts are derived
as the aggregator derives them for an invoice whose prices exclude tax (amounts rounded to the
currency's 0.01): the line amount is quantity x unit price - discount, tax is the line amount x
tax percent, and with no invoice discount the net amounts equal the line's. An invoice's totals
are the sums of its lines' net amounts (``totalAmountExcludingTax`` = the sum of ``netAmount``).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from bc_mock import errors
from bc_mock.entities.kinds import Boolean, Code, Date, Decimal_, Enum, Guid, Int32, Text
from bc_mock.entities.model import EntitySet, Navigation, Prop
from bc_mock.entities.rules import CompanyView, ReferenceRules

V2 = ("v2.0",)
CENT = Decimal("0.01")

# AL enum 5478 "Invoice Line Agg. Line Type" (its values skip 6 to 9)
LINE_TYPE = Enum(
    *("Comment", "Account", "Item", "Resource", "Fixed Asset", "Charge", "Allocation Account"),
    type_name="invoiceLineAggLineType",
    ordinals=(0, 1, 2, 3, 4, 5, 10),
)


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


class InvoiceLineRules(ReferenceRules):
    parent_field = "documentId"

    def check_list(self, parent: dict | None, equalities: dict) -> None:
        # the aggregator's LoadLines: a request must name the line or its invoice
        if parent is None and "documentId" not in equalities and "id" not in equalities:
            raise errors.dialog("You must specify an Id or a Document Id to get the lines.")

    def derive(self, view: CompanyView, record: dict, given: dict) -> None:
        line_amount = _cents(record["quantity"] * record["unitPrice"] - record["discountAmount"])
        including = _cents(line_amount * (1 + record["taxPercent"] / 100))
        record["amountExcludingTax"] = record["netAmount"] = line_amount
        record["amountIncludingTax"] = record["netAmountIncludingTax"] = including
        record["totalTaxAmount"] = record["netTaxAmount"] = including - line_amount
        record["invoiceDiscountAllocation"] = Decimal(0)
        account = view.get("accounts", record["accountId"])
        if account is not None and not given.get("lineObjectNumber"):
            record["lineObjectNumber"] = account["number"]


sales_invoice_lines = EntitySet(
    name="salesInvoiceLines",
    type_name="salesInvoiceLine",
    table="Sales Invoice Line Aggregate",
    rules=InvoiceLineRules(),
    sort_key=lambda row: (row["documentId"], row["sequence"]),
    top_level_versions=V2,
    nested_in="salesInvoices",
    indexes=(("documentId",),),
    description="The lines of a sales invoice (v2.0), at `salesInvoices({id})/salesInvoiceLines`; a "
    "company-level list needs `$filter=documentId eq {id}`, as in BC. Read-only.",
    navigations=(Navigation("account", "accounts", many=False, source_field="accountId", versions=V2),),
    props=(
        Prop("id", Guid(), read_only=True, nullable=False, versions=V2),
        Prop("documentId", Guid(), read_only=True, versions=V2),
        Prop("sequence", Int32(), read_only=True, versions=V2),
        Prop("itemId", Guid(), read_only=True, versions=V2),
        Prop("accountId", Guid(), read_only=True, versions=V2),
        Prop("lineType", LINE_TYPE, read_only=True, versions=V2),
        Prop("lineObjectNumber", Code(20), read_only=True, versions=V2),
        Prop("description", Text(100), read_only=True, versions=V2),
        Prop("description2", Text(50), read_only=True, versions=V2),
        Prop("unitOfMeasureId", Guid(), read_only=True, versions=V2),
        Prop("unitOfMeasureCode", Code(10), read_only=True, versions=V2),
        Prop("quantity", Decimal_(), read_only=True, versions=V2),
        Prop("unitPrice", Decimal_(), read_only=True, versions=V2),
        Prop("discountAmount", Decimal_(), read_only=True, versions=V2),
        Prop("discountPercent", Decimal_(), read_only=True, versions=V2),
        Prop("discountAppliedBeforeTax", Boolean(), read_only=True, versions=V2),
        Prop("amountExcludingTax", Decimal_(), read_only=True, versions=V2),
        Prop("taxCode", Code(50), read_only=True, versions=V2),
        Prop("taxPercent", Decimal_(), read_only=True, versions=V2),
        Prop("totalTaxAmount", Decimal_(), read_only=True, versions=V2),
        Prop("amountIncludingTax", Decimal_(), read_only=True, versions=V2),
        Prop("invoiceDiscountAllocation", Decimal_(), read_only=True, versions=V2),
        Prop("netAmount", Decimal_(), read_only=True, versions=V2),
        Prop("netTaxAmount", Decimal_(), read_only=True, versions=V2),
        Prop("netAmountIncludingTax", Decimal_(), read_only=True, versions=V2),
        Prop("shipmentDate", Date(), read_only=True, versions=V2),
        Prop("itemVariantId", Guid(), read_only=True, versions=V2),
        Prop("locationId", Guid(), read_only=True, versions=V2),
    ),
)
