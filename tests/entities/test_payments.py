"""customerPayments over HTTP: nested under a journal (both versions) and at company level (v2.0)."""

from __future__ import annotations

import re
import threading

import pytest
import requests

from bc_mock.entities.payments import increment_document_number
from tests.helpers import (
    BANK,
    BLANK,
    GENERAL,
    UK,
    USA,
    assert_unchanged,
    customer,
    error_of,
    invoice,
    payment,
)

V2_FIELDS = [
    "id",
    "journalId",
    "journalDisplayName",
    "lineNumber",
    "customerId",
    "customerNumber",
    "postingDate",
    "documentNumber",
    "externalDocumentNumber",
    "amount",
    "appliesToInvoiceId",
    "appliesToInvoiceNumber",
    "description",
    "comment",
    "lastModifiedDateTime",
]
V1_FIELDS = [
    "id",
    "journalDisplayName",
    "lineNumber",
    "customerId",
    "customerNumber",
    "contactId",
    "postingDate",
    "documentNumber",
    "externalDocumentNumber",
    "amount",
    "appliesToInvoiceId",
    "appliesToInvoiceNumber",
    "description",
    "comment",
    "dimensions",
    "lastModifiedDateTime",
]
FIELDS = {"v1.0": V1_FIELDS, "v2.0": V2_FIELDS}
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
FIRST = payment(1, 10000)  # GENERAL, line 10000: customer 10000, invoice 103001
MISMATCH = {
    "v1.0": "The AppliesToInvoice values do not match to the same Invoice.",
    "v2.0": "The Applies To Invoice values do not match to the same Invoice.",
}


def post(client, body: dict, journal: str = GENERAL) -> dict:
    response = client.post(client.payments(journal), body)
    assert response.status_code == 201, response.text
    return response.json()


def patch(client, body: dict, line: str = FIRST, journal: str = GENERAL) -> dict:
    response = client.patch(client.payments(journal, f"({line})"), body)
    assert response.status_code == 200, response.text
    return response.json()


def refused(client, response) -> tuple[int, str, str]:
    return error_of(response)


# --- reads -------------------------------------------------------------------------------


def test_nested_list_and_get_have_the_fields_of_the_version_in_bcs_order(bcv):
    body = bcv.get(bcv.payments(GENERAL)).json()
    assert [p["lineNumber"] for p in body["value"]] == [10000, 20000, 30000]
    for item in body["value"]:
        assert list(item) == ["@odata.etag", *FIELDS[bcv.version]]
    single = bcv.get(bcv.payments(GENERAL, f"({FIRST})"))
    assert single.status_code == 200
    one = single.json()
    assert list(one) == ["@odata.context", "@odata.etag", *FIELDS[bcv.version]]
    assert one["@odata.context"] == (
        f"{bcv.root}/$metadata#companies({USA})/customerPaymentJournals({GENERAL})/customerPayments/$entity"
    )


def test_seed_payment_in_bcs_json_formats(bcv):
    one = bcv.get(bcv.payments(GENERAL, f"({FIRST})")).json()
    assert one["id"] == FIRST
    assert one["journalDisplayName"] == "GENERAL"
    assert one["customerId"] == customer(10000)
    assert one["customerNumber"] == "10000"
    assert one["postingDate"] == "2026-02-02"
    assert one["amount"] == -4000 and isinstance(one["amount"], int)
    assert one["appliesToInvoiceId"] == invoice(103001)
    assert one["appliesToInvoiceNumber"] == "103001"
    assert one["lastModifiedDateTime"].endswith("Z")
    if bcv.version == "v2.0":
        assert one["journalId"] == GENERAL
    else:
        assert one["contactId"] == ""
        assert one["dimensions"] == []


def test_a_payment_is_not_found_under_another_journal(bcv):
    status, code, message = error_of(bcv.get(bcv.payments(BANK, f"({FIRST})")))
    assert (status, code) == (404, "BadRequest_ResourceNotFound")
    assert message == "Resource not found for the segment 'customerPayments'."


