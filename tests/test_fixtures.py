"""Fixtures: the bundled seed as documented, custom fixtures, and every kind of fixture mistake
stopping start-up with one clear message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from tests.helpers import (
    BANK,
    BLANK,
    GENERAL,
    UK,
    USA,
    BcClient,
    Server,
    account,
    customer,
    failed_start,
    invoice,
    payment,
)

REPO = Path(__file__).resolve().parent.parent
USA_FIXTURE = REPO / "fixtures" / "cronus-usa.json"


def seed_doc() -> dict:
    return json.loads(USA_FIXTURE.read_text(encoding="utf-8"))


def run_with(path: Path, timeout: float = 20) -> Server | None:
    """Start bc-mock on ``path``; the ended server (exit code, output), or None if it started serving."""
    return failed_start("--fixtures", str(path), timeout=timeout)


# --- the bundled seed, as the README documents it --------------------------------------------


@pytest.mark.parametrize("company", [1, 2])
def test_bundled_seed_has_the_documented_records(bc, company):
    cid = USA if company == 1 else UK
    accounts = bc.get(bc.company("accounts", cid)).json()["value"]
    assert len(accounts) >= 10
    assert any(a["directPosting"] and a["accountType"] == "Posting" for a in accounts)
    assert any(not a["directPosting"] for a in accounts)
    assert account(10100, company) in [a["id"] for a in accounts]
    customers = bc.get(bc.company("customers", cid)).json()["value"]
    assert [c["id"] for c in customers][:5] == [
        customer(n, company) for n in (10000, 20000, 30000, 40000, 50000)
    ]
    invoices = bc.get(bc.company("salesInvoices", cid)).json()["value"]
    open_invoices = [i for i in invoices if i["status"] == "Open"]
    assert len(open_invoices) >= 5
    assert invoice(103001, company) in [i["id"] for i in open_invoices]
    journals = bc.get(bc.journals(company=cid)).json()["value"]
    assert len(journals) == 2
    assert any(j["balancingAccountId"] != BLANK for j in journals)
    for journal in journals:
        payments = bc.get(bc.payments(journal["id"], company=cid)).json()["value"]
        assert len(payments) >= 3


def test_bundled_seed_ids_are_fixed(bc):
    assert bc.get(bc.journals(f"({GENERAL})")).json()["code"] == "GENERAL"
    bank = bc.get(bc.journals(f"({BANK})")).json()
    assert (bank["code"], bank["balancingAccountId"], bank["balancingAccountNumber"]) == (
        "BANK",
        account(10100),
        "10100",
    )
    assert bc.get(bc.payments(BANK, f"({payment(2, 10000)})")).json()["lineNumber"] == 10000
    uk_bank = bc.get(bc.journals(f"({BANK.replace('da000001', 'da000002')})", company=UK)).json()
    assert uk_bank["balancingAccountId"] == account(10100, 2)


def test_seed_references_are_resolved_as_a_post_would(bc):
    # the fixture gives a payment's customerId and appliesToInvoiceId; the rest is derived
    first = bc.get(bc.payments(GENERAL, f"({payment(1, 10000)})")).json()
    assert first["customerNumber"] == "10000"
    assert first["appliesToInvoiceNumber"] == "103001"
    assert first["journalDisplayName"] == "GENERAL"
    assert first["description"] == "Adatum Corporation"


# --- custom fixtures -------------------------------------------------------------------------


def minimal_company(suffix: int) -> dict:
    cid = f"c0a0000{suffix}-0000-4000-8000-00000000000{suffix}"
    return {
        "company": {"id": cid, "name": f"Test {suffix}", "displayName": f"Test company {suffix}"},
        "accounts": [
            {
                "id": f"acc0000{suffix}-0000-4000-8000-000000010100",
                "number": "10100",
                "displayName": "Bank",
                "accountType": "Posting",
                "directPosting": True,
            },
        ],
        "customers": [
            {"id": f"c500000{suffix}-0000-4000-8000-000000000001", "number": "C1", "displayName": "One"}
        ],
        "salesInvoices": [
            {
                "id": f"1f00000{suffix}-0000-4000-8000-000000000001",
                "number": "I1",
                "status": "Open",
                "customerId": f"c500000{suffix}-0000-4000-8000-000000000001",
                "totalAmountIncludingTax": 10.5,
            }
        ],
        "customerPaymentJournals": [
            {
                "id": f"da00000{suffix}-0000-4000-8000-000000000001",
                "code": "cash",
                "balancingAccountId": f"acc0000{suffix}-0000-4000-8000-000000010100",
                "customerPayments": [
                    {
                        "id": f"ba00000{suffix}-0000-4000-8000-000000000001",
                        "appliesToInvoiceNumber": "I1",
                        "amount": -10.5,
                    }
                ],
            }
        ],
    }


@pytest.fixture
def custom_server(start_bc_mock):
    def start(path: Path) -> str:
        return start_bc_mock("--fixtures", str(path)).url

    return start


def test_a_file_with_a_list_of_companies(tmp_path, custom_server):
    path = tmp_path / "two.json"
    path.write_text(json.dumps([minimal_company(7), minimal_company(8)]), encoding="utf-8")
    url = custom_server(path)
    client = BcClient(url, "t", "v2.0")
    names = [c["name"] for c in client.get("companies").json()["value"]]
    assert names == ["Test 7", "Test 8"]
    cid = "c0a00007-0000-4000-8000-000000000007"
    journal = client.get(client.journals(company=cid)).json()["value"][0]
    assert (journal["code"], journal["balancingAccountNumber"]) == ("CASH", "10100")
    line = client.get(client.payments(journal["id"], company=cid)).json()["value"][0]
    # derived as a POST would: invoice id from its number, customer from the invoice, line number
    assert line["appliesToInvoiceId"] == "1f000007-0000-4000-8000-000000000001"
    assert (line["customerNumber"], line["lineNumber"], line["amount"]) == ("C1", 10000, -10.5)
    invoice_row = client.get(client.company("salesInvoices", cid)).json()["value"][0]
    assert invoice_row["customerNumber"] == "C1"  # filled from the customer
    assert invoice_row["totalAmountIncludingTax"] == 10.5


def test_a_folder_of_files(tmp_path, custom_server):
    for suffix in (5, 6):
        (tmp_path / f"c{suffix}.json").write_text(json.dumps(minimal_company(suffix)), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a fixture", encoding="utf-8")
    url = custom_server(tmp_path)
    assert len(requests.get(f"{url}/api/v1.0/companies").json()["value"]) == 2


def test_a_file_with_a_byte_order_mark(tmp_path, custom_server):
    path = tmp_path / "bom.json"
    path.write_text("\ufeff" + json.dumps(minimal_company(4)), encoding="utf-8")
    url = custom_server(path)
    assert len(requests.get(f"{url}/api/v2.0/companies").json()["value"]) == 1


def test_nulls_in_a_fixture_mean_not_given(tmp_path, custom_server):
    doc = minimal_company(3)
    doc["customers"][0]["email"] = None
    doc["customerPaymentJournals"][0]["displayName"] = None
    path = tmp_path / "nulls.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    url = custom_server(path)
    client = BcClient(url, "t", "v2.0")
    cid = "c0a00003-0000-4000-8000-000000000003"
    assert client.get(client.company("customers", cid)).json()["value"][0]["email"] == ""


# --- mistakes --------------------------------------------------------------------------------


def _payment(doc, journal=1, line=1):
    return doc["customerPaymentJournals"][journal]["customerPayments"][line]


MISTAKES = [
    # (name, change to the USA fixture, what the message must name: record, field)
    ("unknown field", lambda d: d["customers"][2].update(colour="red"), "customers[2]", "colour"),
    ("wrong type", lambda d: d["accounts"][1].update(blocked="no"), "accounts[1]", "blocked"),
    (
        "unknown field of a payment",
        lambda d: _payment(d).update(colour="red"),
        "customerPayments[1]",
        "colour",
    ),
    ("wrong type of a payment", lambda d: _payment(d).update(amount="-1"), "customerPayments[1]", "amount"),
    (
        "wrong type of a decimal",
        lambda d: d["salesInvoices"][1].update(remainingAmount="12"),
        "salesInvoices[1]",
        "remainingAmount",
    ),
    (
        "bad date",
        lambda d: d["salesInvoices"][0].update(invoiceDate="2026-02-30"),
        "salesInvoices[0]",
        "invoiceDate",
    ),
    ("not an option", lambda d: d["accounts"][0].update(accountType="Foo"), "accounts[0]", "accountType"),
    ("too long", lambda d: d["customers"][1].update(displayName="x" * 101), "customers[1]", "displayName"),
    (
        "too long code",
        lambda d: d["customerPaymentJournals"][0].update(code="X" * 11),
        "customerPaymentJournals[0]",
        "code",
    ),
    ("malformed guid", lambda d: d["customers"][0].update(id="xyz"), "customers[0]", "id"),
    ("missing id", lambda d: d["customers"][0].pop("id"), "customers[0]", "id"),
    ("duplicate id", lambda d: d["customers"][1].update(id=d["customers"][0]["id"]), "customers[1]", "id"),
    (
        "duplicate payment id",
        lambda d: _payment(d, 1, 0).update(id=_payment(d, 0, 0)["id"]),
        "customerPayments[0]",
        "id",
    ),
    (
        "duplicate journal code",
        lambda d: d["customerPaymentJournals"][1].update(code="general"),
        "customerPaymentJournals[1]",
        "code",
    ),
    (
        "duplicate line number",
        lambda d: _payment(d).update(lineNumber=10000),
        "customerPayments[1]",
        "lineNumber",
    ),
    (
        "dangling customer of a payment",
        lambda d: _payment(d).update(customerId="c5000001-0000-4000-8000-000000099999"),
        "customerPayments[1]",
        "customerId",
    ),
    (
        "dangling customer number of a payment",
        lambda d: _payment(d).update(customerNumber="99999"),
        "customerPayments[1]",
        "customerNumber",
    ),
    (
        "dangling invoice of a payment",
        lambda d: _payment(d).update(appliesToInvoiceId="1f000001-0000-4000-8000-000000999999"),
        "customerPayments[1]",
        "appliesToInvoiceId",
    ),
    (
        "dangling balancing account",
        lambda d: d["customerPaymentJournals"][1].update(
            balancingAccountId="acc00001-0000-4000-8000-000000099999"
        ),
        "customerPaymentJournals[1]",
        "balancingAccountId",
    ),
    (
        "balancing account without direct posting",
        lambda d: d["customerPaymentJournals"][1].update(
            balancingAccountId="acc00001-0000-4000-8000-000000010400"
        ),
        "customerPaymentJournals[1]",
        "balancingAccountId",
    ),
    (
        "dangling customer of an invoice",
        lambda d: d["salesInvoices"][0].update(customerId="c5000001-0000-4000-8000-000000099999"),
        "salesInvoices[0]",
        "customerId",
    ),
    (
        "invoice customer number that does not match",
        lambda d: d["salesInvoices"][0].update(customerNumber="20000"),
        "salesInvoices[0]",
        "customerNumber",
    ),
    (
        "payment customer id and number that do not match",
        lambda d: _payment(d).update(customerNumber="10000"),
        "customerPayments[1]",
        "customer",
    ),
    (
        "derived field given wrong",
        lambda d: d["customerPaymentJournals"][1].update(balancingAccountNumber="99999"),
        "customerPaymentJournals[1]",
        "balancingAccountNumber",
    ),
    ("unknown entity set", lambda d: d.update(vendors=[]), "vendors", None),
    ("record that is not an object", lambda d: d["customers"].__setitem__(0, 5), "customers[0]", None),
    ("set that is not a list", lambda d: d.update(customers={}), "customers", None),
]


@pytest.mark.parametrize("name, change, record, field", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_a_fixture_mistake_stops_start_up_with_one_clear_message(tmp_path, name, change, record, field):
    doc = seed_doc()
    change(doc)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    result = run_with(path)
    assert result is not None, f"{name}: the server started anyway"
    assert result.returncode != 0
    assert "listening" not in result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    message = lines[0]
    assert str(path) in message
    assert record in message
    if field is not None:
        assert f"field '{field}" in message, message


@pytest.mark.parametrize(
    "content",
    ['{"company": {"id": ', "", "[1]", '{"company": 5}', "[" * 100000],
    ids=["truncated", "empty", "list of junk", "company not an object", "deeply nested"],
)
def test_a_file_that_is_no_fixture_stops_start_up(tmp_path, content):
    path = tmp_path / "junk.json"
    path.write_text(content, encoding="utf-8")
    result = run_with(path)
    assert result is not None and result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert str(path) in result.stderr


def test_the_same_company_twice_stops_start_up(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(seed_doc()), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps(seed_doc()), encoding="utf-8")
    result = run_with(tmp_path)
    assert result is not None and result.returncode != 0
    assert "b.json" in result.stderr and "company" in result.stderr and "'id'" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_empty_folder_stops_start_up(tmp_path):
    result = run_with(tmp_path)
    assert result is not None and result.returncode != 0
    assert str(tmp_path) in result.stderr
    assert "Traceback" not in result.stderr


def test_the_first_mistake_in_the_file_is_reported(tmp_path):
    doc = seed_doc()
    doc["customers"][3]["colour"] = "red"
    doc["accounts"][0]["blocked"] = "no"
    path = tmp_path / "two-mistakes.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = run_with(path)
    assert "accounts[0]" in result.stderr and "'blocked'" in result.stderr


def test_blank_datetimes_of_a_fixture_are_written_with_a_four_digit_year(tmp_path):
    from bc_mock import MockServer

    doc = seed_doc()
    for name in ("systemCreatedAt", "systemModifiedAt"):
        del doc["company"][name]
    path = tmp_path / "company.json"
    path.write_text(json.dumps(doc))
    with MockServer(fixtures=str(path)) as mock:
        company = requests.get(f"{mock.api_url()}/companies({USA})").json()
    assert company["systemCreatedAt"] == company["systemModifiedAt"] == "0001-01-01T00:00:00Z"


def test_a_misspelt_field_is_named_with_a_did_you_mean(tmp_path):
    doc = seed_doc()
    doc["accounts"][0]["displayname"] = doc["accounts"][0].pop("displayName")
    (tmp_path / "usa.json").write_text(json.dumps(doc))
    result = run_with(tmp_path / "usa.json")
    assert result is not None and result.returncode == 2
    assert "field 'displayname': unknown field (did you mean 'displayName'?)" in result.stderr


def test_a_number_beyond_any_decimal_in_a_fixture_is_one_clear_message(tmp_path):
    text = USA_FIXTURE.read_text().replace('"netChange": 0', '"netChange": 1e99999999999999999999999999', 1)
    (tmp_path / "usa.json").write_text(text)
    result = run_with(tmp_path / "usa.json")
    assert result is not None and result.returncode == 2 and "Traceback" not in result.stderr
    assert "field 'netChange': Cannot convert the literal '1e99999999999999999999999999'" in result.stderr
