"""The financial reference data a payment sync reads (v2.0): payment terms, payment methods,
currencies, bank accounts, the general ledger setup and customers' financial details.

BC's pages (AL, BCApps ``src/Apps/W1/APIV2/app/src/pages``):

* ``paymentTerms`` (page 30023 "APIV2 - Payment Terms", table "Payment Terms"),
  ``paymentMethods`` (30020, "Payment Method") and ``currencies`` (30019, "Currency") allow
  insert, modify and delete. Their ``code`` (Code[10], NotBlank) is required, upper-cased and
  unique in the company; PATCHing it renames the record.
* ``bankAccounts`` (30051, "Bank Account") allows them too. A blank ``number`` is drawn from
  the bank account number series (bc_mock's: ``B010``, ``B020``, ...); ``currencyCode`` and
  ``currencyId`` name the account's currency (blank, or the local currency's code, for the
  local currency) and must agree.
* ``generalLedgerSetup`` (30087 "APIV2 - G/L Setup") is read-only: one record per company.
* ``customerFinancialDetails`` (30048 "APIV2 - Cust Financial Details") is read-only, keyed by
  the customer's id (its source table is Customer). bc_mock derives it from the customer's
  posted sales invoices whenever a customer or an invoice changes (see ``FinancialDetailRules``).
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

from bc_mock import errors
from bc_mock.entities.kinds import (
    BLANK_GUID,
    Boolean,
    Code,
    Date,
    DateFormula,
    DateTime,
    Decimal_,
    Guid,
    Text,
)
from bc_mock.entities.model import EntitySet, Prop
from bc_mock.entities.rules import CompanyView, FieldError, ReferenceRules, Rules

V2 = ("v2.0",)


def local_currency_code(view: CompanyView) -> str:
    """The company's local currency (its general ledger setup's ``localCurrencyCode``), or ""."""
    setup = view.find("generalLedgerSetup")
    return setup["localCurrencyCode"] if setup else ""


class CodedRecordRules(Rules):
    """A writable set keyed in BC by one Code field (``key_field``, named ``key_caption`` in BC's
    messages): the field is required (NotBlank), unique, and PATCHing it renames the record."""

    def __init__(self, key_field: str = "code", key_caption: str = "Code"):
        self.key_field = key_field
        self.key_caption = key_caption

    def create(self, view: CompanyView, values: dict, parent: dict | None) -> dict:
        record = self.entity.blank_record(
            id=values.get("id") or str(uuid.uuid4()), lastModifiedDateTime=view.now
        )
        if view.get(self.entity.name, record["id"]):
            raise errors.same_key_exists(self.table_caption, f"SystemId='{record['id']}'")
        return self._apply(view, record, values, creating=True)

    def update(self, view: CompanyView, current: dict, values: dict, parent: dict | None) -> dict:
        return self._apply(view, dict(current, lastModifiedDateTime=view.now), values, creating=False)

    def delete(self, view: CompanyView, current: dict) -> None:
        view.remove(self.entity.name, current["id"])

    @property
    def table_caption(self) -> str:
        return getattr(self.entity, "table", self.entity.name)

    def assign(self, view: CompanyView, record: dict, values: dict, creating: bool) -> None:
        """Set the client's values on the record (in page order); a set with rules of its own
        (a bank account's currency) overrides this."""
        for name, value in values.items():
            if name != "id":
                record[name] = value

    def blank_key(self, view: CompanyView, record: dict) -> str:
        """The key a new record gets when the client gives none (BC's number series); none here."""
        raise errors.required(self.key_field)

    def _apply(self, view: CompanyView, record: dict, values: dict, creating: bool) -> dict:
        self.assign(view, record, values, creating)
        if not record[self.key_field]:
            if not creating:
                raise errors.required(self.key_field)
            record[self.key_field] = self.blank_key(view, record)
        for other in view.rows(self.entity.name, **{self.key_field: record[self.key_field]}):
            if other["id"] != record["id"]:
                raise errors.same_key_exists(
                    self.table_caption, f"{self.key_caption}='{record[self.key_field]}'"
                )
        return record


class PaymentTermsRules(CodedRecordRules):
    """``discountPercent`` is within 0..100 (the field's MinValue and MaxValue)."""

    def assign(self, view: CompanyView, record: dict, values: dict, creating: bool) -> None:
        percent = values.get("discountPercent")
        if percent is not None and not 0 <= percent <= 100:
            limit = "greater than or equal to 0" if percent < 0 else "less than or equal to 100"
            raise errors.BcError(400, "BadRequest", f"The value of discountPercent must be {limit}.")
        super().assign(view, record, values, creating)


# AL's Currency.ResolveCurrencySymbol: the symbol a currency gets when its code is set and it has none
CURRENCY_SYMBOLS = {
    **dict.fromkeys(("AUD", "BND", "CAD", "FJD", "HKD", "MXN", "NZD", "SBD", "SGD", "USD"), "$"),
    "GBP": "\u00a3",
    **dict.fromkeys(("DKK", "ISK", "NOK", "SEK"), "kr"),
    "EUR": "\u20ac",
    "CNY": "\u00a5",
    "JPY": "\u00a5",
}


class CurrencyRules(CodedRecordRules):
    """A currency's code gives it its symbol when it has none; a renamed currency is renamed
    where customers and bank accounts name it (AL's Rename); one that open invoices are in
    cannot be deleted."""

    def assign(self, view: CompanyView, record: dict, values: dict, creating: bool) -> None:
        for name, value in values.items():
            if name == "id":
                continue
            record[name] = value
            if name == "code" and not record["symbol"]:
                record["symbol"] = CURRENCY_SYMBOLS.get(value, "")

    def delete(self, view: CompanyView, current: dict) -> None:
        for invoice in view.rows("salesInvoices", currencyCode=current["code"]):
            if invoice["status"] == "Open":
                raise errors.dialog(
                    "There is one or more opened entries in the Cust. Ledger Entry table using "
                    f"Currency {current['code']}."
                )
        super().delete(view, current)

    def update(self, view: CompanyView, current: dict, values: dict, parent: dict | None) -> dict:
        record = super().update(view, current, values, parent)
        if record["code"] != current["code"]:
            for set_name in ("customers", "bankAccounts"):
                for row in view.rows(set_name, currencyId=record["id"]):
                    view.put(set_name, dict(row, currencyCode=record["code"]))
        return record


payment_terms = EntitySet(
    name="paymentTerms",
    type_name="paymentTerm",
    table="Payment Terms",
    methods=frozenset({"GET", "POST", "PATCH", "DELETE"}),
    rules=PaymentTermsRules(),
    sort_key=lambda row: row["code"],
    top_level_versions=V2,
    description="Payment terms (v2.0): `code` required, unique, upper-cased; PATCHing it renames.",
    props=(
        Prop("id", Guid(), read_only=True, nullable=False, settable_on_create=V2, versions=V2),
        Prop("code", Code(10), nullable=False, versions=V2),
        Prop("displayName", Text(100), versions=V2),
        Prop("dueDateCalculation", DateFormula(), versions=V2),
        Prop("discountDateCalculation", DateFormula(), versions=V2),
        Prop("discountPercent", Decimal_(), versions=V2),
        Prop("calculateDiscountOnCreditMemos", Boolean(), versions=V2),
        Prop("lastModifiedDateTime", DateTime(), read_only=True, versions=V2),
    ),
)

payment_methods = EntitySet(
    name="paymentMethods",
    type_name="paymentMethod",
    table="Payment Method",
    methods=frozenset({"GET", "POST", "PATCH", "DELETE"}),
    rules=CodedRecordRules(),
    sort_key=lambda row: row["code"],
    top_level_versions=V2,
    description="Payment methods (v2.0): `code` required, unique, upper-cased; PATCHing it renames.",
    props=(
        Prop("id", Guid(), read_only=True, nullable=False, settable_on_create=V2, versions=V2),
        Prop("code", Code(10), nullable=False, versions=V2),
        Prop("displayName", Text(100), versions=V2),
        Prop("lastModifiedDateTime", DateTime(), read_only=True, versions=V2),
    ),
)

currencies = EntitySet(
    name="currencies",
    type_name="currency",
    table="Currency",
    methods=frozenset({"GET", "POST", "PATCH", "DELETE"}),
    rules=CurrencyRules(),
    sort_key=lambda row: row["code"],
    top_level_versions=V2,
    description="Currencies other than the local one (v2.0): `code` required, unique, "
    "upper-cased; PATCHing it renames.",
    props=(
        Prop("id", Guid(), read_only=True, nullable=False, settable_on_create=V2, versions=V2),
        Prop("code", Code(10), nullable=False, versions=V2),
        Prop("displayName", Text(30), versions=V2),
        Prop("symbol", Text(10), versions=V2),
        Prop("amountDecimalPlaces", Text(5), versions=V2),
        # BC's page shows the currency's Invoice Rounding Precision under this name
        Prop("amountRoundingPrecision", Decimal_(), versions=V2),
        Prop("lastModifiedDateTime", DateTime(), read_only=True, versions=V2),
    ),
)

_SERIES_NUMBER = re.compile(r"^B(\d{3})$")


class BankAccountRules(CodedRecordRules):
    """``currencyCode``/``currencyId`` as BC's page validates them (in page order); the record
    stores the currency's code as the page shows it (the local currency's code when blank)."""

    def assign(self, view: CompanyView, record: dict, values: dict, creating: bool) -> None:
        local = local_currency_code(view)
        for name, value in values.items():
            if name == "currencyCode":
                code = "" if value == local else value
                if code and view.find("currencies", code=code) is None:
                    raise errors.dialog('The "currencyCode" does not match to a Currency.')
                record["currencyCode"] = code or local
                record["currencyId"] = self._currency_id(view, code)
                if "currencyId" in values and values["currencyId"] != BLANK_GUID:
                    named = view.get("currencies", values["currencyId"])
                    if named is not None and named["code"] != code:
                        raise errors.dialog("The currency values do not match to a specific Currency.")
            elif name == "currencyId":
                if value == BLANK_GUID:
                    continue
                currency = view.get("currencies", value)
                if currency is None:
                    raise errors.dialog('The "currencyId" does not match to a Currency.')
                record["currencyId"], record["currencyCode"] = value, currency["code"]
            elif name != "id":
                record[name] = value
        if not record["currencyCode"]:
            record["currencyCode"] = local

    @staticmethod
    def _currency_id(view: CompanyView, code: str) -> str:
        currency = view.find("currencies", code=code) if code else None
        return currency["id"] if currency else BLANK_GUID

    def blank_key(self, view: CompanyView, record: dict) -> str:
        used = [
            int(m.group(1)) for row in view.rows("bankAccounts") if (m := _SERIES_NUMBER.match(row["number"]))
        ]
        following = (max(used, default=0) // 10 + 1) * 10
        if following > 990:
            raise errors.dialog("You cannot assign new numbers from the number series BANK.")
        return f"B{following:03d}"


bank_accounts = EntitySet(
    name="bankAccounts",
    type_name="bankAccount",
    table="Bank Account",
    methods=frozenset({"GET", "POST", "PATCH", "DELETE"}),
    rules=BankAccountRules(key_field="number", key_caption="No."),
    sort_key=lambda row: row["number"],
    top_level_versions=V2,
    description="Bank accounts (v2.0): a blank `number` comes from the number series (B010, B020, "
    "...); `currencyCode`/`currencyId` must name a currency (blank: the local one).",
    props=(
        Prop("id", Guid(), read_only=True, nullable=False, settable_on_create=V2, versions=V2),
        Prop("number", Code(20), versions=V2),
        Prop("displayName", Text(100), versions=V2),
        Prop("lastModifiedDateTime", DateTime(), read_only=True, versions=V2),
        Prop("bankAccountNumber", Text(30), versions=V2),
        Prop("blocked", Boolean(), versions=V2),
        Prop("currencyCode", Code(10), versions=V2),
        Prop("currencyId", Guid(), versions=V2),
        Prop("iban", Code(50), versions=V2),
        Prop("intercompanyEnabled", Boolean(), versions=V2),
        # not in BC's API (no version shows it): the fixtures' posting group, whose G/L account
        # takes a bank account's side of a posting (bc_mock.posting)
        Prop("bankAccountPostingGroup", Code(20), read_only=True, versions=()),
    ),
)


class SingleRecordRules(ReferenceRules):
    """BC's setup tables: one record per company."""

    def seed(self, view: CompanyView, values: dict, parent: dict | None) -> dict:
        if view.find(self.entity.name) is not None:
            raise FieldError("id", f"a company has one {self.entity.name} record")
        return super().seed(view, values, parent)


general_ledger_setup = EntitySet(
    name="generalLedgerSetup",
    type_name="generalLedgerSetup",
    table="General Ledger Setup",
    rules=SingleRecordRules(),
    top_level_versions=V2,
    description="The company's general ledger setup (v2.0): one record. Read-only.",
    props=(
        Prop("id", Guid(), read_only=True, nullable=False, versions=V2),
        Prop("allowPostingFrom", Date(), read_only=True, versions=V2),
        Prop("allowPostingTo", Date(), read_only=True, versions=V2),
        Prop("additionalReportingCurrency", Code(10), read_only=True, versions=V2),
        Prop("localCurrencyCode", Code(10), read_only=True, versions=V2),
        Prop("localCurrencySymbol", Text(10), read_only=True, versions=V2),
        Prop("lastModifiedDateTime", DateTime(), read_only=True, versions=V2),
        Prop("allowQueryFromConsolidation", Boolean(), read_only=True, versions=V2),
        *(
            Prop(f"shortcutDimension{number}Code", Code(20), read_only=True, versions=V2)
            for number in range(1, 9)
        ),
    ),
)

# the invoices in a customer's ledger: posted ones (a draft is not; a canceled one is balanced by
# its credit memo)
POSTED_STATUSES = ("Open", "Paid", "Corrective")


class FinancialDetailRules(ReferenceRules):
    """A customer's financial details, derived again whenever the customer or one of its sales
    invoices changes (``follows``), as of that change's date (BC's work date):

    * ``balance`` (Balance (LCY)): the remaining amounts of its posted invoices;
    * ``totalSalesExcludingTax`` (Sales (LCY), dated before the work date): their amounts
      excluding tax, posted before that date;
    * ``overdueAmount`` (Balance Due (LCY), due before the work date): the remaining amounts of
      those due before it.

    Amounts are summed as they are (the seed's invoices are in the local currency).
    """

    follows = ("customers", "salesInvoices")

    def seed(self, view: CompanyView, values: dict, parent: dict | None) -> dict:
        raise FieldError("id", "customerFinancialDetails are derived from customers and salesInvoices")

    def refresh(self, view: CompanyView, set_name: str, data: dict | None, previous: dict | None) -> None:
        field = "id" if set_name == "customers" else "customerId"
        customer_ids = {row[field] for row in (data, previous) if row is not None}
        for customer_id in customer_ids:
            customer = view.get("customers", customer_id)
            if customer is None:
                if view.get(self.entity.name, customer_id) is not None:
                    view.remove(self.entity.name, customer_id)
                continue
            view.put(self.entity.name, self.details(view, customer))

    def details(self, view: CompanyView, customer: dict) -> dict:
        today = view.now.date()
        balance = sales = overdue = Decimal(0)
        for invoice in view.rows("salesInvoices", customerId=customer["id"]):
            if invoice["status"] not in POSTED_STATUSES:
                continue
            balance += invoice["remainingAmount"]
            if invoice["postingDate"] < today:
                sales += invoice["totalAmountExcludingTax"]
            if invoice["dueDate"] < today:
                overdue += invoice["remainingAmount"]
        # what posted payments left open on the customer (no invoice, or beyond it), due at once
        balance += customer["unappliedPayments"]
        overdue += customer["unappliedPayments"]
        return self.entity.blank_record(
            id=customer["id"],
            number=customer["number"],
            balance=balance,
            totalSalesExcludingTax=sales,
            overdueAmount=overdue,
            lastModifiedDateTime=customer["lastModifiedDateTime"],
        )


customer_financial_details = EntitySet(
    name="customerFinancialDetails",
    type_name="customerFinancialDetail",
    table="Customer",
    rules=FinancialDetailRules(),
    sort_key=lambda row: row["number"],
    top_level_versions=V2,
    indexes=(),
    description="A customer's balance, sales and overdue amount (v2.0), keyed by the customer's id, "
    "derived from its posted sales invoices. Read-only.",
    props=(
        Prop("id", Guid(), read_only=True, nullable=False, versions=V2),
        Prop("number", Code(20), read_only=True, versions=V2),
        Prop("balance", Decimal_(), read_only=True, versions=V2),
        Prop("totalSalesExcludingTax", Decimal_(), read_only=True, versions=V2),
        Prop("overdueAmount", Decimal_(), read_only=True, versions=V2),
        Prop("lastModifiedDateTime", DateTime(), read_only=True, versions=V2),
    ),
)
