"""customerPaymentJournals over HTTP: list, get, create, update, delete, and BC's rules for them."""

from __future__ import annotations

import re
import threading

import pytest
import requests

from tests.helpers import BANK, BLANK, GENERAL, UK, USA, account, assert_unchanged, error_of, payment

JOURNAL_FIELDS = [
    "id",
    "code",
    "displayName",
    "lastModifiedDateTime",
    "balancingAccountId",
    "balancingAccountNumber",
]
DATETIME_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$")
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ETAG = re.compile(r'^W/"[A-Za-z0-9+/=]+"$')


def create(client, body: dict, company: str = USA) -> dict:
    response = client.post(client.journals(company=company), body)
    assert response.status_code == 201, response.text
    return response.json()


# --- reads -------------------------------------------------------------------------------


def test_list_is_bcs_envelope_with_an_etag_per_journal(bcv):
    response = bcv.get(bcv.journals())
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["@odata.context", "value"]
    assert body["@odata.context"] == f"{bcv.root}/$metadata#companies({USA})/customerPaymentJournals"
    assert [j["code"] for j in body["value"]] == ["BANK", "GENERAL"]
    for journal in body["value"]:
        assert list(journal) == ["@odata.etag", *JOURNAL_FIELDS]
        assert ETAG.match(journal["@odata.etag"])


def test_get_by_id_is_the_entity_with_context_and_etag(bcv):
    response = bcv.get(bcv.journals(f"({BANK})"))
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["@odata.context", "@odata.etag", *JOURNAL_FIELDS]
    assert body["@odata.context"] == (
        f"{bcv.root}/$metadata#companies({USA})/customerPaymentJournals/$entity"
    )
    assert body["id"] == BANK
    assert body["code"] == "BANK"
    assert body["balancingAccountId"] == account(10100)
    assert body["balancingAccountNumber"] == "10100"
    assert DATETIME_Z.match(body["lastModifiedDateTime"])


def test_journal_without_balancing_account_shows_the_blank_guid(bcv):
    body = bcv.get(bcv.journals(f"({GENERAL})")).json()
    assert body["balancingAccountId"] == BLANK
    assert body["balancingAccountNumber"] == ""


def test_upper_case_guid_in_the_url_finds_the_record_and_answers_lower_case(bcv):
    response = bcv.get(bcv.company(f"customerPaymentJournals({BANK.upper()})", USA.upper()))
    assert response.status_code == 200
    assert response.json()["id"] == BANK
    assert USA in response.json()["@odata.context"]


def test_the_uk_company_has_its_own_journals(bcv):
    codes = [j["code"] for j in bcv.get(bcv.journals(company=UK)).json()["value"]]
    assert len(codes) >= 2
    assert bcv.get(bcv.journals(f"({BANK})", company=UK)).status_code == 404


def test_account_navigation_is_the_balancing_account(bcv):
    response = bcv.get(bcv.journals(f"({BANK})/account"))
    assert response.status_code == 200
    body = response.json()
    assert body["@odata.context"].endswith(
        f"#companies({USA})/customerPaymentJournals({BANK})/account/$entity"
    )
    assert body["id"] == account(10100)
    assert body["number"] == "10100"
    assert "@odata.etag" in body


def test_account_navigation_of_a_journal_without_balancing_account_is_empty(bcv):
    # BC answers 204 No Content for a single-valued navigation with nothing behind it
    response = bcv.get(bcv.journals(f"({GENERAL})/account"))
    assert response.status_code == 204
    assert response.content == b""


def test_payments_navigation_lists_only_that_journals_payments(bcv):
    response = bcv.get(bcv.payments(BANK))
    assert response.status_code == 200
    body = response.json()
    assert body["@odata.context"] == (
        f"{bcv.root}/$metadata#companies({USA})/customerPaymentJournals({BANK})/customerPayments"
    )
    assert [p["id"] for p in body["value"]] == [payment(2, 10000), payment(2, 20000), payment(2, 30000)]
    assert {p["journalDisplayName"] for p in body["value"]} == {"BANK"}