def test_payments_of_an_unknown_journal_are_not_found(bcv):
    unknown = "da000001-0000-4000-8000-000000000099"
    status, code, _ = error_of(bcv.get(bcv.payments(unknown)))
    assert (status, code) == (404, "BadRequest_ResourceNotFound")
    status, code, _ = error_of(bcv.post(bcv.payments(unknown), {"customerNumber": "10000"}))
    assert (status, code) == (404, "BadRequest_ResourceNotFound")


# --- create: line numbers ----------------------------------------------------------------------


def test_post_201_with_the_whole_entity_and_the_next_line_number(bcv):
    response = bcv.post(bcv.payments(GENERAL), {"customerNumber": "20000", "amount": -12.5})
    assert response.status_code == 201
    body = response.json()
    assert list(body) == ["@odata.context", "@odata.etag", *FIELDS[bcv.version]]
    assert GUID.match(body["id"])
    assert body["lineNumber"] == 40000
    assert body["amount"] == -12.5
    assert body["journalDisplayName"] == "GENERAL"
    assert body["lastModifiedDateTime"] > "2026-01-05T09:00:00Z"
    again = bcv.get(bcv.payments(GENERAL, f"({body['id']})")).json()
    assert again == {**body, "@odata.context": again["@odata.context"]}
    assert post(bcv, {"customerNumber": "20000"})["lineNumber"] == 50000


def test_first_line_of_an_empty_journal_is_10000(bcv):
    journal = bcv.post(bcv.journals(), {"code": "EMPTY"}).json()["id"]
    assert post(bcv, {}, journal)["lineNumber"] == 10000
    assert post(bcv, {}, journal)["lineNumber"] == 20000


def test_line_number_zero_means_next(bcv):
    assert post(bcv, {"lineNumber": 0})["lineNumber"] == 40000


def test_given_line_number_is_kept_and_the_next_follows_the_last(bcv):
    assert post(bcv, {"lineNumber": 15000})["lineNumber"] == 15000
    assert post(bcv, {"lineNumber": 90000})["lineNumber"] == 90000
    assert post(bcv, {})["lineNumber"] == 100000
    numbers = [p["lineNumber"] for p in bcv.get(bcv.payments(GENERAL)).json()["value"]]
    assert numbers == [10000, 15000, 20000, 30000, 90000, 100000]


def test_a_used_line_number_is_a_duplicate_key(bcv):
    with assert_unchanged(bcv):
        status, code, message = error_of(bcv.post(bcv.payments(GENERAL), {"lineNumber": 20000}))
        assert (status, code) == (409, "Internal_EntityWithSameKeyExists")
        assert "20000" in message
    # the same number in another journal is fine
    journal = bcv.post(bcv.journals(), {"code": "OTHER"}).json()["id"]
    assert post(bcv, {"lineNumber": 20000}, journal)["lineNumber"] == 20000


def test_patch_line_number_renames_the_line(bcv):
    body = patch(bcv, {"lineNumber": 25000})
    assert body["lineNumber"] == 25000
    numbers = [p["lineNumber"] for p in bcv.get(bcv.payments(GENERAL)).json()["value"]]
    assert numbers == [20000, 25000, 30000]
    with assert_unchanged(bcv):
        status, code, _ = error_of(bcv.patch(bcv.payments(GENERAL, f"({FIRST})"), {"lineNumber": 30000}))
        assert (status, code) == (409, "Internal_EntityWithSameKeyExists")


def test_concurrent_posts_to_one_journal_get_unique_line_numbers(bcv):
    url = bcv.url(bcv.payments(GENERAL))
    results: list[int] = []
    failures: list[str] = []
    lock = threading.Lock()

    def worker():
        with requests.Session() as session:
            for _ in range(5):
                response = session.post(url, json={"customerNumber": "10000", "amount": -1})
                with lock:
                    if response.status_code == 201:
                        results.append(response.json()["lineNumber"])
                    else:
                        failures.append(response.text)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert sorted(results) == [40000 + 10000 * i for i in range(40)]
    listed = [p["lineNumber"] for p in bcv.get(bcv.payments(GENERAL)).json()["value"]]
    assert len(listed) == len(set(listed)) == 43


