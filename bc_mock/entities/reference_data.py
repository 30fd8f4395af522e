"""The read-only entity sets: companies, G/L accounts, customers, sales invoices.

They exist so that journals and payments have something real to refer to.
Their data comes only from the fixtures.
"""

from __future__ import annotations

from bc_mock.entities.kinds import (
    Boolean,
    Code,
    Complex,
    Date,
    DateTime,
    Decimal_,
    Enum,
    Guid,
    Int64,
    Option,
    Text,
)
from bc_mock.entities.model import EntitySet, Navigation, Prop
from bc_mock.entities.rules import CompanyView, FieldError, ReferenceRules

V1 = ("v1.0",)
V2 = ("v2.0",)

# BC's enums (AL: enum 15 "G/L Account Category", 16 "G/L Account Type", 5477 "Invoice Entity
# Aggregate Status"), named as the v2.0 resource pages name them
ACCOUNT_CATEGORY = Enum(
    " ",
    "Assets",
    "Liabilities",
    "Equity",
    "Income",
    "Cost of Goods Sold",
    "Expense",
    type_name="glAccountCategory",
)
ACCOUNT_TYPE = Enum("Posting", "Heading", "Total", "Begin-Total", "End-Total", type_name="glAccountType")
INVOICE_STATUS = Enum(
    " ",
    "Draft",
    "In Review",
    "Open",
    "Paid",
    "Canceled",
    "Corrective",
    type_name="invoiceEntityAggregateStatus",
)
# an AL Option, not an enum: API v2.0 writes its caption, as v1.0 does ("Average Rate (Manual)");
# Microsoft's own v2.0 client of accounts (ImportConsolidationFromAPI) reads captions
CONSOLIDATION_METHOD = Option(
    "Average Rate (Manual)", "Closing Rate", "Historical Rate", "Composite Rate", "Equity Rate"
)

companies = EntitySet(
    name="companies",
    type_name="company",
    table="Company",
    company_scoped=False,
    etag=False,
    sort_key=lambda row: row["name"],
    description="The companies of the environment. Read-only.",
    props=(
        Prop("id", Guid(), read_only=True, nullable=False),
        Prop("systemVersion", Text(), read_only=True),
        Prop("timestamp", Int64(), read_only=True, versions=V2),
        Prop("name", Text(30), read_only=True),
        Prop("displayName", Text(250), read_only=True),
        Prop("businessProfileId", Text(250), read_only=True),
        Prop("systemCreatedAt", DateTime(), read_only=True, versions=V2),
        Prop("systemCreatedBy", Guid(), read_only=True, versions=V2),
        Prop("systemModifiedAt", DateTime(), read_only=True, versions=V2),
        Prop("systemModifiedBy", Guid(), read_only=True, versions=V2),
    ),
)


def _v1_shows_account(version: str, row: dict) -> bool:
    # API v1.0's accounts page filters to posting accounts that allow direct posting
    return version != "v1.0" or (row["accountType"] == "Posting" and row["directPosting"])


accounts = EntitySet(
    name="accounts",
    type_name="account",
    table="G/L Account",
    sort_key=lambda row: row["number"],
    visible=_v1_shows_account,
    description="G/L accounts. Read-only. v1.0 lists only posting accounts with direct posting.",
    props=(
        Prop("id", Guid(), read_only=True, nullable=False),
        Prop("number", Code(20), read_only=True),
        Prop("displayName", Text(100), read_only=True),
        Prop("category", ACCOUNT_CATEGORY, read_only=True),
        Prop("subCategory", Text(80), read_only=True),
        Prop("blocked", Boolean(), read_only=True),
        Prop("accountType", ACCOUNT_TYPE, read_only=True, versions=V2),
        Prop("directPosting", Boolean(), read_only=True, versions=V2),
        Prop("netChange", Decimal_(), read_only=True, versions=V2),
        Prop("consolidationTranslationMethod", CONSOLIDATION_METHOD, read_only=True, versions=V2),
        Prop("consolidationDebitAccount", Code(20), read_only=True, versions=V2),
        Prop("consolidationCreditAccount", Code(20), read_only=True, versions=V2),
        Prop("excludeFromConsolidation", Boolean(), read_only=True, versions=V2),
        Prop("lastModifiedDateTime", DateTime(), read_only=True),
    ),
)

# API v1.0 gives a customer's address as one complex value; v2.0 as flat fields (BC's
# "postaladdresstype" in Microsoft's v1.0 OpenAPI contract)
POSTAL_ADDRESS = Complex(
    "postaladdresstype",
    {
        "street": Text(152),  # Address (100) and Address 2 (50) joined by CRLF
        "city": Text(30),
        "state": Text(30),
        "countryLetterCode": Code(10),
        "postalCode": Code(20),
    },
)


def v1_address(row: dict) -> dict:
    """The v1.0 ``address`` of a customer record, from its v2.0 address fields.

    BC builds ``street`` from Address and Address 2; bc_mock joins them with CRLF, as AL's
    multi-line text does (not verified against a tenant)."""
    street = "\r\n".join(line for line in (row["addressLine1"], row["addressLine2"]) if line)
    return {
        "street": street,
        "city": row["city"],
        "state": row["state"],
        "countryLetterCode": row["country"],
        "postalCode": row["postalCode"],
    }