# --- create --------------------------------------------------------------------------------


def test_post_creates_a_journal_201_with_the_whole_entity(bcv):
    response = bcv.post(bcv.journals(), {"code": "daily", "displayName": "Daily receipts"})
    assert response.status_code == 201
    body = response.json()
    assert list(body) == ["@odata.context", "@odata.etag", *JOURNAL_FIELDS]
    assert body["@odata.context"] == (
        f"{bcv.root}/$metadata#companies({USA})/customerPaymentJournals/$entity"
    )
    assert GUID.match(body["id"])
    assert body["code"] == "DAILY"  # an AL Code field: upper-cased
    assert body["displayName"] == "Daily receipts"
    assert body["balancingAccountId"] == BLANK
    assert body["balancingAccountNumber"] == ""
    assert DATETIME_Z.match(body["lastModifiedDateTime"])
    # it is really there, with the same ETag
    again = bcv.get(bcv.journals(f"({body['id']})")).json()
    assert again["@odata.etag"] == body["@odata.etag"]
    assert [j["code"] for j in bcv.get(bcv.journals()).json()["value"]] == ["BANK", "DAILY", "GENERAL"]


def test_post_with_prefer_return_no_content_answers_204(bcv):
    response = bcv.post(bcv.journals(), {"code": "QUIET"}, headers={"Prefer": "return-no-content"})
    assert response.status_code == 204
    assert response.content == b""
    assert "QUIET" in [j["code"] for j in bcv.get(bcv.journals()).json()["value"]]


def test_code_is_trimmed_and_upper_cased(bcv):
    assert create(bcv, {"code": "  cash 1 "})["code"] == "CASH 1"


def test_code_of_exactly_ten_characters_is_fine(bcv):
    assert create(bcv, {"code": "abcdefghij"})["code"] == "ABCDEFGHIJ"


def test_code_over_ten_characters_is_refused(bcv):
    with assert_unchanged(bcv):
        status, code, message = error_of(bcv.post(bcv.journals(), {"code": "abcdefghijk"}))
        assert (status, code) == (400, "Application_StringExceededLength")
        assert message.startswith("The length of the string is 11, but it must be less than or equal to 10")


@pytest.mark.parametrize("body", [{}, {"code": ""}, {"code": "   "}, {"code": None}, {"displayName": "x"}])
def test_code_is_required(bcv, body):
    with assert_unchanged(bcv):
        status, code, message = error_of(bcv.post(bcv.journals(), body))
        assert (status, code) == (400, "BadRequest_RequiredParamNotProvided")
        assert "code" in message


@pytest.mark.parametrize("code", ["GENERAL", "general", " General "])
def test_code_must_be_unique_in_the_company_on_post(bcv, code):
    with assert_unchanged(bcv):
        status, error_code, message = error_of(bcv.post(bcv.journals(), {"code": code}))
        assert (status, error_code) == (409, "Internal_EntityWithSameKeyExists")
        assert "GENERAL" in message


def test_the_same_code_in_another_company_is_fine(bcv):
    assert create(bcv, {"code": "SAMECODE"})["code"] == "SAMECODE"
    assert create(bcv, {"code": "SAMECODE"}, company=UK)["code"] == "SAMECODE"


def test_display_name_up_to_100_characters(bcv):
    assert create(bcv, {"code": "LONG", "displayName": "d" * 100})["displayName"] == "d" * 100
    with assert_unchanged(bcv):
        status, code, message = error_of(
            bcv.post(bcv.journals(), {"code": "LONGER", "displayName": "d" * 101})
        )
        assert (status, code) == (400, "Application_StringExceededLength")
        assert "is 101, but it must be less than or equal to 100 characters" in message


def test_balancing_account_fills_its_number(bcv):
    body = create(bcv, {"code": "SAVE", "balancingAccountId": account(10200)})
    assert body["balancingAccountId"] == account(10200)
    assert body["balancingAccountNumber"] == "10200"
    response = bcv.get(bcv.journals(f"({body['id']})/account"))
    assert response.json()["number"] == "10200"


