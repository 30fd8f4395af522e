"""The read-only sets journals and payments refer to: companies, accounts, customers, salesInvoices."""

from __future__ import annotations

import pytest

from tests.helpers import UK, USA, account, customer, error_of, invoice

COMPANY_FIELDS = {
    "v1.0": ["id", "systemVersion", "name", "displayName", "businessProfileId"],
    "v2.0": [
        "id",
        "systemVersion",
        "timestamp",
        "name",
        "displayName",
        "businessProfileId",
        "systemCreatedAt",
        "systemCreatedBy",
        "systemModifiedAt",
        "systemModifiedBy",
    ],
}
ACCOUNT_FIELDS = {
    "v1.0": ["id", "number", "displayName", "category", "subCategory", "blocked", "lastModifiedDateTime"],
    "v2.0": [
        "id",
        "number",
        "displayName",
        "category",
        "subCategory",
        "blocked",
        "accountType",
        "directPosting",
        "netChange",
        "consolidationTranslationMethod",
        "consolidationDebitAccount",
        "consolidationCreditAccount",
        "excludeFromConsolidation",
        "lastModifiedDateTime",
    ],
}


# --- companies -------------------------------------------------------------------------------


def test_companies_list(bcv):
    body = bcv.get("companies").json()
    assert body["@odata.context"] == f"{bcv.root}/$metadata#companies"
    assert [c["name"] for c in body["value"]] == ["CRONUS UK Ltd.", "CRONUS USA, Inc."]
    for company in body["value"]:
        assert list(company) == COMPANY_FIELDS[bcv.version]  # no @odata.etag: BC's companies have none


def test_company_by_id(bcv):
    response = bcv.get(f"companies({USA.upper()})")
    assert response.status_code == 200
    body = response.json()
    assert body["@odata.context"] == f"{bcv.root}/$metadata#companies/$entity"
    assert list(body) == ["@odata.context", *COMPANY_FIELDS[bcv.version]]
    assert (body["id"], body["name"], body["displayName"]) == (USA, "CRONUS USA, Inc.", "CRONUS USA, Inc.")
    if bcv.version == "v2.0":
        assert body["systemCreatedAt"].endswith("Z")
        assert isinstance(body["timestamp"], int)


# --- accounts --------------------------------------------------------------------------------


def test_v2_accounts_are_all_gl_accounts(bc):
    body = bc.get(bc.company("accounts")).json()
    assert body["@odata.context"] == f"{bc.root}/$metadata#companies({USA})/accounts"
    numbers = [a["number"] for a in body["value"]]
    assert numbers == sorted(numbers)
    assert "10000" in numbers and "10400" in numbers  # a heading, an account without direct posting
    for item in body["value"]:
        assert list(item) == ["@odata.etag", *ACCOUNT_FIELDS["v2.0"]]
    heading = next(a for a in body["value"] if a["number"] == "10000")
    assert (heading["accountType"], heading["directPosting"]) == ("Heading", False)
    assert heading["netChange"] == 0
    # an AL Option, not an enum: written as its caption (Microsoft's own v2.0 client of accounts,
    # ImportConsolidationFromAPI, reads captions; BCApps' ERMConsolidationFromAPI test data)
    assert heading["consolidationTranslationMethod"] == "Average Rate (Manual)"
    assert heading["excludeFromConsolidation"] is False


def test_options_are_captions_in_v1_and_enum_member_names_in_v2(bc, bc1):
    # API v2.0 writes an option as its enum member name, other characters as _xHHHH_
    cogs = bc.get(bc.company(f"accounts({account(50100)})")).json()
    assert cogs["category"] == "Cost_x0020_of_x0020_Goods_x0020_Sold"
    assert bc.get(bc.company(f"customers({customer(10000)})")).json()["blocked"] == "_x0020_"
    # API v1.0 writes its caption
    assert bc1.get(bc1.company(f"customers({customer(10000)})")).json()["blocked"] == " "
    rent = bc1.get(bc1.company(f"accounts({account(60100)})")).json()
    assert rent["category"] == "Expense"


