"""The financial reference data (v2.0): paymentTerms, paymentMethods, currencies, bankAccounts,
generalLedgerSetup and customerFinancialDetails, as BC's APIV2 pages serve them."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.helpers import BLANK, UK, USA, customer, error_of

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def payment_terms(n: int, company: int = 1) -> str:
    return f"7e70000{company}-0000-4000-8000-{n:012d}"


def payment_method(n: int, company: int = 1) -> str:
    return f"3e70000{company}-0000-4000-8000-{n:012d}"


def currency(n: int, company: int = 1) -> str:
    return f"cc00000{company}-0000-4000-8000-{n:012d}"


def bank_account(n: int, company: int = 1) -> str:
    return f"bac0000{company}-0000-4000-8000-{n:012d}"


GL_SETUP = "615e0001-0000-4000-8000-000000000001"

FIELDS = {
    "paymentTerms": [
        "id",
        "code",
        "displayName",
        "dueDateCalculation",
        "discountDateCalculation",
        "discountPercent",
        "calculateDiscountOnCreditMemos",
        "lastModifiedDateTime",
    ],
    "paymentMethods": ["id", "code", "displayName", "lastModifiedDateTime"],
    "currencies": [
        "id",
        "code",
        "displayName",
        "symbol",
        "amountDecimalPlaces",
        "amountRoundingPrecision",
        "lastModifiedDateTime",
    ],
    "bankAccounts": [
        "id",
        "number",
        "displayName",
        "lastModifiedDateTime",
        "bankAccountNumber",
        "blocked",
        "currencyCode",
        "currencyId",
        "iban",
        "intercompanyEnabled",
    ],
    "generalLedgerSetup": [
        "id",
        "allowPostingFrom",
        "allowPostingTo",
        "additionalReportingCurrency",
        "localCurrencyCode",
        "localCurrencySymbol",
        "lastModifiedDateTime",
        "allowQueryFromConsolidation",
        *(f"shortcutDimension{n}Code" for n in range(1, 9)),
    ],
    "customerFinancialDetails": [
        "id",
        "number",
        "balance",
        "totalSalesExcludingTax",
        "overdueAmount",
        "lastModifiedDateTime",
    ],
}


@pytest.mark.parametrize("set_name", list(FIELDS))
def test_each_set_has_bcs_properties_in_bcs_order(bc, set_name):
    body = bc.get(bc.company(set_name)).json()
    assert body["@odata.context"] == f"{bc.root}/$metadata#companies({USA})/{set_name}"
    assert body["value"], f"the seed has {set_name}"
    for record in body["value"]:
        assert list(record) == ["@odata.etag", *FIELDS[set_name]]


@pytest.mark.parametrize("set_name", list(FIELDS))
def test_the_sets_are_v2_only(bc1, set_name):
    status, code, _ = error_of(bc1.get(bc1.company(set_name)))
    assert (status, code) == (404, "BadRequest_NotFound")


def test_the_seed_payment_terms(bc):
    terms = bc.get(bc.company("paymentTerms")).json()["value"]
    assert [t["code"] for t in terms] == ["10 DAYS", "14 DAYS", "1M(8D)", "30 DAYS", "CM"]
    one = bc.get(bc.company(f"paymentTerms({payment_terms(3)})")).json()
    assert (
        one["code"],
        one["dueDateCalculation"],
        one["discountDateCalculation"],
        one["discountPercent"],
    ) == (
        "1M(8D)",
        "1M",
        "8D",
        2,
    )


def test_the_general_ledger_setup_is_one_record_covering_the_seeds_dates(bc):
    setups = bc.get(bc.company("generalLedgerSetup")).json()["value"]
    assert len(setups) == 1
    setup = setups[0]
    assert setup["id"] == GL_SETUP
    assert (setup["localCurrencyCode"], setup["localCurrencySymbol"]) == ("USD", "$")
    dates = []
    for invoice in bc.get(bc.company("salesInvoices")).json()["value"]:
        dates += [invoice["postingDate"], invoice["invoiceDate"]]
    journals = bc.get(bc.company("customerPaymentJournals")).json()["value"]
    for journal in journals:
        payments = bc.get(bc.company(f"customerPaymentJournals({journal['id']})/customerPayments")).json()
        dates += [p["postingDate"] for p in payments["value"]]
    assert setup["allowPostingFrom"] <= min(dates) and max(dates) <= setup["allowPostingTo"]
    assert setup["shortcutDimension1Code"] == "DEPARTMENT"
    uk = bc.get(bc.company("generalLedgerSetup", UK)).json()["value"][0]
    assert (uk["localCurrencyCode"], uk["localCurrencySymbol"]) == ("GBP", "£")


def test_read_only_sets_refuse_writes_as_bc_does(bc):
    for set_name, key in (("generalLedgerSetup", GL_SETUP), ("customerFinancialDetails", customer(10000))):
        status, code, _ = error_of(bc.post(bc.company(set_name), {}))
        assert (status, code) == (405, "BadRequest_MethodNotAllowed")
        status, code, _ = error_of(bc.patch(bc.company(f"{set_name}({key})"), {}))
        assert (status, code) == (405, "BadRequest_MethodNotAllowed")
        status, code, _ = error_of(bc.delete(bc.company(f"{set_name}({key})")))
        assert (status, code) == (405, "BadRequest_MethodNotAllowed")


def test_filter_and_select_work_on_the_new_sets(bc):
    body = bc.get(
        bc.company("paymentTerms"), params={"$filter": "discountPercent gt 0", "$select": "code"}
    ).json()
    assert [list(t) for t in body["value"]] == [["@odata.etag", "code"]]
    assert body["value"][0]["code"] == "1M(8D)"
    found = bc.get(bc.company("currencies"), params={"$filter": "code eq 'EUR'"}).json()["value"]
    assert [c["id"] for c in found] == [currency(2)]
    banks = bc.get(bc.company("bankAccounts"), params={"$filter": "number eq 'CHECKING'"}).json()["value"]
    assert [b["id"] for b in banks] == [bank_account(1)]


# --- customers' references -------------------------------------------------------------------


def _seed_ids(path: Path) -> dict[str, set[str]]:
    doc = json.loads(path.read_text("utf-8"))
    return {name: {r["id"] for r in records} for name, records in doc.items() if isinstance(records, list)}


@pytest.mark.parametrize("fixture", ["cronus-usa.json", "cronus-uk.json"])
def test_every_reference_of_a_seed_customer_resolves(fixture):
    doc = json.loads((FIXTURES / fixture).read_text("utf-8"))
    ids = _seed_ids(FIXTURES / fixture)
    for record in doc["customers"]:
        assert record["paymentTermsId"] in ids["paymentTerms"]
        assert record["paymentMethodId"] in ids["paymentMethods"]
        # the local currency: the blank GUID (currencyCode is the local currency's code)
        assert record.get("currencyId", BLANK) == BLANK or record["currencyId"] in ids["currencies"]


def test_customers_navigate_to_their_terms_method_and_currency(bc):
    for number in (10000, 20000, 30000, 40000, 50000):
        one = bc.get(bc.company(f"customers({customer(number)})")).json()
        terms = bc.get(bc.company(f"customers({customer(number)})/paymentTerm"))
        assert terms.status_code == 200 and terms.json()["id"] == one["paymentTermsId"]
        method = bc.get(bc.company(f"customers({customer(number)})/paymentMethod"))
        assert method.status_code == 200 and method.json()["id"] == one["paymentMethodId"]
        # a customer in the local currency has none (the navigation answers 204)
        assert one["currencyId"] == BLANK and one["currencyCode"] == "USD"
        assert bc.get(bc.company(f"customers({customer(number)})/currency")).status_code == 204
    expanded = bc.get(
        bc.company(f"customers({customer(10000)})"),
        params={"$expand": "paymentTerm,customerFinancialDetails"},
    ).json()
    assert expanded["paymentTerm"]["code"] == "1M(8D)"
    assert expanded["customerFinancialDetails"]["number"] == "10000"


# --- customerFinancialDetails ----------------------------------------------------------------


def test_financial_details_follow_the_seeds_invoices(bc):
    invoices = bc.get(bc.company("salesInvoices")).json()["value"]
    details = bc.get(bc.company("customerFinancialDetails")).json()["value"]
    assert [d["number"] for d in details] == ["10000", "20000", "30000", "40000", "50000"]
    for detail in details:
        mine = [i for i in invoices if i["customerId"] == detail["id"] and i["status"] in ("Open", "Paid")]
        expected = sum(Decimal(str(i["remainingAmount"])) for i in mine)
        assert Decimal(str(detail["balance"])) == expected
        assert detail["id"] == customer(int(detail["number"]))
    one = bc.get(bc.company(f"customerFinancialDetails({customer(20000)})")).json()
    assert one["balance"] == 2500.5  # 103002 open; the draft 1001 is not in the ledger
    # as of the seed's date (2026-01-05), nothing was sold or due before it
    assert (one["totalSalesExcludingTax"], one["overdueAmount"]) == (0, 0)


def test_financial_details_are_derived_again_when_an_invoice_changes():
    from bc_mock.entities.rules import CompanyView
    from bc_mock.seed import load_store

    store = load_store()
    company = store.seed_company(USA)
    invoice = next(r.data for r in company.tables["salesInvoices"].values() if r.data["number"] == "103002")
    with store.transaction() as tx:
        view = CompanyView(company, tx, "v2.0")  # now: after every due date of the seed
        view.put("salesInvoices", dict(invoice, remainingAmount=Decimal("500.5")))
    details = company.tables["customerFinancialDetails"][customer(20000)].data
    assert details["balance"] == Decimal("500.5")
    assert details["overdueAmount"] == Decimal("500.5")
    assert details["totalSalesExcludingTax"] == invoice["totalAmountExcludingTax"]


def test_a_fixture_cannot_list_financial_details(tmp_path):
    from bc_mock.exceptions import SeedError
    from bc_mock.seed import load_store

    doc = json.loads((FIXTURES / "cronus-usa.json").read_text("utf-8"))
    doc["customerFinancialDetails"] = [{"id": "11111111-0000-4000-8000-000000000001"}]
    (tmp_path / "f.json").write_text(json.dumps(doc), "utf-8")
    with pytest.raises(SeedError, match="derived"):
        load_store(tmp_path)


# --- writes: payment terms, payment methods, currencies --------------------------------------


@pytest.mark.parametrize(
    "set_name, table",
    [("paymentTerms", "Payment Terms"), ("paymentMethods", "Payment Method"), ("currencies", "Currency")],
)
def test_a_coded_record_is_created_changed_renamed_and_deleted(bc, set_name, table):
    created = bc.post(bc.company(set_name), {"code": " new1 ", "displayName": "New"})
    assert created.status_code == 201, created.text
    record = created.json()
    assert list(record)[2:] == FIELDS[set_name]
    assert record["code"] == "NEW1"  # trimmed and upper-cased, as a Code field
    url = bc.company(f"{set_name}({record['id']})")
    # the code is required, unique, at most 10 characters
    assert error_of(bc.post(bc.company(set_name), {"displayName": "x"}))[:2] == (
        400,
        "BadRequest_RequiredParamNotProvided",
    )
    status, code, message = error_of(bc.post(bc.company(set_name), {"code": "new1"}))
    assert (status, code) == (409, "Internal_EntityWithSameKeyExists")
    assert message == f"The {table} already exists. Identification fields and values: Code='NEW1'"
    assert error_of(bc.post(bc.company(set_name), {"code": "X" * 11}))[:2] == (
        400,
        "Application_StringExceededLength",
    )
    renamed = bc.patch(url, {"code": "NEW2"}, etag=record["@odata.etag"])
    assert renamed.status_code == 200 and renamed.json()["code"] == "NEW2"
    existing = bc.get(bc.company(set_name)).json()["value"][0]["code"]
    status, code, _ = error_of(bc.patch(url, {"code": existing}))
    assert (status, code) == (409, "Internal_EntityWithSameKeyExists")
    assert error_of(bc.patch(url, {"code": ""}))[:2] == (400, "BadRequest_RequiredParamNotProvided")
    assert error_of(bc.patch(url, {"lastModifiedDateTime": "2020-01-01T00:00:00Z"}))[:2] == (
        400,
        "BadRequest_InvalidOperation",
    )
    assert bc.delete(url).status_code == 204
    assert bc.get(url).status_code == 404


def test_payment_terms_read_date_formulas(bc):
    created = bc.post(
        bc.company("paymentTerms"),
        {"code": "21D", "dueDateCalculation": "21d", "discountDateCalculation": "cm+1w"},
    )
    assert created.status_code == 201, created.text
    assert (created.json()["dueDateCalculation"], created.json()["discountDateCalculation"]) == (
        "21D",
        "CM+1W",
    )
    status, code, message = error_of(
        bc.post(bc.company("paymentTerms"), {"code": "BAD", "dueDateCalculation": "soon"})
    )
    assert (status, code) == (400, "BadRequest")
    assert message == 'The value "soon" can\'t be evaluated into type DateFormula.'


# --- writes: bank accounts -------------------------------------------------------------------


def test_a_bank_account_takes_its_number_from_the_series_and_a_currency(bc):
    created = bc.post(bc.company("bankAccounts"), {"displayName": "Euro account", "currencyCode": "eur"})
    assert created.status_code == 201, created.text
    account = created.json()
    assert (account["number"], account["currencyCode"], account["currencyId"]) == ("B010", "EUR", currency(2))
    second = bc.post(bc.company("bankAccounts"), {"displayName": "Local", "currencyId": BLANK}).json()
    assert (second["number"], second["currencyCode"], second["currencyId"]) == ("B020", "USD", BLANK)
    by_id = bc.post(bc.company("bankAccounts"), {"number": "CAD", "currencyId": currency(1)}).json()
    assert by_id["currencyCode"] == "CAD"
    local = bc.post(bc.company("bankAccounts"), {"number": "LOCAL", "currencyCode": "USD"}).json()
    assert (local["currencyCode"], local["currencyId"]) == ("USD", BLANK)


@pytest.mark.parametrize(
    "body, message",
    [
        ({"currencyCode": "XYZ"}, 'The "currencyCode" does not match to a Currency.'),
        (
            {"currencyId": "11111111-1111-4111-8111-111111111111"},
            'The "currencyId" does not match to a Currency.',
        ),
        (
            {"currencyCode": "EUR", "currencyId": currency(1)},
            "The currency values do not match to a specific Currency.",
        ),
    ],
)
def test_a_bank_accounts_currency_must_exist_and_agree(bc, body, message):
    status, code, text = error_of(bc.post(bc.company("bankAccounts"), {"number": "X1", **body}))
    assert (status, code, text) == (400, "Application_DialogException", message)


def test_a_bank_account_number_is_unique(bc):
    status, code, message = error_of(bc.post(bc.company("bankAccounts"), {"number": "checking"}))
    assert (status, code) == (409, "Internal_EntityWithSameKeyExists")
    assert message == "The Bank Account already exists. Identification fields and values: No.='CHECKING'"


def test_metadata_and_openapi_declare_the_new_sets(bc):
    metadata = bc.get("$metadata").text
    document = bc.session.get(f"{bc.server_url}/_mock/openapi.json").json()
    for set_name, type_name in (
        ("paymentTerms", "paymentTerm"),
        ("paymentMethods", "paymentMethod"),
        ("currencies", "currency"),
        ("bankAccounts", "bankAccount"),
        ("generalLedgerSetup", "generalLedgerSetup"),
        ("customerFinancialDetails", "customerFinancialDetail"),
        ("dimensionValues", "dimensionValue"),
    ):
        assert f'<EntityType Name="{type_name}">' in metadata
        assert f'<EntitySet Name="{set_name}" EntityType="Microsoft.NAV.{type_name}"' in metadata
        assert f"/api/v2.0/companies({{companyId}})/{set_name}" in document["paths"]


def test_a_currency_gets_bcs_symbol_for_its_code(bc):
    created = bc.post(bc.company("currencies"), {"code": "jpy", "displayName": "Yen"}).json()
    assert (created["code"], created["symbol"]) == ("JPY", "\u00a5")
    given = bc.post(bc.company("currencies"), {"code": "SEK", "symbol": "SEK"}).json()
    assert given["symbol"] == "SEK"  # a symbol given after the code is kept
    assert bc.post(bc.company("currencies"), {"code": "XAU"}).json()["symbol"] == ""


def test_a_renamed_currency_is_renamed_in_its_bank_accounts(bc):
    account = bc.post(bc.company("bankAccounts"), {"number": "EURO", "currencyCode": "EUR"}).json()
    assert bc.patch(bc.company(f"currencies({currency(2)})"), {"code": "EUX"}).status_code == 200
    after = bc.get(bc.company(f"bankAccounts({account['id']})")).json()
    assert (after["currencyCode"], after["currencyId"]) == ("EUX", currency(2))


def test_a_currency_that_open_invoices_are_in_cannot_be_deleted():
    from bc_mock import errors
    from bc_mock.entities import REGISTRY
    from bc_mock.entities.rules import CompanyView
    from bc_mock.seed import load_store

    store = load_store()
    company = store.seed_company(USA)
    invoice = next(r.data for r in company.tables["salesInvoices"].values() if r.data["status"] == "Open")
    euro = company.tables["currencies"][currency(2)].data
    with store.transaction() as tx:
        view = CompanyView(company, tx, "v2.0")
        view.put("salesInvoices", dict(invoice, currencyCode="EUR"))
        with pytest.raises(errors.BcError) as refused:
            REGISTRY["currencies"].rules.delete(view, euro)
        REGISTRY["currencies"].rules.delete(view, company.tables["currencies"][currency(1)].data)
    assert refused.value.message == (
        "There is one or more opened entries in the Cust. Ledger Entry table using Currency EUR."
    )
    assert currency(1) not in company.tables["currencies"]


@pytest.mark.parametrize("percent", [-1, 100.5])
def test_a_payment_discount_is_a_percentage(bc, percent):
    status, code, _ = error_of(
        bc.post(bc.company("paymentTerms"), {"code": "PCT", "discountPercent": percent})
    )
    assert (status, code) == (400, "BadRequest")
    assert bc.post(bc.company("paymentTerms"), {"code": "PCT", "discountPercent": 100}).status_code == 201