def test_concurrent_patches_with_one_etag_let_exactly_one_win(bcv):
    url = bcv.url(bcv.payments(GENERAL, f"({FIRST})"))
    tag = bcv.get(bcv.payments(GENERAL, f"({FIRST})")).json()["@odata.etag"]
    statuses: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def worker(n: int):
        with requests.Session() as session:
            start.wait(timeout=30)
            response = session.patch(url, json={"comment": f"writer {n}"}, headers={"If-Match": tag})
            with lock:
                statuses.append(response.status_code)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200] + [409] * 7


# --- create: customers and invoices ----------------------------------------------------------


def test_customer_number_fills_customer_id(bcv):
    body = post(bcv, {"customerNumber": "30000"})
    assert (body["customerId"], body["customerNumber"]) == (customer(30000), "30000")


def test_customer_id_fills_customer_number_and_upper_case_is_answered_lower(bcv):
    body = post(bcv, {"customerId": customer(40000).upper()})
    assert (body["customerId"], body["customerNumber"]) == (customer(40000), "40000")


def test_customer_fills_the_description_with_its_name(bcv):
    # validating the account in BC copies the customer's name into the line's description
    assert post(bcv, {"customerNumber": "20000"})["description"] == "Trey Research"
    assert post(bcv, {"customerNumber": "20000", "description": "mine"})["description"] == "mine"


def test_customer_id_and_number_that_agree_are_fine(bcv):
    body = post(bcv, {"customerId": customer(20000), "customerNumber": "20000"})
    assert body["customerNumber"] == "20000"


def test_payment_without_customer_has_blank_references(bcv):
    body = post(bcv, {"amount": -1})
    assert (body["customerId"], body["customerNumber"]) == (BLANK, "")
    assert (body["appliesToInvoiceId"], body["appliesToInvoiceNumber"]) == (BLANK, "")


@pytest.mark.parametrize(
    "body, text",
    [
        ({"customerId": customer(99999)}, 'The "customerId" does not match to a Customer.'),
        ({"customerNumber": "99999"}, 'The "customerNumber" does not match to a Customer.'),
        (
            {"customerId": customer(10000), "customerNumber": "20000"},
            "The customer values do not match to a specific Customer.",
        ),
        (
            {"appliesToInvoiceId": invoice(999999)},
            'The "appliesToInvoiceId" should be the ID of an Open, Paid, Corrective, or Canceled Invoice.',
        ),
        (
            # a draft invoice is not an Open, Paid, Corrective or Canceled one
            {"appliesToInvoiceId": invoice(1001)},
            'The "appliesToInvoiceId" should be the ID of an Open, Paid, Corrective, or Canceled Invoice.',
        ),
    ],
)
def test_references_that_do_not_resolve_are_refused(bcv, body, text):
    with assert_unchanged(bcv):
        status, code, message = error_of(bcv.post(bcv.payments(GENERAL), body))
        assert (status, code, message) == (400, "Application_DialogException", text)
    with assert_unchanged(bcv):
        status, code, message = error_of(bcv.patch(bcv.payments(GENERAL, f"({FIRST})"), body))
        assert (status, code, message) == (400, "Application_DialogException", text)


def test_invoice_mismatch_text_depends_on_the_version(bcv):
    with assert_unchanged(bcv):
        body = {"appliesToInvoiceId": invoice(103001), "appliesToInvoiceNumber": "103002"}
        status, code, message = error_of(bcv.post(bcv.payments(GENERAL), body))
        assert (status, code, message) == (400, "Application_DialogException", MISMATCH[bcv.version])


def test_invoice_id_fills_number_and_the_empty_customer(bcv):
    body = post(bcv, {"appliesToInvoiceId": invoice(103002), "amount": -2500.5})
    assert body["appliesToInvoiceNumber"] == "103002"
    assert (body["customerId"], body["customerNumber"]) == (customer(20000), "20000")
    assert body["amount"] == -2500.5


def test_invoice_number_fills_id_and_the_empty_customer(bcv):
    body = post(bcv, {"appliesToInvoiceNumber": "103005"})
    assert body["appliesToInvoiceId"] == invoice(103005)
    assert (body["customerId"], body["customerNumber"]) == (customer(50000), "50000")


