"""$select, $expand, $orderby, $top, $skip, $count, /$count and ?company= over HTTP."""

from __future__ import annotations

import pytest

from tests.helpers import BANK, GENERAL, UK, USA, account, error_of


def get_json(client, path: str, **params) -> dict:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


# --- $select -----------------------------------------------------------------


def test_select_keeps_the_etag_and_the_selected_properties_in_the_types_order(bcv):
    body = get_json(bcv, bcv.journals(), **{"$select": "displayName,code"})
    assert body["@odata.context"] == (
        f"{bcv.root}/$metadata#companies({USA})/customerPaymentJournals(code,displayName)"
    )
    assert [list(j) for j in body["value"]] == [["@odata.etag", "code", "displayName"]] * 2
    full = get_json(bcv, bcv.journals())["value"]
    assert [j["@odata.etag"] for j in body["value"]] == [j["@odata.etag"] for j in full]


def test_select_on_one_record(bc):
    body = get_json(bc, bc.journals(f"({GENERAL})"), **{"$select": "code"})
    assert body["@odata.context"].endswith(f"companies({USA})/customerPaymentJournals(code)/$entity")
    assert list(body) == ["@odata.context", "@odata.etag", "code"]


def test_select_an_unknown_property(bcv):
    response = bcv.get(bcv.journals(), params={"$select": "code,colour"})
    assert error_of(response) == (
        400,
        "BadRequest",
        "Could not find a property named 'colour' on type 'Microsoft.NAV.customerPaymentJournal'.",
    )


def test_select_star_is_everything(bc):
    assert get_json(bc, bc.journals(), **{"$select": "*"}) == get_json(bc, bc.journals())


# --- $expand -----------------------------------------------------------------


def test_expand_payments_with_nested_options(bc):
    nested = (
        "customerPayments($filter=amount lt -500;$select=lineNumber,amount;$orderby=lineNumber desc;$top=2)"
    )
    body = get_json(bc, bc.journals(), **{"$expand": nested, "$select": "code"})
    assert body["@odata.context"].endswith(
        "customerPaymentJournals(code,customerPayments(lineNumber,amount))"
    )
    by_code = {j["code"]: j["customerPayments"] for j in body["value"]}
    assert [(p["lineNumber"], p["amount"]) for p in by_code["GENERAL"]] == [(20000, -1000), (10000, -4000)]
    assert [(p["lineNumber"], p["amount"]) for p in by_code["BANK"]] == [(30000, -1234.56), (20000, -7500)]
    assert all(list(p) == ["@odata.etag", "lineNumber", "amount"] for p in by_code["BANK"])


def test_expand_with_count_and_skip(bc):
    body = get_json(bc, bc.journals(f"({BANK})"), **{"$expand": "customerPayments($count=true;$skip=1)"})
    assert body["customerPayments@odata.count"] == 3
    assert [p["lineNumber"] for p in body["customerPayments"]] == [20000, 30000]


def test_expand_a_single_reference_and_a_missing_one(bcv):
    body = get_json(bcv, bcv.journals(), **{"$expand": "account"})
    accounts = {j["code"]: j["account"] for j in body["value"]}
    assert accounts["GENERAL"] is None  # no balancing account
    assert accounts["BANK"]["id"] == account(10100) and accounts["BANK"]["number"] == "10100"
    assert "@odata.etag" in accounts["BANK"]


def test_expand_several_levels(bc):
    body = get_json(
        bc, bc.company(), **{"$expand": "customerPaymentJournals($expand=customerPayments($expand=customer))"}
    )
    journals = {j["code"]: j for j in body["customerPaymentJournals"]}
    first = journals["GENERAL"]["customerPayments"][0]
    assert first["customer"]["number"] == "10000"
    assert first["customer"]["displayName"] == "Adatum Corporation"


def test_expand_v2_payment_back_to_its_journal(bc):
    body = get_json(
        bc,
        bc.company("customerPayments"),
        **{"$filter": f"journalId eq {BANK}", "$expand": "customerPaymentJournal($select=code)", "$top": "1"},
    )
    assert body["value"][0]["customerPaymentJournal"] == {
        "@odata.etag": body["value"][0]["customerPaymentJournal"]["@odata.etag"],
        "code": "BANK",
    }


def test_expand_an_unknown_navigation(bcv):
    response = bcv.get(bcv.journals(), params={"$expand": "lines"})
    assert error_of(response) == (
        400,
        "BadRequest",
        "Could not find a property named 'lines' on type 'Microsoft.NAV.customerPaymentJournal'.",
    )


def test_v1_payments_have_no_journal_navigation(bc1):
    response = bc1.get(bc1.payments(GENERAL), params={"$expand": "customerPaymentJournal"})
    assert error_of(response)[:2] == (400, "BadRequest")


def test_a_bad_nested_filter_is_refused(bc):
    response = bc.get(bc.journals(), params={"$expand": "customerPayments($filter=colour eq 1)"})
    assert error_of(response)[2] == (
        "Could not find a property named 'colour' on type 'Microsoft.NAV.customerPayment'."
    )