def test_balancing_account_given_upper_case_is_answered_lower_case(bcv):
    body = create(bcv, {"code": "UPPER", "balancingAccountId": account(10200).upper()})
    assert body["balancingAccountId"] == account(10200)


def test_balancing_account_blank_guid_on_post(bcv):
    body = create(bcv, {"code": "NOBAL", "balancingAccountId": BLANK})
    assert (body["balancingAccountId"], body["balancingAccountNumber"]) == (BLANK, "")


def test_unknown_balancing_account_is_refused(bcv):
    with assert_unchanged(bcv):
        unknown = "acc00001-0000-4000-8000-000000099999"
        status, code, message = error_of(
            bcv.post(bcv.journals(), {"code": "X", "balancingAccountId": unknown})
        )
        assert (status, code) == (400, "Application_DialogException")
        assert message == 'The "balancingAccountNumber" does not match to a G/L Account.'


@pytest.mark.parametrize(
    "number, reason",
    [
        (10000, "Account Type must be equal to 'Posting'"),  # a heading
        (10400, "Direct Posting must be equal to 'Yes'"),  # Accounts Receivable: no direct posting
        (10500, "Blocked must be equal to 'No'"),  # blocked
    ],
)
def test_balancing_account_must_be_an_open_direct_posting_account(bcv, number, reason):
    with assert_unchanged(bcv):
        response = bcv.post(bcv.journals(), {"code": "X", "balancingAccountId": account(number)})
        status, code, message = error_of(response)
        assert status == 400
        assert code.startswith("Application_")
        assert message.startswith(reason)
        assert f"No.={number}" in message
    with assert_unchanged(bcv):
        # nor by PATCH
        response = bcv.patch(bcv.journals(f"({BANK})"), {"balancingAccountId": account(number)})
        assert error_of(response)[2].startswith(reason)


def test_balancing_account_number_is_read_only(bcv):
    with assert_unchanged(bcv):
        status, code, message = error_of(
            bcv.post(bcv.journals(), {"code": "X", "balancingAccountNumber": "10100"})
        )
        assert (status, code) == (400, "BadRequest_InvalidOperation")
        assert "balancingAccountNumber" in message


def test_v2_lets_the_client_choose_the_id(bc):
    chosen = "0e0e0e0e-1111-4222-8333-444455556666"
    body = create(bc, {"id": chosen.upper(), "code": "MINE"})
    assert body["id"] == chosen
    assert bc.get(bc.journals(f"({chosen})")).status_code == 200
    # an id that exists already is a duplicate key
    status, code, _ = error_of(bc.post(bc.journals(), {"id": chosen, "code": "OTHER"}))
    assert (status, code) == (409, "Internal_EntityWithSameKeyExists")


def test_v1_refuses_a_chosen_id(bc1):
    with assert_unchanged(bc1):
        response = bc1.post(bc1.journals(), {"id": "0e0e0e0e-1111-4222-8333-444455556666", "code": "MINE"})
        status, code, message = error_of(response)
        assert (status, code) == (400, "BadRequest_InvalidOperation")
        assert "id" in message


def test_post_sets_last_modified_itself(bcv):
    with assert_unchanged(bcv):
        response = bcv.post(bcv.journals(), {"code": "X", "lastModifiedDateTime": "2020-01-01T00:00:00Z"})
        assert error_of(response)[:2] == (400, "BadRequest_InvalidOperation")
    # null for a read-only property is ignored, as real OData clients send it
    body = create(
        bcv, {"code": "X", "lastModifiedDateTime": None, "id": None, "balancingAccountNumber": None}
    )
    assert body["lastModifiedDateTime"] > "2026-01-05T09:00:00Z"


# --- update --------------------------------------------------------------------------------