def test_invoice_does_not_replace_a_given_customer(bcv):
    body = post(bcv, {"customerNumber": "10000", "appliesToInvoiceNumber": "103005"})
    assert body["appliesToInvoiceId"] == invoice(103005)
    assert body["customerNumber"] == "10000"


def test_a_paid_invoice_can_be_applied(bcv):
    assert post(bcv, {"appliesToInvoiceId": invoice(103006)})["appliesToInvoiceNumber"] == "103006"


def test_unknown_invoice_number_keeps_the_number_and_blanks_the_id_without_error(bcv):
    body = post(bcv, {"customerNumber": "10000", "appliesToInvoiceNumber": "NOSUCH"})
    assert (body["appliesToInvoiceId"], body["appliesToInvoiceNumber"]) == (BLANK, "NOSUCH")
    # a draft invoice's number is not a posted invoice either
    body = post(bcv, {"appliesToInvoiceNumber": "1001"})
    assert body["appliesToInvoiceId"] == BLANK
    assert body["customerId"] == BLANK


def test_invoice_id_and_number_that_agree_are_fine(bcv):
    body = post(bcv, {"appliesToInvoiceId": invoice(103003), "appliesToInvoiceNumber": "103003"})
    assert body["customerNumber"] == "30000"


def test_invoices_of_the_other_company_do_not_resolve(bcv):
    status, _, _ = error_of(bcv.post(bcv.payments(GENERAL), {"appliesToInvoiceId": invoice(103001, 2)}))
    assert status == 400
    status, _, _ = error_of(bcv.post(bcv.payments(GENERAL), {"customerId": customer(10000, 2)}))
    assert status == 400


@pytest.mark.parametrize(
    "given, stored",
    [
        (-12.345, -12.35),
        (12.345, 12.35),
        (-0.004, 0),
        (1e-9, 0),
        (-1500, -1500),
        (99.999, 100),
        (0.125, 0.13),
    ],
)
def test_amount_is_rounded_to_the_currency_precision(bcv, given, stored):
    # (values beyond .NET's decimal are refused: see test_errors)
    # Gen. Journal Line's Amount validation: Round(Amount, Amount Rounding Precision)
    assert post(bcv, {"amount": given})["amount"] == stored
    assert patch(bcv, {"amount": given})["amount"] == stored


# --- update --------------------------------------------------------------------------------


def test_patch_returns_the_whole_entity_and_changes_only_what_was_given(bcv):
    current = bcv.get(bcv.payments(GENERAL, f"({FIRST})")).json()
    response = bcv.patch(
        bcv.payments(GENERAL, f"({FIRST})"), {"amount": -3999.99}, etag=current["@odata.etag"]
    )
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["@odata.context", "@odata.etag", *FIELDS[bcv.version]]
    assert body["amount"] == -3999.99
    unchanged = {
        k: v for k, v in current.items() if k not in ("amount", "@odata.etag", "lastModifiedDateTime")
    }
    assert {k: body[k] for k in unchanged} == unchanged
    assert body["@odata.etag"] != current["@odata.etag"]
    assert body["lastModifiedDateTime"] > current["lastModifiedDateTime"]


def test_patch_blank_customer_id_clears_the_number(bcv):
    body = patch(bcv, {"customerId": BLANK})
    assert (body["customerId"], body["customerNumber"]) == (BLANK, "")


def test_patch_empty_customer_number_clears_the_id(bcv):
    body = patch(bcv, {"customerNumber": ""})
    assert (body["customerId"], body["customerNumber"]) == (BLANK, "")


def test_patch_customer_changes_both_and_keeps_the_invoice(bcv):
    body = patch(bcv, {"customerNumber": "50000"})
    assert (body["customerId"], body["customerNumber"]) == (customer(50000), "50000")
    assert body["appliesToInvoiceNumber"] == "103001"


def test_patch_blank_invoice_id_clears_the_number(bcv):
    body = patch(bcv, {"appliesToInvoiceId": BLANK})
    assert (body["appliesToInvoiceId"], body["appliesToInvoiceNumber"]) == (BLANK, "")
    assert body["customerNumber"] == "10000"


