"""dimensionSetLines (v2.0) under customerPayments, journalLines and generalLedgerEntries: BC's
shapes, rules and texts; posting carries a line's dimensions to its G/L entries."""

from __future__ import annotations

import pytest

from tests.helpers import BANK, USA, BcClient, error_of, payment

AREA = "d1a00001-0000-4000-8000-000000000001"
DEPARTMENT = "d1a00001-0000-4000-8000-000000000004"
DEFAULT = "da000001-0000-4000-8000-000000000003"
LINE_FIELDS = [
    "id",
    "code",
    "consolidationCode",
    "parentId",
    "parentType",
    "displayName",
    "valueId",
    "valueCode",
    "valueConsolidationCode",
    "valueDisplayName",
]
PAYMENT = payment(2, 10000)


def dims(bc: BcClient, parent: str = PAYMENT, suffix: str = "") -> str:
    return bc.payments(BANK, f"({parent})/dimensionSetLines{suffix}")


def values_of(bc: BcClient, dimension: str) -> list[dict]:
    response = bc.get(bc.company(f"dimensionValues?$filter=dimensionId eq {dimension}"))
    if response.status_code == 404:
        pytest.skip("the company serves no dimensionValues")
    return response.json()["value"]


def test_a_payment_has_none_at_first(bc):
    body = bc.get(dims(bc)).json()
    assert body["value"] == []
    assert body["@odata.context"].endswith(
        f"companies({USA})/customerPaymentJournals({BANK})/customerPayments({PAYMENT})/dimensionSetLines"
    )


def test_not_served_alone_or_in_v1(bc, bc1):
    assert bc.get(bc.company("dimensionSetLines")).status_code == 404
    assert bc1.get(dims(bc1)).status_code == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"valueCode": "X"}, 'The "id" or "code" field must be filled in.'),
        ({"code": "AREA"}, 'The "valueId" or "valueCode" field must be filled in.'),
        ({"code": "NOPE", "valueCode": "X"}, 'The "code" does not match to a Dimension.'),
        (
            {"id": "00000000-0000-0000-0000-00000000dead", "valueCode": "X"},
            'The "id" does not match to a Dimension.',
        ),
        (
            {"id": AREA, "code": "DEPARTMENT", "valueCode": "X"},
            "The dimension field values do not match to a specific Dimension.",
        ),
        (
            {"code": "AREA", "valueCode": "NO-SUCH-VALUE"},
            'The "valueCode" does not match to a Dimension Value.',
        ),
        (
            {"code": "AREA", "valueId": "00000000-0000-0000-0000-00000000dead"},
            'The "valueId" does not match to a Dimension Value.',
        ),
    ],
)
def test_refusals(bc, body, message):
    before = bc.get(bc.payments(BANK, f"({PAYMENT})")).json()
    response = bc.post(dims(bc), body)
    assert response.status_code == 400, response.text
    assert error_of(response)[2] == message
    assert bc.get(dims(bc)).json()["value"] == []
    assert bc.get(bc.payments(BANK, f"({PAYMENT})")).json() == before


def test_lines_of_a_payment_and_of_a_journal_line(bc):
    area = values_of(bc, AREA)[0]
    department = values_of(bc, DEPARTMENT)
    before = bc.get(bc.payments(BANK, f"({PAYMENT})")).json()
    created = bc.post(dims(bc), {"code": "area", "valueCode": area["code"]})
    assert created.status_code == 201, created.text
    line = created.json()
    assert list(line) == ["@odata.context", "@odata.etag", *LINE_FIELDS]
    assert (line["id"], line["code"], line["parentId"], line["parentType"]) == (
        AREA,
        "AREA",
        PAYMENT,
        "Journal_x0020_Line",
    )
    assert (line["valueId"], line["valueCode"], line["valueDisplayName"]) == (
        area["id"],
        area["code"],
        area["displayName"],
    )
    assert created.headers["Location"].endswith(f"/dimensionSetLines({AREA})")
    # the payment changed: a new dimension set
    after = bc.get(bc.payments(BANK, f"({PAYMENT})")).json()
    assert after["@odata.etag"] != before["@odata.etag"]
    # one line per dimension
    status, _, message = error_of(bc.post(dims(bc), {"id": AREA, "valueId": area["id"]}))
    assert status == 400 and message.startswith("The dimension set line already exists.")
    # read, change the value, keep the dimension
    assert bc.get(dims(bc, suffix=f"({AREA})")).json()["valueCode"] == area["code"]
    other = values_of(bc, AREA)[1]
    changed = bc.patch(dims(bc, suffix=f"({AREA})"), {"valueCode": other["code"]}, etag=line["@odata.etag"])
    assert changed.status_code == 200, changed.text
    assert changed.json()["valueId"] == other["id"]
    status, _, message = error_of(bc.patch(dims(bc, suffix=f"({AREA})"), {"code": "DEPARTMENT"}))
    assert (status, message) == (400, 'The "id" and "code" fields cannot be modified.')
    # a value of another dimension
    status, _, message = error_of(bc.post(dims(bc), {"code": "AREA", "valueId": department[0]["id"]}))
    assert status == 400 and "cannot be found in the related table (Dimension Value)" in message
    # a PATCH of the line as read is taken
    read = bc.get(dims(bc, suffix=f"({AREA})")).json()
    assert bc.patch(dims(bc, suffix=f"({AREA})"), read, etag=read["@odata.etag"]).status_code == 200
    assert bc.delete(dims(bc, suffix=f"({AREA})")).status_code == 204
    assert bc.get(dims(bc)).json()["value"] == []
    # a journal line's
    journal_line = bc.post(bc.company(f"journals({DEFAULT})/journalLines"), {"accountNumber": "60100"}).json()
    url = bc.company(f"journals({DEFAULT})/journalLines({journal_line['id']})/dimensionSetLines")
    assert bc.post(url, {"id": DEPARTMENT, "valueId": department[0]["id"]}).status_code == 201
    assert [d["code"] for d in bc.get(url).json()["value"]] == ["DEPARTMENT"]


