"""journals({id})/Microsoft.NAV.post: BC's checks before posting, with their texts, and its effects."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.helpers import BANK, GENERAL, USA, BcClient, account, customer, error_of, invoice, payment

DEFAULT = "da000001-0000-4000-8000-000000000003"  # the USA company's GENERAL-template journal
ROOT = Path(__file__).resolve().parents[2]


def post(bc: BcClient, journal: str, body=None, company: str = USA):
    return bc.post(bc.company(f"journals({journal})/Microsoft.NAV.post", company), body)


def entries(bc: BcClient, query: str = "") -> list[dict]:
    return bc.get(bc.company(f"generalLedgerEntries{query}")).json()["value"]


def record(bc: BcClient, path: str) -> dict:
    response = bc.get(bc.company(path))
    assert response.status_code == 200, response.text
    return response.json()


def state(bc: BcClient) -> dict:
    """What a post may change, ETags included."""
    return {
        "entries": entries(bc),
        "invoices": bc.get(bc.company("salesInvoices")).json()["value"],
        "customers": bc.get(bc.company("customers")).json()["value"],
        "accounts": bc.get(bc.company("accounts")).json()["value"],
        "payments": {j: bc.get(bc.payments(j)).json()["value"] for j in (GENERAL, BANK)},
        "lines": bc.get(bc.company(f"journals({DEFAULT})/journalLines")).json()["value"],
    }


def add_line(bc: BcClient, body: dict, journal: str = DEFAULT) -> dict:
    response = bc.post(bc.company(f"journals({journal})/journalLines"), body)
    assert response.status_code == 201, response.text
    return response.json()


def by_document(found: list[dict]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for entry in found:
        amount = Decimal(str(entry["debitAmount"])) - Decimal(str(entry["creditAmount"]))
        totals[entry["documentNumber"]] = totals.get(entry["documentNumber"], Decimal(0)) + amount
    return totals


# --- the action -------------------------------------------------------------------------------


def test_posting_a_customer_payment_journal(bc):
    before_invoice = record(bc, f"salesInvoices({invoice(103004)})")
    before_customer = record(bc, f"customers({customer(40000)})")
    untouched = record(bc, f"customers({customer(10000)})")
    response = post(bc, BANK)
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert "Content-Type" not in response.headers
    # the posted lines are gone: BC keeps none of a non-recurring journal
    assert bc.get(bc.payments(BANK)).json()["value"] == []
    found = entries(bc)
    assert [e["entryNumber"] for e in found] == [1, 2, 3, 4, 5, 6]
    assert [
        (e["documentNumber"], e["accountNumber"], e["debitAmount"], e["creditAmount"]) for e in found
    ] == [
        ("B00001", "10400", 0, 980),
        ("B00001", "10100", 980, 0),
        ("B00002", "10400", 0, 7500),
        ("B00002", "10100", 7500, 0),
        ("B00003", "10400", 0, 1234.56),
        ("B00003", "10100", 1234.56, 0),
    ]
    assert {e["documentType"] for e in found} == {"Payment"}
    assert found[0]["accountId"] == account(10400)
    assert found[0]["postingDate"] == "2026-02-04"
    assert found[0]["description"] == "Alpine Ski House"  # the customer's name, as the line has it
    assert set(by_document(found).values()) == {0}
    # the invoices: paid in full, or their remaining amount down
    paid = record(bc, f"salesInvoices({invoice(103004)})")
    assert (paid["remainingAmount"], paid["status"]) == (0, "Paid")
    assert paid["@odata.etag"] != before_invoice["@odata.etag"]
    assert paid["lastModifiedDateTime"] != before_invoice["lastModifiedDateTime"]
    partly = record(bc, f"salesInvoices({invoice(103005)})")
    assert (partly["remainingAmount"], partly["status"]) == (7500, "Open")
    assert record(bc, f"salesInvoices({invoice(103003)})")["status"] == "Paid"
    # the customers' balance due: down by what they paid (the seed's is their open invoices'),
    # and their financial details with it; the others unchanged
    assert record(bc, f"customers({customer(50000)})")["balanceDue"] == 7500
    assert record(bc, f"customerFinancialDetails({customer(50000)})")["balance"] == 7500
    assert record(bc, f"customerFinancialDetails({customer(40000)})")["balance"] == 0
    after_customer = record(bc, f"customers({customer(40000)})")
    assert after_customer["balanceDue"] == before_customer["balanceDue"] - 980
    assert after_customer["@odata.etag"] != before_customer["@odata.etag"]
    assert (
        after_customer["lastModifiedDateTime"]
        == paid["lastModifiedDateTime"]
        == found[0]["lastModifiedDateTime"]
    )
    assert record(bc, f"customers({customer(10000)})") == untouched
    assert record(bc, f"accounts({account(10100)})")["netChange"] == 9714.56
    assert record(bc, f"accounts({account(10400)})")["netChange"] == -9714.56


def test_the_entries_read_back_as_bc_shapes_them(bc):
    assert post(bc, BANK, {}).status_code == 204
    entry = entries(bc, "?$filter=documentNumber eq 'B00002'&$orderby=entryNumber")[0]
    assert list(entry) == [
        "@odata.etag",
        "id",
        "entryNumber",
        "postingDate",
        "documentNumber",
        "documentType",
        "accountId",
        "accountNumber",
        "description",
        "debitAmount",
        "creditAmount",
        "additionalCurrencyDebitAmount",
        "additionalCurrencyCreditAmount",
        "lastModifiedDateTime",
    ]
    single = bc.get(bc.company(f"generalLedgerEntries({entry['id']})"))
    assert single.status_code == 200
    assert single.json()["entryNumber"] == entry["entryNumber"]
    assert bc.post(bc.company("generalLedgerEntries"), {"description": "x"}).status_code == 405
    assert bc.delete(bc.company(f"generalLedgerEntries({entry['id']})")).status_code == 405


def test_posting_a_general_journal(bc):
    add_line(
        bc, {"accountNumber": "60100", "amount": 1500, "postingDate": "2026-02-10", "description": "Rent"}
    )
    add_line(bc, {"accountNumber": "10100", "amount": -1500, "description": "Rent"})
    add_line(bc, {"accountNumber": "30100", "amount": -200, "balancingAccountNumber": "10200"})
    assert post(bc, DEFAULT).status_code == 204
    assert bc.get(bc.company(f"journals({DEFAULT})/journalLines")).json()["value"] == []
    found = entries(bc)
    assert [
        (e["documentNumber"], e["accountNumber"], e["debitAmount"], e["creditAmount"]) for e in found
    ] == [
        ("G00001", "60100", 1500, 0),
        ("G00001", "10100", 0, 1500),
        ("G00002", "30100", 0, 200),
        ("G00002", "10200", 200, 0),
    ]
    assert {e["documentType"] for e in found} == {"_x0020_"}
    assert set(by_document(found).values()) == {0}
    # a second post: entry numbers go on
    add_line(bc, {"accountNumber": "60100", "amount": 5, "balancingAccountNumber": "10100"})
    assert post(bc, DEFAULT).status_code == 204
    assert [e["entryNumber"] for e in entries(bc)] == [1, 2, 3, 4, 5, 6]


def test_a_payment_journal_is_posted_through_journals_and_nothing_else(bc):
    assert bc.get(bc.company(f"journals({BANK})/Microsoft.NAV.post")).status_code in (404, 405)
    assert bc.post(bc.company(f"customerPaymentJournals({BANK})/Microsoft.NAV.post")).status_code == 404
    assert (
        bc.post(bc.company("journals(00000000-0000-0000-0000-00000000abcd)/Microsoft.NAV.post")).status_code
        == 404
    )
    assert bc.post(bc.company("journals/Microsoft.NAV.post")).status_code == 404
    assert bc.post(bc.company(f"journals({BANK})/Microsoft.NAV.unknown")).status_code == 404
    assert post(bc, BANK, ["not", "an", "object"]).status_code == 400
    assert error_of(post(bc, BANK, {"journalId": BANK})) == (
        400,
        "BadRequest",
        "The parameter 'journalId' in the request payload is not a valid parameter for the operation 'post'.",
    )
    assert bc.get(bc.payments(BANK)).json()["value"] != []


def test_journals_post_is_v2_only(bc1):
    assert post(bc1, BANK).status_code == 404


# --- checks -----------------------------------------------------------------------------------


def refused(bc: BcClient, journal: str, status: int = 400) -> str:
    before = state(bc)
    response = post(bc, journal)
    assert response.status_code == status, response.text
    assert state(bc) == before, "a failed post changed something"
    return error_of(response)[2]


def test_nothing_to_post(bc):
    assert refused(bc, DEFAULT) == "There is nothing to post."


def test_an_unbalanced_journal_without_a_balancing_account(bc):
    # the seed's GENERAL payment journal has no balancing account: its payments alone do not balance
    assert refused(bc, GENERAL) == (
        "Document No. G00001 is out of balance by -4,000. Please check that Posting Date, "
        "Document Type, Document No. and Amount are correct for each line."
    )
    add_line(bc, {"accountNumber": "60100", "amount": 1234.5, "postingDate": "2026-02-10"})
    assert refused(bc, DEFAULT).startswith("Document No. G00001 is out of balance by 1,234.5. ")


def test_a_positive_customer_payment(bc):
    bc.patch(bc.payments(BANK, f"({payment(2, 20000)})"), {"amount": 10})
    assert refused(bc, BANK) == (
        "Amount must be negative in Gen. Journal Line Journal Template Name='CASHRCPT',"
        "Journal Batch Name='BANK',Line No.='20000'."
    )


def test_a_payment_without_a_customer(bc):
    bc.patch(
        bc.payments(BANK, f"({payment(2, 30000)})"), {"customerId": "00000000-0000-0000-0000-000000000000"}
    )
    assert refused(bc, BANK) == (
        "Account No. must have a value in Gen. Journal Line: Journal Template Name=CASHRCPT, "
        "Journal Batch Name=BANK, Line No.=30000. It cannot be zero or empty."
    )


def test_a_line_without_an_amount_or_a_date(bc):
    line = add_line(bc, {"accountNumber": "60100", "balancingAccountNumber": "10100"})
    assert refused(bc, DEFAULT) == (
        "Amount must have a value in Gen. Journal Line: Journal Template Name=GENERAL, "
        "Journal Batch Name=DEFAULT, Line No.=10000. It cannot be zero or empty."
    )
    bc.patch(bc.company(f"journalLines({line['id']})"), {"amount": 1, "documentNumber": ""})
    assert refused(bc, DEFAULT).startswith("Document No. must have a value in Gen. Journal Line")


@pytest.mark.parametrize(
    ("applies_to", "why"),
    [(103002, "another customer's invoice"), (103006, "an invoice already paid")],
)
def test_a_payment_applied_to_an_invoice_it_cannot_close(bc, applies_to, why):
    # the third payment (customer 30000) fails after the first two were checked: nothing changes
    response = bc.patch(
        bc.payments(BANK, f"({payment(2, 30000)})"), {"appliesToInvoiceId": invoice(applies_to)}
    )
    assert response.status_code == 200, response.text
    customer_number = "30000"
    assert refused(bc, BANK) == (
        "There is no Cust. Ledger Entry within the filter. Filters: "
        f"Document No.: {applies_to}, Document Type: Invoice, Customer No.: {customer_number}, Open: Yes"
    ), why


def test_a_failure_after_the_first_writes_undoes_them_all(bc):
    # a fourth payment applies to the invoice the first one closes: every check passes, the
    # first three lines are written (entries, invoices, customers), then the fourth finds no open
    # invoice, and the post answers BC's error with nothing changed
    body = {"customerNumber": "40000", "appliesToInvoiceNumber": "103004", "amount": -10}
    assert bc.post(bc.payments(BANK), body).status_code == 201
    assert refused(bc, BANK) == (
        "There is no Cust. Ledger Entry within the filter. Filters: "
        "Document No.: 103004, Document Type: Invoice, Customer No.: 40000, Open: Yes"
    )


# --- amounts ----------------------------------------------------------------------------------


def test_an_overpayment_closes_the_invoice_and_leaves_the_surplus_on_the_customer(bc):
    bc.patch(bc.payments(BANK, f"({payment(2, 10000)})"), {"amount": -1500})
    assert post(bc, BANK).status_code == 204
    paid = record(bc, f"salesInvoices({invoice(103004)})")
    assert (paid["remainingAmount"], paid["status"]) == (0, "Paid")
    assert record(bc, f"customers({customer(40000)})")["balanceDue"] == 980 - 1500
    assert record(bc, f"customerFinancialDetails({customer(40000)})")["balance"] == -520
    receivables = entries(bc, "?$filter=documentNumber eq 'B00001' and accountNumber eq '10400'")
    assert [e["creditAmount"] for e in receivables] == [1500]


def test_a_payment_without_an_invoice_stays_open_on_the_customer(bc):
    body = {
        "customerNumber": "10000",
        "amount": -300,
        "postingDate": "2026-02-06",
        "documentNumber": "B00009",
    }
    assert bc.post(bc.payments(BANK), body).status_code == 201
    invoices_before = bc.get(bc.company("salesInvoices?$filter=customerNumber eq '10000'")).json()["value"]
    assert post(bc, BANK).status_code == 204
    assert (
        bc.get(bc.company("salesInvoices?$filter=customerNumber eq '10000'")).json()["value"]
        == invoices_before
    )
    assert record(bc, f"customers({customer(10000)})")["balanceDue"] == 4000 - 300
    assert record(bc, f"customerFinancialDetails({customer(10000)})")["balance"] == 3700


def test_two_partial_payments_pay_an_invoice(bc):
    for amount in (-1000, -1500.5):
        body = {"customerNumber": "20000", "amount": amount, "appliesToInvoiceNumber": "103002"}
        assert bc.post(bc.payments(BANK), body).status_code == 201
    for payment_id in (payment(2, 10000), payment(2, 20000), payment(2, 30000)):
        bc.delete(bc.payments(BANK, f"({payment_id})"))
    assert post(bc, BANK).status_code == 204
    paid = record(bc, f"salesInvoices({invoice(103002)})")
    assert (paid["remainingAmount"], paid["status"]) == (0, "Paid")


# --- transactions -----------------------------------------------------------------------------


def test_a_snapshot_batch_with_a_failed_post_changes_nothing(bc):
    before = state(bc)
    payments_url = f"companies({USA})/customerPaymentJournals({BANK})/customerPayments"
    requests_ = [
        {"id": "1", "method": "POST", "url": payments_url, "body": {"customerNumber": "10000", "amount": -5}},
        {
            "id": "2",
            "method": "POST",
            "url": f"companies({USA})/journals({BANK})/Microsoft.NAV.post",
            "body": {},
        },
        {"id": "3", "method": "POST", "url": f"companies({USA})/journals({DEFAULT})/Microsoft.NAV.post"},
    ]
    response = bc.post("$batch", {"requests": requests_}, headers={"Isolation": "snapshot"})
    assert response.status_code == 200
    assert [r["status"] for r in response.json()["responses"]] == [201, 204, 400]
    assert state(bc) == before
    response = bc.post("$batch", {"requests": requests_[:2]}, headers={"Isolation": "snapshot"})
    assert [r["status"] for r in response.json()["responses"]] == [201, 204]
    assert bc.get(bc.payments(BANK)).json()["value"] == []
    assert len(entries(bc)) == 8


# --- checks that need other seed data -----------------------------------------------------------


@pytest.fixture(scope="module")
def blocked_server(start_bc_mock_for_module, tmp_path_factory):
    """A server whose USA customer 30000 is blocked for all, and whose customer 20000's posting
    group has a blocked receivables account."""
    seed = json.loads((ROOT / "fixtures" / "cronus-usa.json").read_text())
    seed["customerPostingGroups"].append(
        {
            "id": "c9000001-0000-4000-8000-000000000002",
            "code": "BLOCKED",
            "receivablesAccountId": account(10500),
        }
    )
    for item in seed["customers"]:
        if item["number"] == "30000":
            item["blocked"] = "All"
        if item["number"] == "20000":
            item["customerPostingGroup"] = "BLOCKED"
    path = tmp_path_factory.mktemp("blocked") / "seed.json"
    path.write_text(json.dumps(seed))
    return start_bc_mock_for_module("--fixtures", str(path)).url


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (30000, "You cannot post this type of document when Customer 30000 is blocked with type All"),
        (20000, "Blocked must be equal to 'No'  in G/L Account: No.=10500. Current value is 'Yes'."),
    ],
)
def test_a_blocked_account(blocked_server, tenant, line, message):
    bc = BcClient(blocked_server, tenant, "v2.0")
    keep = {30000: payment(1, 30000), 20000: payment(1, 20000)}[line]
    for other in (payment(1, 10000), payment(1, 20000), payment(1, 30000)):
        if other != keep:
            assert bc.delete(bc.payments(GENERAL, f"({other})")).status_code == 204
    bc.patch(bc.journals(f"({GENERAL})"), {"balancingAccountId": account(10100)})
    assert refused(bc, GENERAL) == message


# --- bank accounts, posting dates, currencies -----------------------------------------------------


def test_a_bank_account_line_posts_to_its_posting_groups_account(bc):
    line = add_line(
        bc,
        {
            "accountType": "Bank Account",
            "accountNumber": "CHECKING",
            "amount": 500,
            "balancingAccountNumber": "30100",
        },
    )
    assert (line["accountType"], line["accountId"]) == (
        "Bank_x0020_Account",
        "bac00001-0000-4000-8000-000000000001",
    )
    assert line["description"] == "Checking account"
    assert post(bc, DEFAULT).status_code == 204
    assert [(e["accountNumber"], e["debitAmount"], e["creditAmount"]) for e in entries(bc)] == [
        ("10100", 500, 0),
        ("30100", 0, 500),
    ]


def test_a_bank_account_blocked_or_in_another_currency_is_refused_at_posting(bc):
    add_line(
        bc,
        {
            "accountType": "Bank Account",
            "accountNumber": "SAVINGS",
            "amount": 5,
            "balancingAccountNumber": "30100",
        },
    )
    bank = bc.get(bc.company("bankAccounts?$filter=number eq 'SAVINGS'")).json()["value"][0]
    assert bc.patch(bc.company(f"bankAccounts({bank['id']})"), {"blocked": True}).status_code == 200
    assert (
        refused(bc, DEFAULT)
        == "Blocked must be equal to 'No'  in Bank Account: No.=SAVINGS. Current value is 'Yes'."
    )
    bc.patch(bc.company(f"bankAccounts({bank['id']})"), {"blocked": False})
    foreign = bc.get(bc.company("currencies")).json()["value"][0]["code"]
    assert bc.patch(bc.company(f"bankAccounts({bank['id']})"), {"currencyCode": foreign}).status_code == 200
    assert "bc_mock posts in the local currency only" in refused(bc, DEFAULT)


def test_a_posting_date_outside_the_allowed_range(bc):
    setup = bc.get(bc.company("generalLedgerSetup")).json()["value"][0]
    assert (setup["allowPostingFrom"], setup["allowPostingTo"]) == ("2025-01-01", "2027-12-31")
    add_line(
        bc,
        {
            "accountNumber": "60100",
            "amount": 5,
            "balancingAccountNumber": "10100",
            "postingDate": "2028-01-03",
        },
    )
    assert refused(bc, DEFAULT) == (
        "Posting Date is not within your range of allowed posting dates in Gen. Journal Line "
        "Journal Template Name='GENERAL',Journal Batch Name='DEFAULT',Line No.='10000'."
    )
    bc.patch(bc.payments(BANK, f"({payment(2, 20000)})"), {"postingDate": "2024-12-31"})
    assert refused(bc, BANK).endswith(
        "Journal Template Name='CASHRCPT',Journal Batch Name='BANK',Line No.='20000'."
    )


@pytest.fixture(scope="module")
def no_setup_server(start_bc_mock_for_module, tmp_path_factory):
    """A server whose company has no generalLedgerSetup: no posting range (BC's blank bounds)."""
    seed = json.loads((ROOT / "fixtures" / "cronus-usa.json").read_text())
    for name in ("generalLedgerSetup", "bankAccounts"):  # a bank account's currency needs the setup
        del seed[name]
    path = tmp_path_factory.mktemp("no-setup") / "seed.json"
    path.write_text(json.dumps(seed))
    return start_bc_mock_for_module("--fixtures", str(path)).url


def test_without_a_posting_range_any_date_posts(no_setup_server, tenant):
    bc = BcClient(no_setup_server, tenant, "v2.0")
    add_line(
        bc,
        {
            "accountNumber": "60100",
            "amount": 5,
            "balancingAccountNumber": "10100",
            "postingDate": "2040-01-02",
        },
    )
    assert post(bc, DEFAULT).status_code == 204
    assert [e["postingDate"] for e in entries(bc)] == ["2040-01-02", "2040-01-02"]


def test_fixtures_give_journals_lines_and_entries_that_posting_continues(start_bc_mock, tmp_path, tenant):
    seed = json.loads((ROOT / "fixtures" / "cronus-usa.json").read_text())
    seed["generalLedgerEntries"] = [
        {
            "id": "9e000001-0000-4000-8000-000000000041",
            "entryNumber": 41,
            "postingDate": "2026-01-31",
            "documentNumber": "OPENING",
            "accountId": account(10100),
            "accountNumber": "10100",
            "debitAmount": 100,
        }
    ]
    seed["journals"][0]["journalLines"] = [
        {
            "id": "9e100001-0000-4000-8000-000000000001",
            "accountNumber": "60100",
            "amount": 7,
            "postingDate": "2026-02-01",
            "balancingAccountNumber": "10100",
        }
    ]
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed))
    bc = BcClient(start_bc_mock("--fixtures", str(path)).url, tenant, "v2.0")
    [line] = bc.get(bc.company(f"journals({DEFAULT})/journalLines")).json()["value"]
    assert (line["lineNumber"], line["documentNumber"], line["description"]) == (
        10000,
        "G00001",
        "Rent Expense",
    )
    assert post(bc, DEFAULT).status_code == 204
    assert [e["entryNumber"] for e in entries(bc)] == [41, 42, 43]