def test_patch_invoice_number_resolves_the_id(bcv):
    body = patch(bcv, {"appliesToInvoiceNumber": "103006"})
    assert body["appliesToInvoiceId"] == invoice(103006)
    assert body["customerNumber"] == "10000"  # the line had a customer already


def test_patch_unknown_invoice_number_blanks_the_id(bcv):
    body = patch(bcv, {"appliesToInvoiceNumber": "X-1"})
    assert (body["appliesToInvoiceId"], body["appliesToInvoiceNumber"]) == (BLANK, "X-1")


def test_patch_plain_fields(bcv):
    body = patch(
        bcv,
        {
            "postingDate": "2026-03-31",
            "documentNumber": "doc-7",
            "externalDocumentNumber": "ext-7",
            "description": "New text",
            "comment": "A comment",
        },
    )
    assert body["postingDate"] == "2026-03-31"
    assert body["documentNumber"] == "DOC-7"  # Code fields are upper-cased
    assert body["externalDocumentNumber"] == "EXT-7"
    assert (body["description"], body["comment"]) == ("New text", "A comment")


@pytest.mark.parametrize(
    "name, limit",
    [
        ("documentNumber", 20),
        ("externalDocumentNumber", 35),
        ("description", 100),
        ("comment", 250),
        ("customerNumber", 20),
        ("appliesToInvoiceNumber", 20),
    ],
)
def test_lengths_of_payment_texts(bcv, name, limit):
    with assert_unchanged(bcv):
        status, code, message = error_of(bcv.post(bcv.payments(GENERAL), {name: "A" * (limit + 1)}))
        assert (status, code) == (400, "Application_StringExceededLength")
        assert f"must be less than or equal to {limit} characters" in message


# --- journalDisplayName and journalId --------------------------------------------------------


def test_v1_refuses_a_write_of_journal_display_name(bc1):
    with assert_unchanged(bc1):
        text = "The Journal Batch Display Name isn't editable."
        body = {"journalDisplayName": "OTHER"}
        assert error_of(bc1.post(bc1.payments(GENERAL), body)) == (400, "Application_DialogException", text)
        response = bc1.patch(bc1.payments(GENERAL, f"({FIRST})"), body)
        assert error_of(response) == (400, "Application_DialogException", text)
    # the value it has is no write (BC's OData layer validates only what changes): a client may
    # send back what it read; null is what a client sends for a property it did not set
    assert (
        bc1.patch(bc1.payments(GENERAL, f"({FIRST})"), {"journalDisplayName": "GENERAL"}).status_code == 200
    )
    assert post(bc1, {"journalDisplayName": None})["journalDisplayName"] == "GENERAL"


def test_v2_post_overwrites_journal_display_name_from_the_journal(bc):
    assert post(bc, {"journalDisplayName": "WHATEVER"})["journalDisplayName"] == "GENERAL"


def test_v2_patch_journal_display_name(bc):
    assert patch(bc, {"journalDisplayName": "general"})["journalDisplayName"] == "GENERAL"
    with assert_unchanged(bc):
        response = bc.patch(bc.payments(GENERAL, f"({FIRST})"), {"journalDisplayName": "BANK"})
        assert error_of(response) == (
            400,
            "Application_DialogException",
            "The Journal Batch Display Name cannot be changed.",
        )


def test_v2_journal_id_of_a_nested_post(bc):
    assert post(bc, {"journalId": GENERAL})["journalId"] == GENERAL
    with assert_unchanged(bc):
        response = bc.post(bc.payments(GENERAL), {"journalId": BANK})
        assert error_of(response) == (
            400,
            "Application_DialogException",
            "The Journal Id and Journal Display Name do not match.",
        )


def test_v2_journal_id_cannot_change(bc):
    assert patch(bc, {"journalId": GENERAL.upper()})["journalId"] == GENERAL
    with assert_unchanged(bc):
        response = bc.patch(bc.payments(GENERAL, f"({FIRST})"), {"journalId": BANK})
        assert error_of(response) == (400, "Application_DialogException", "The Journal Id cannot be changed.")