def test_v1_accounts_are_only_posting_accounts_with_direct_posting(bc1):
    body = bc1.get(bc1.company("accounts")).json()
    numbers = [a["number"] for a in body["value"]]
    assert numbers == ["10100", "10200", "10300", "10500", "30100", "60100"]
    for item in body["value"]:
        assert list(item) == ["@odata.etag", *ACCOUNT_FIELDS["v1.0"]]
    assert next(a for a in body["value"] if a["number"] == "10500")["blocked"] is True


def test_account_by_id(bcv):
    body = bcv.get(bcv.company(f"accounts({account(10100)})")).json()
    assert body["@odata.context"] == f"{bcv.root}/$metadata#companies({USA})/accounts/$entity"
    assert (body["number"], body["displayName"], body["category"], body["blocked"]) == (
        "10100",
        "Checking account",
        "Assets",
        False,
    )


def test_v1_does_not_find_accounts_it_does_not_list(bc1, bc):
    status, code, _ = error_of(bc1.get(bc1.company(f"accounts({account(10000)})")))
    assert (status, code) == (404, "BadRequest_ResourceNotFound")
    assert bc.get(bc.company(f"accounts({account(10000)})")).status_code == 200


def test_accounts_of_the_other_company_are_not_found(bcv):
    status, code, message = error_of(bcv.get(bcv.company(f"accounts({account(10100, 2)})")))
    assert (status, code) == (404, "BadRequest_ResourceNotFound")
    assert message == "Resource not found for the segment 'accounts'."
    assert bcv.get(bcv.company(f"accounts({account(10100, 2)})", UK)).status_code == 200


# --- customers -------------------------------------------------------------------------------

CUSTOMER_FIELDS = {
    "v1.0": [
        "id",
        "number",
        "displayName",
        "type",
        "address",
        "phoneNumber",
        "email",
        "website",
        "taxLiable",
        "taxAreaId",
        "taxAreaDisplayName",
        "taxRegistrationNumber",
        "currencyId",
        "currencyCode",
        "paymentTermsId",
        "shipmentMethodId",
        "paymentMethodId",
        "blocked",
        "lastModifiedDateTime",
    ],
    "v2.0": [
        "id",
        "number",
        "displayName",
        "type",
        "addressLine1",
        "addressLine2",
        "city",
        "state",
        "country",
        "postalCode",
        "phoneNumber",
        "email",
        "website",
        "salespersonCode",
        "balanceDue",
        "creditLimit",
        "taxLiable",
        "taxAreaId",
        "taxAreaDisplayName",
        "taxRegistrationNumber",
        "currencyId",
        "currencyCode",
        "paymentTermsId",
        "shipmentMethodId",
        "paymentMethodId",
        "blocked",
        "lastModifiedDateTime",
    ],
}


def test_customer_fields_in_bcs_order(bcv):
    one = bcv.get(bcv.company(f"customers({customer(30000)})")).json()
    assert list(one) == ["@odata.context", "@odata.etag", *CUSTOMER_FIELDS[bcv.version]]
    # BC names the local currency for a customer without a currency of its own
    assert (one["currencyId"], one["currencyCode"]) == ("00000000-0000-0000-0000-000000000000", "USD")
    uk = bcv.get(bcv.company(f"customers({customer(30000, 2)})", UK)).json()
    assert uk["currencyCode"] == "GBP"


def test_customers_list_and_by_id(bcv):
    body = bcv.get(bcv.company("customers")).json()
    assert body["@odata.context"] == f"{bcv.root}/$metadata#companies({USA})/customers"
    assert [c["number"] for c in body["value"]] == ["10000", "20000", "30000", "40000", "50000"]
    one = bcv.get(bcv.company(f"customers({customer(20000)})")).json()
    assert one["@odata.context"] == f"{bcv.root}/$metadata#companies({USA})/customers/$entity"
    assert (one["id"], one["number"], one["displayName"]) == (customer(20000), "20000", "Trey Research")
    assert one["phoneNumber"] and one["email"]
    assert one["blocked"] == {"v1.0": " ", "v2.0": "_x0020_"}[bcv.version]  # BC's blank option