# --- $orderby, $top, $skip, $count -------------------------------------------


def test_orderby_several_keys_ascending_and_descending(bc):
    body = get_json(
        bc,
        bc.company("customerPayments"),
        **{"$filter": f"journalId eq {BANK}", "$orderby": "postingDate desc,amount asc"},
    )
    assert [(p["postingDate"], p["amount"]) for p in body["value"]] == [
        ("2026-02-05", -7500),
        ("2026-02-05", -1234.56),
        ("2026-02-04", -980),
    ]


def test_orderby_an_unknown_property(bc):
    response = bc.get(bc.journals(), params={"$orderby": "colour desc"})
    assert error_of(response)[2] == (
        "Could not find a property named 'colour' on type 'Microsoft.NAV.customerPaymentJournal'."
    )


def test_top_skip_and_count(bcv):
    body = get_json(
        bcv,
        bcv.company("accounts"),
        **{"$orderby": "number desc", "$top": "2", "$skip": "1", "$count": "true"},
    )
    every = get_json(bcv, bcv.company("accounts"))["value"]
    assert body["@odata.count"] == len(every)
    assert list(body)[:3] == ["@odata.context", "@odata.count", "value"]
    assert [a["number"] for a in body["value"]] == sorted((a["number"] for a in every), reverse=True)[1:3]
    assert "@odata.nextLink" not in body


@pytest.mark.parametrize(("name", "value"), [("$top", "-1"), ("$skip", "x"), ("$top", "")])
def test_top_and_skip_must_be_non_negative_integers(bc, name, value):
    response = bc.get(bc.journals(), params={name: value})
    assert error_of(response) == (
        400,
        "BadRequest",
        (
            f"Invalid value '{value}' for {name} query option found. "
            f"The {name} query option requires a non-negative integer value."
        ),
    )


def test_count_must_be_true_or_false(bc):
    assert error_of(bc.get(bc.journals(), params={"$count": "yes"})) == (
        400,
        "BadRequest",
        "'yes' is not a valid count option.",
    )


def test_unknown_system_query_options_are_refused_others_ignored(bc):
    assert error_of(bc.get(bc.journals(), params={"$search": "x"}))[:2] == (400, "BadRequest")
    assert bc.get(bc.journals(), params={"aid": "FIN", "$schemaversion": "2.1"}).status_code == 200


# --- /$count -----------------------------------------------------------------


def test_count_segment_is_a_plain_number(bcv):
    response = bcv.get(bcv.payments(BANK, "/$count"))
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.text == "3"
    filtered = bcv.get(bcv.payments(BANK, "/$count"), params={"$filter": "amount lt -1000"})
    assert filtered.text == "2"
    assert bcv.get(bcv.company("accounts/$count")).text == str(
        len(get_json(bcv, bcv.company("accounts"))["value"])
    )


def test_count_segment_on_one_record_is_not_found(bc):
    assert bc.get(bc.journals(f"({GENERAL})/$count")).status_code == 404


# --- ?company= ---------------------------------------------------------------


def test_company_parameter_instead_of_the_segment(bcv):
    via_parameter = get_json(bcv, "customerPaymentJournals", company=USA)
    via_segment = get_json(bcv, bcv.journals())
    assert via_parameter["value"] == via_segment["value"]
    uk = get_json(bcv, "accounts", company=UK, **{"$top": "1"})
    assert uk["value"][0]["id"].startswith("acc00002")


def test_company_parameter_by_name_and_for_writes(bc):
    created = bc.post("customerPaymentJournals?company=CRONUS USA, Inc.", {"code": "VIAPARAM"})
    assert created.status_code == 201, created.text
    assert [j["code"] for j in get_json(bc, bc.journals())["value"]] == ["BANK", "GENERAL", "VIAPARAM"]
    journal = created.json()["id"]
    nested = bc.get(f"customerPaymentJournals({journal})/customerPayments", params={"company": USA})
    assert nested.status_code == 200 and nested.json()["value"] == []


def test_company_parameter_naming_no_company(bc):
    response = bc.get("customerPaymentJournals", params={"company": "c0a00009-0000-4000-8000-000000000009"})
    assert error_of(response)[:2] == (404, "Internal_CompanyNotFound")
    assert error_of(bc.get("customerPaymentJournals"))[0] == 404


def test_expand_star_expands_every_navigation(bc):
    journal = get_json(bc, bc.journals(f"({BANK})"), **{"$expand": "*"})
    assert [p["lineNumber"] for p in journal["customerPayments"]] == [10000, 20000, 30000]
    assert journal["account"]["number"] == "10100"


@pytest.mark.parametrize("text", ["customerPayments(", "customerPayments($top)", "account($top=1)"])
def test_malformed_expand_is_refused(bc, text):
    assert error_of(bc.get(bc.journals(), params={"$expand": text}))[:2] == (400, "BadRequest")