def test_v1_has_no_journal_id(bc1):
    status, code, message = error_of(bc1.post(bc1.payments(GENERAL), {"journalId": GENERAL}))
    assert (status, code) == (400, "BadRequest")
    assert "'journalId' does not exist on type 'Microsoft.NAV.customerPayment'" in message


def test_v2_has_no_contact_id_nor_dimensions(bc):
    for name, value in (("contactId", "x"), ("dimensions", [])):
        status, code, message = error_of(bc.post(bc.payments(GENERAL), {name: value}))
        assert (status, code) == (400, "BadRequest")
        assert f"'{name}' does not exist" in message


def test_v1_contact_id_and_dimensions_are_stored(bc1):
    dims = [{"code": "dept", "displayName": "Department", "valueCode": "sales", "valueDisplayName": "Sales"}]
    body = post(bc1, {"contactId": "contact-1", "dimensions": dims})
    assert body["contactId"] == "contact-1"
    assert body["dimensions"] == [
        {"code": "DEPT", "displayName": "Department", "valueCode": "SALES", "valueDisplayName": "Sales"}
    ]
    again = bc1.get(bc1.payments(GENERAL, f"({body['id']})")).json()
    assert again["dimensions"] == body["dimensions"]


def test_v1_dimension_with_unknown_member_is_refused(bc1):
    with assert_unchanged(bc1):
        status, code, _ = error_of(bc1.post(bc1.payments(GENERAL), {"dimensions": [{"colour": "red"}]}))
        assert (status, code) == (400, "BadRequest")


def test_last_modified_is_set_by_the_server(bcv):
    with assert_unchanged(bcv):
        response = bcv.post(bcv.payments(GENERAL), {"lastModifiedDateTime": "2020-01-01T00:00:00Z"})
        assert error_of(response)[:2] == (400, "BadRequest_InvalidOperation")
    body = post(bcv, {"lastModifiedDateTime": None})
    assert body["lastModifiedDateTime"] > "2026-01-05T09:00:00Z"


# --- delete --------------------------------------------------------------------------------


def test_delete_answers_204_and_removes_only_that_line(bcv):
    response = bcv.delete(bcv.payments(GENERAL, f"({FIRST})"))
    assert response.status_code == 204
    assert response.content == b""
    assert bcv.get(bcv.payments(GENERAL, f"({FIRST})")).status_code == 404
    assert [p["lineNumber"] for p in bcv.get(bcv.payments(GENERAL)).json()["value"]] == [20000, 30000]
    # the journal itself is untouched
    assert bcv.get(bcv.journals(f"({GENERAL})")).status_code == 200


def test_after_deleting_the_last_line_numbering_follows_the_new_last(bcv):
    bcv.delete(bcv.payments(GENERAL, f"({payment(1, 30000)})"))
    assert post(bcv, {})["lineNumber"] == 30000


# --- company level (v2.0) ----------------------------------------------------------------


def test_v2_company_level_list_needs_a_journal_filter(bc):
    response = bc.get(bc.company("customerPayments"))
    assert error_of(response) == (
        400,
        "Application_DialogException",
        "You must specify a journal batch ID or a journal ID to get a journal line.",
    )