def test_posting_carries_the_dimensions_to_the_entries_which_keep_them_read_only(bc):
    area = values_of(bc, AREA)[0]
    assert bc.post(dims(bc), {"code": "AREA", "valueCode": area["code"]}).status_code == 201
    assert bc.post(bc.company(f"journals({BANK})/Microsoft.NAV.post")).status_code == 204
    entries = bc.get(bc.company("generalLedgerEntries?$filter=documentNumber eq 'B00001'")).json()["value"]
    assert len(entries) == 2
    for entry in entries:
        url = bc.company(f"generalLedgerEntries({entry['id']})/dimensionSetLines")
        [line] = bc.get(url).json()["value"]
        assert (line["code"], line["valueCode"], line["parentId"], line["parentType"]) == (
            "AREA",
            area["code"],
            entry["id"],
            "General_x0020_Ledger_x0020_Entry",
        )
        status, _, message = error_of(bc.post(url, {"code": "DEPARTMENT", "valueCode": "X"}))
        assert (status, message) == (
            400,
            f"Parent with ID {entry['id']} does not exist or dimension set lines are read only for "
            "parent type General Ledger Entry.",
        )
        assert (
            bc.delete(
                bc.company(f"generalLedgerEntries({entry['id']})/dimensionSetLines({AREA})")
            ).status_code
            == 400
        )
    # the payment and its dimension set are gone
    assert bc.get(dims(bc)).status_code == 404


def test_deleting_a_payment_deletes_its_dimension_set(bc):
    area = values_of(bc, AREA)[0]
    assert bc.post(dims(bc), {"code": "AREA", "valueCode": area["code"]}).status_code == 201
    assert bc.delete(bc.payments(BANK, f"({PAYMENT})")).status_code == 204
    data = bc.session.get(f"{bc.server_url}/_mock/data/{bc.root.split('/')[-4]}/production").json()
    usa = next(company for company in data["companies"] if company["id"] == USA)
    assert {s["name"]: s["count"] for s in usa["sets"]}["dimensionSetLines"] == 0


def test_a_sales_invoices_dimensions(bc):
    area = values_of(bc, AREA)[0]
    invoice_url = bc.company("salesInvoices(1f000001-0000-4000-8000-000000103001)")
    before = bc.get(invoice_url).json()
    created = bc.post(f"{invoice_url}/dimensionSetLines", {"code": "AREA", "valueCode": area["code"]})
    assert created.status_code == 201, created.text
    assert created.json()["parentType"] == "Sales_x0020_Invoice"
    assert bc.get(invoice_url).json()["@odata.etag"] != before["@odata.etag"]  # BC changes the invoice
    assert [line["code"] for line in bc.get(f"{invoice_url}/dimensionSetLines").json()["value"]] == ["AREA"]


def test_a_filter_on_a_lines_id_compares_its_dimensions_id(bc):
    area, department = values_of(bc, AREA)[0], values_of(bc, DEPARTMENT)[0]
    assert bc.post(dims(bc), {"id": AREA, "valueId": area["id"]}).status_code == 201
    assert bc.post(dims(bc), {"id": DEPARTMENT, "valueId": department["id"]}).status_code == 201
    found = bc.get(dims(bc, suffix=f"?$filter=id eq {DEPARTMENT}")).json()["value"]
    assert [line["code"] for line in found] == ["DEPARTMENT"]
    others = bc.get(dims(bc, suffix=f"?$filter=id ne {DEPARTMENT}")).json()["value"]
    assert [line["code"] for line in others] == ["AREA"]