class CustomerRules(ReferenceRules):
    def derive(self, view: CompanyView, record: dict, given: dict) -> None:
        if "address" not in given:
            record["address"] = v1_address(record)
        group = record["customerPostingGroup"]
        if group and view.find("customerPostingGroups", code=group) is None:
            raise FieldError("customerPostingGroup", f"no customerPostingGroups record has the code {group}")


customers = EntitySet(
    name="customers",
    type_name="customer",
    table="Customer",
    rules=CustomerRules(),
    sort_key=lambda row: row["number"],
    description="Customers. Read-only.",
    navigations=(
        Navigation("currency", "currencies", many=False, source_field="currencyId", versions=V2),
        Navigation("paymentTerm", "paymentTerms", many=False, source_field="paymentTermsId", versions=V2),
        Navigation(
            "paymentMethod", "paymentMethods", many=False, source_field="paymentMethodId", versions=V2
        ),
        Navigation(
            "customerFinancialDetails", "customerFinancialDetails", many=False, source_field="id", versions=V2
        ),
    ),
    props=(
        Prop("id", Guid(), read_only=True, nullable=False),
        Prop("number", Code(20), read_only=True),
        Prop("displayName", Text(100), read_only=True, nullable=False),
        Prop("type", Enum("Company", "Person", type_name="contactType"), read_only=True),
        Prop("address", POSTAL_ADDRESS, read_only=True, versions=V1),
        Prop("addressLine1", Text(100), read_only=True, versions=V2),
        Prop("addressLine2", Text(50), read_only=True, versions=V2),
        Prop("city", Text(30), read_only=True, versions=V2),
        Prop("state", Text(30), read_only=True, versions=V2),
        Prop("country", Code(10), read_only=True, versions=V2),
        Prop("postalCode", Code(20), read_only=True, versions=V2),
        Prop("phoneNumber", Text(30), read_only=True),
        Prop("email", Text(80), read_only=True),
        Prop("website", Text(80), read_only=True),
        Prop("salespersonCode", Code(20), read_only=True, versions=V2),
        Prop("balanceDue", Decimal_(), read_only=True, versions=V2),
        Prop("creditLimit", Decimal_(), read_only=True, versions=V2),
        Prop("taxLiable", Boolean(), read_only=True),
        Prop("taxAreaId", Guid(), read_only=True),
        Prop("taxAreaDisplayName", Text(100), read_only=True, length_declared_in=()),
        Prop("taxRegistrationNumber", Text(20), read_only=True),
        Prop("currencyId", Guid(), read_only=True),
        # BC answers the local currency's code (USD, GBP) for a customer without a currency
        Prop("currencyCode", Code(10), read_only=True, length_declared_in=()),
        Prop("paymentTermsId", Guid(), read_only=True),
        Prop("shipmentMethodId", Guid(), read_only=True),
        Prop("paymentMethodId", Guid(), read_only=True),
        Prop("blocked", Enum(" ", "Ship", "Invoice", "All", type_name="customerBlocked"), read_only=True),
        Prop("lastModifiedDateTime", DateTime(), read_only=True),
        # not in BC's API (no version shows it): the fixtures' customer posting group (posting's)
        Prop("customerPostingGroup", Code(20), read_only=True, versions=()),
        # not in BC's API either: the payments posting left open on the customer (negative)
        Prop("unappliedPayments", Decimal_(), read_only=True, versions=()),
    ),
)


class InvoiceRules(ReferenceRules):
    def derive(self, view: CompanyView, record: dict, given: dict) -> None:
        customer = view.get("customers", record["customerId"])
        if customer is None:
            return
        # the invoice's customer number is the customer's; its name is the one printed on the
        # invoice, which may differ from the customer card's today (filled only when missing)
        record["customerNumber"] = customer["number"]
        if "customerName" not in given:
            record["customerName"] = customer["displayName"]


sales_invoices = EntitySet(
    name="salesInvoices",
    type_name="salesInvoice",
    table="Sales Invoice Header",
    rules=InvoiceRules(),
    sort_key=lambda row: row["number"],
    indexes=(("customerId",),),
    description="Sales invoices (posted and draft). Read-only.",
    navigations=(
        Navigation("customer", "customers", many=False, source_field="customerId"),
        Navigation(
            "salesInvoiceLines", "salesInvoiceLines", many=True, target_field="documentId", versions=V2
        ),
        Navigation("dimensionSetLines", "dimensionSetLines", many=True, target_field="parentId", versions=V2),
    ),
    props=(
        Prop("id", Guid(), read_only=True, nullable=False),
        Prop("number", Code(20), read_only=True),
        Prop("externalDocumentNumber", Code(35), read_only=True),
        Prop("invoiceDate", Date(), read_only=True),
        Prop("postingDate", Date(), read_only=True, versions=V2),
        Prop("dueDate", Date(), read_only=True),
        Prop("customerId", Guid(), read_only=True),
        Prop("customerNumber", Code(20), read_only=True),
        Prop("customerName", Text(100), read_only=True),
        Prop("currencyCode", Code(10), read_only=True, length_declared_in=()),
        Prop("remainingAmount", Decimal_(), read_only=True),
        Prop("totalAmountExcludingTax", Decimal_(), read_only=True),
        Prop("totalTaxAmount", Decimal_(), read_only=True),
        Prop("totalAmountIncludingTax", Decimal_(), read_only=True),
        Prop("status", INVOICE_STATUS, read_only=True),
        Prop("lastModifiedDateTime", DateTime(), read_only=True),
    ),
)