def test_patch_returns_200_with_the_whole_entity_and_a_new_etag(bcv):
    current = bcv.get(bcv.journals(f"({BANK})")).json()
    response = bcv.patch(bcv.journals(f"({BANK})"), {"displayName": "Renamed"}, etag=current["@odata.etag"])
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["@odata.context", "@odata.etag", *JOURNAL_FIELDS]
    assert body["displayName"] == "Renamed"
    assert body["code"] == "BANK"  # omitted fields keep their values
    assert body["balancingAccountNumber"] == "10100"
    assert body["@odata.etag"] != current["@odata.etag"]
    assert body["lastModifiedDateTime"] > current["lastModifiedDateTime"]
    assert bcv.get(bcv.journals(f"({BANK})")).json() == body


def test_patch_renames_the_journal_and_its_payments_follow(bcv):
    response = bcv.patch(bcv.journals(f"({BANK})"), {"code": "bank2"})
    assert response.status_code == 200
    assert response.json()["code"] == "BANK2"
    payments = bcv.get(bcv.payments(BANK)).json()["value"]
    assert len(payments) == 3
    assert {p["journalDisplayName"] for p in payments} == {"BANK2"}


def test_patch_to_an_existing_code_is_a_duplicate_key(bcv):
    with assert_unchanged(bcv):
        status, code, message = error_of(bcv.patch(bcv.journals(f"({BANK})"), {"code": "general"}))
        assert (status, code) == (409, "Internal_EntityWithSameKeyExists")
        assert "GENERAL" in message


def test_patch_to_its_own_code_is_fine(bcv):
    assert bcv.patch(bcv.journals(f"({BANK})"), {"code": "bank"}).status_code == 200


@pytest.mark.parametrize("body", [{"code": ""}, {"code": None}])
def test_patch_cannot_blank_the_code(bcv, body):
    with assert_unchanged(bcv):
        status, code, _ = error_of(bcv.patch(bcv.journals(f"({BANK})"), body))
        assert (status, code) == (400, "BadRequest_RequiredParamNotProvided")


def test_patch_code_too_long(bcv):
    with assert_unchanged(bcv):
        status, code, _ = error_of(bcv.patch(bcv.journals(f"({BANK})"), {"code": "X" * 11}))
        assert (status, code) == (400, "Application_StringExceededLength")


def test_patch_blank_guid_clears_the_balancing_account(bcv):
    body = bcv.patch(bcv.journals(f"({BANK})"), {"balancingAccountId": BLANK}).json()
    assert (body["balancingAccountId"], body["balancingAccountNumber"]) == (BLANK, "")
    assert bcv.get(bcv.journals(f"({BANK})/account")).status_code == 204


def test_patch_null_balancing_account_clears_it_too(bcv):
    body = bcv.patch(bcv.journals(f"({BANK})"), {"balancingAccountId": None}).json()
    assert (body["balancingAccountId"], body["balancingAccountNumber"]) == (BLANK, "")


def test_patch_sets_a_balancing_account(bcv):
    body = bcv.patch(bcv.journals(f"({GENERAL})"), {"balancingAccountId": account(30100)}).json()
    assert (body["balancingAccountId"], body["balancingAccountNumber"]) == (account(30100), "30100")


def test_patch_with_the_unchanged_read_only_values_is_accepted(bcv):
    current = bcv.get(bcv.journals(f"({BANK})")).json()
    body = {k: v for k, v in current.items() if not k.startswith("@")}
    body["displayName"] = "Whole entity sent back"
    response = bcv.patch(bcv.journals(f"({BANK})"), body)
    assert response.status_code == 200, response.text
    assert response.json()["displayName"] == "Whole entity sent back"


@pytest.mark.parametrize(
    "name, value",
    [
        ("id", "0e0e0e0e-1111-4222-8333-444455556666"),
        ("balancingAccountNumber", "10200"),
        ("lastModifiedDateTime", "2020-01-01T00:00:00Z"),
    ],
)
def test_patch_refuses_a_different_read_only_value(bcv, name, value):
    with assert_unchanged(bcv):
        status, code, message = error_of(bcv.patch(bcv.journals(f"({BANK})"), {name: value}))
        assert (status, code) == (400, "BadRequest_InvalidOperation")
        assert message == f"Control '{name}' is read-only"