def test_v2_company_level_list_with_journal_filter(bc):
    for journal in (BANK, BANK.upper()):
        response = bc.get(bc.company("customerPayments"), params={"$filter": f"journalId eq {journal}"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["@odata.context"] == f"{bc.root}/$metadata#companies({USA})/customerPayments"
        assert [p["journalId"] for p in body["value"]] == [BANK] * 3
        assert [p["lineNumber"] for p in body["value"]] == [10000, 20000, 30000]


def test_v2_company_level_get_patch_delete_by_id(bc):
    url = bc.company(f"customerPayments({FIRST})")
    got = bc.get(url)
    assert got.status_code == 200
    assert got.json()["@odata.context"] == f"{bc.root}/$metadata#companies({USA})/customerPayments/$entity"
    assert got.json()["journalId"] == GENERAL
    patched = bc.patch(url, {"comment": "top level"}, etag=got.json()["@odata.etag"])
    assert patched.status_code == 200
    assert patched.json()["comment"] == "top level"
    # the same record seen through its journal
    assert bc.get(bc.payments(GENERAL, f"({FIRST})")).json()["comment"] == "top level"
    assert bc.delete(url, etag=patched.json()["@odata.etag"]).status_code == 204
    assert bc.get(bc.payments(GENERAL, f"({FIRST})")).status_code == 404


def test_v2_company_level_post_takes_journal_id_from_the_body(bc):
    response = bc.post(bc.company("customerPayments"), {"journalId": BANK, "customerNumber": "10000"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["@odata.context"] == f"{bc.root}/$metadata#companies({USA})/customerPayments/$entity"
    assert (body["journalId"], body["journalDisplayName"], body["lineNumber"]) == (BANK, "BANK", 40000)
    listed = bc.get(bc.payments(BANK)).json()["value"]
    assert body["id"] in [p["id"] for p in listed]


@pytest.mark.parametrize("body", [{}, {"journalId": BLANK}, {"journalId": None}, {"customerNumber": "10000"}])
def test_v2_company_level_post_needs_a_journal(bc, body):
    with assert_unchanged(bc):
        response = bc.post(bc.company("customerPayments"), body)
        assert error_of(response) == (
            400,
            "Application_DialogException",
            "You must specify a journal batch ID or a journal ID to get a journal line.",
        )


def test_v2_company_level_post_with_unknown_journal_is_refused(bc):
    with assert_unchanged(bc):
        unknown = "da000001-0000-4000-8000-000000000099"
        response = bc.post(bc.company("customerPayments"), {"journalId": unknown})
        status, code, message = error_of(response)
        assert (status, code) == (404, "Internal_RecordNotFound")
        assert message.startswith("The Gen. Journal Batch does not exist.")
        assert unknown in message


def test_v2_company_level_post_in_the_other_company(bc):
    uk_journal = bc.get(bc.journals(company=UK)).json()["value"][0]
    response = bc.post(bc.company("customerPayments", UK), {"journalId": uk_journal["id"]})
    assert response.status_code == 201
    # a journal of another company is unknown here
    response = bc.post(bc.company("customerPayments"), {"journalId": uk_journal["id"]})
    assert error_of(response)[:2] == (404, "Internal_RecordNotFound")


def test_v1_company_level_payments_need_a_journal(bc1):
    text = "You must specify a journal batch ID or a journal ID to get a journal line."
    assert error_of(bc1.get(bc1.company("customerPayments"))) == (400, "Application_DialogException", text)
    with assert_unchanged(bc1):
        response = bc1.post(bc1.company("customerPayments"), {"customerNumber": "10000"})
        assert error_of(response) == (400, "Application_DialogException", text)


def test_a_company_level_list_filtered_by_id_passes_bcs_filter_check(bcv):
    # BC's CheckFilters accepts a SystemId filter: the only way in v1.0, which has no journalId
    line = payment(1, 10000)
    response = bcv.get(bcv.company("customerPayments"), params={"$filter": f"id eq {line}"})
    assert response.status_code == 200
    assert [p["id"] for p in response.json()["value"]] == [line]


# --- unit: document numbers --------------------------------------------------------------


@pytest.mark.parametrize(
    "number, following",
    [
        ("G00001", "G00002"),
        ("G00009", "G00010"),
        ("B99", "B100"),
        ("INV-9-A", "INV-10-A"),
        ("ABC", ""),
        ("7", "8"),
    ],
)
def test_increment_document_number_is_als_incstr(number, following):
    assert increment_document_number(number) == following


def test_next_document_number_follows_the_last_line(bcv):
    assert post(bcv, {})["documentNumber"] == "G00004"
    assert post(bcv, {"documentNumber": "X100"})["documentNumber"] == "X100"
    assert post(bcv, {})["documentNumber"] == "X101"
    assert post(bcv, {}, BANK)["documentNumber"] == "B00004"


def test_v2_payment_navigates_to_its_journal(bc):
    response = bc.get(bc.company(f"customerPayments({FIRST})/customerPaymentJournal"))
    assert response.status_code == 200
    body = response.json()
    assert body["@odata.context"].endswith(
        f"#companies({USA})/customerPayments({FIRST})/customerPaymentJournal/$entity"
    )
    assert (body["id"], body["code"]) == (GENERAL, "GENERAL")