def test_v1_customer_address_is_one_complex_value(bc1):
    one = bc1.get(bc1.company(f"customers({customer(10000)})")).json()
    assert one["address"] == {
        "street": "192 Market Square",
        "city": "Atlanta",
        "state": "GA",
        "countryLetterCode": "US",
        "postalCode": "31772",
    }
    assert "addressLine1" not in one and "city" not in one
    assert list(one)[:7] == [
        "@odata.context",
        "@odata.etag",
        "id",
        "number",
        "displayName",
        "type",
        "address",
    ]


def test_v2_customer_address_is_flat(bc):
    one = bc.get(bc.company(f"customers({customer(10000)})")).json()
    assert (one["addressLine1"], one["city"], one["state"], one["country"], one["postalCode"]) == (
        "192 Market Square",
        "Atlanta",
        "GA",
        "US",
        "31772",
    )
    assert "address" not in one
    assert isinstance(one["balanceDue"], int | float)


# --- sales invoices --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field",
    ["id", "number", "customerId", "customerNumber", "invoiceDate", "totalAmountIncludingTax", "status"],
)
def test_sales_invoices_have_what_payments_refer_to(bcv, field):
    body = bcv.get(bcv.company("salesInvoices")).json()
    assert all(field in item for item in body["value"])


def test_sales_invoice_in_bcs_formats(bcv):
    body = bcv.get(bcv.company(f"salesInvoices({invoice(103002)})")).json()
    assert body["@odata.context"] == f"{bcv.root}/$metadata#companies({USA})/salesInvoices/$entity"
    assert body["number"] == "103002"
    assert (body["customerId"], body["customerNumber"], body["customerName"]) == (
        customer(20000),
        "20000",
        "Trey Research",
    )
    assert body["invoiceDate"] == "2026-01-14"
    assert body["totalAmountIncludingTax"] == 2500.5
    assert body["totalAmountExcludingTax"] == 2350.47
    assert body["status"] == "Open"
    assert ("postingDate" in body) == (bcv.version == "v2.0")
    assert body["currencyCode"] == "USD"
    keys = list(body)
    assert keys.index("remainingAmount") < keys.index("totalAmountExcludingTax") < keys.index("status")


def test_sales_invoices_list_every_status_of_the_seed(bcv):
    statuses = {i["number"]: i["status"] for i in bcv.get(bcv.company("salesInvoices")).json()["value"]}
    assert statuses["103006"] == "Paid"
    assert statuses["1001"] == "Draft"
    assert sum(1 for s in statuses.values() if s == "Open") >= 5


def test_sales_invoice_customer_navigation(bcv):
    response = bcv.get(bcv.company(f"salesInvoices({invoice(103005)})/customer"))
    assert response.status_code == 200
    body = response.json()
    assert body["@odata.context"].endswith(
        f"#companies({USA})/salesInvoices({invoice(103005)})/customer/$entity"
    )
    assert body["id"] == customer(50000)


def test_payment_customer_navigation(bcv):
    from tests.helpers import GENERAL, payment

    response = bcv.get(bcv.payments(GENERAL, f"({payment(1, 20000)})/customer"))
    assert response.status_code == 200
    assert response.json()["number"] == "20000"


@pytest.mark.parametrize(
    "caption, name",
    [
        (" ", "_x0020_"),
        ("Posting", "Posting"),
        ("Begin-Total", "Begin_x002D_Total"),
        ("Cost of Goods Sold", "Cost_x0020_of_x0020_Goods_x0020_Sold"),
        ("In Review", "In_x0020_Review"),
        ("2nd", "_x0032_nd"),
    ],
)
def test_option_captions_as_v2_enum_member_names(caption, name):
    from bc_mock.entities.kinds import Enum, odata_name

    assert odata_name(caption) == name
    # both spellings read back as the caption (fixtures may use either)
    kind = Enum(caption, "Other", type_name="example")
    assert kind.load(name) == caption
    assert kind.load(caption) == caption