# --- delete --------------------------------------------------------------------------------


def test_delete_answers_204_and_deletes_the_payments_with_it(bcv):
    response = bcv.delete(bcv.journals(f"({BANK})"))
    assert response.status_code == 204
    assert response.content == b""
    assert bcv.get(bcv.journals(f"({BANK})")).status_code == 404
    assert [j["code"] for j in bcv.get(bcv.journals()).json()["value"]] == ["GENERAL"]
    status, code, _ = error_of(bcv.get(bcv.payments(BANK)))
    assert (status, code) == (404, "BadRequest_ResourceNotFound")
    if bcv.version == "v2.0":
        # the payments are gone, not just hidden behind the journal
        response = bcv.get(bcv.company(f"customerPayments({payment(2, 10000)})"))
        assert response.status_code == 404
        listed = bcv.get(bcv.company("customerPayments"), params={"$filter": f"journalId eq {BANK}"})
        assert listed.json()["value"] == []
    # the other journal keeps its payments
    assert len(bcv.get(bcv.payments(GENERAL)).json()["value"]) == 3


def test_delete_twice_is_not_found(bcv):
    assert bcv.delete(bcv.journals(f"({BANK})")).status_code == 204
    status, code, message = error_of(bcv.delete(bcv.journals(f"({BANK})")))
    assert (status, code) == (404, "BadRequest_ResourceNotFound")
    assert message == "Resource not found for the segment 'customerPaymentJournals'."


def test_a_deleted_code_can_be_used_again(bcv):
    bcv.delete(bcv.journals(f"({BANK})"))
    body = create(bcv, {"code": "BANK"})
    assert body["id"] != BANK
    assert bcv.get(bcv.payments(body["id"])).json()["value"] == []


def test_new_journal_starts_empty_and_takes_payments(bcv):
    journal = create(bcv, {"code": "NEW", "balancingAccountId": account(10300)})
    assert bcv.get(bcv.payments(journal["id"])).json()["value"] == []
    response = bcv.post(bcv.payments(journal["id"]), {"customerNumber": "20000", "amount": -10})
    assert response.status_code == 201
    assert response.json()["lineNumber"] == 10000
    assert response.json()["journalDisplayName"] == "NEW"


def test_concurrent_posts_of_one_code_create_exactly_one_journal(bcv):
    url = bcv.url(bcv.journals())
    statuses: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def worker():
        with requests.Session() as session:
            start.wait(timeout=30)
            response = session.post(url, json={"code": "RACE"})
            with lock:
                statuses.append(response.status_code)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [201] + [409] * 7
    assert [j["code"] for j in bcv.get(bcv.journals()).json()["value"]].count("RACE") == 1


def test_patch_ignores_prefer_return_minimal(bcv):
    response = bcv.patch(
        bcv.journals(f"({BANK})"), {"displayName": "x"}, headers={"Prefer": "return=minimal"}
    )
    assert response.status_code == 200
    assert response.json()["displayName"] == "x"


# --- unit: BC's datetime format --------------------------------------------------------------


@pytest.mark.parametrize(
    "value, text",
    [
        ("2026-01-05T09:00:00+00:00", "2026-01-05T09:00:00Z"),
        ("2026-01-05T09:00:00.120000+00:00", "2026-01-05T09:00:00.12Z"),
        ("2026-01-05T09:00:00.123456+00:00", "2026-01-05T09:00:00.123Z"),
        ("2026-01-05T11:00:00.5+02:00", "2026-01-05T09:00:00.5Z"),
    ],
)
def test_datetimes_are_utc_with_z_and_at_most_three_fractional_digits(value, text):
    import datetime as dt

    from bc_mock.entities.kinds import format_datetime

    assert format_datetime(dt.datetime.fromisoformat(value)) == text
