"""$filter over HTTP: operators, functions, typed literals and BC's errors."""

from __future__ import annotations

import pytest

from tests.helpers import BANK, GENERAL, USA, customer, error_of, payment


def values(client, path: str, **params) -> list[dict]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()["value"]


def numbers(client, text: str) -> list[str]:
    return [a["number"] for a in values(client, client.company("accounts"), **{"$filter": text})]


def lines(client, text: str, journal: str = GENERAL) -> list[int]:
    return [p["lineNumber"] for p in values(client, client.payments(journal), **{"$filter": text})]


def test_comparison_operators_on_decimals_are_exact(bc):
    assert lines(bc, "amount eq -4000") == [10000]
    assert lines(bc, "amount ne -4000") == [20000, 30000]
    assert lines(bc, "amount lt -250") == [10000, 20000]
    assert lines(bc, "amount le -250") == [10000, 20000, 30000]
    assert lines(bc, "amount gt -1000") == [30000]
    assert lines(bc, "amount ge -1000.0") == [20000, 30000]
    assert lines(bc, "amount eq -1234.56", BANK) == [30000]
    assert lines(bc, "amount eq -1234.5600", BANK) == [30000]
    assert lines(bc, "amount eq -1234.561", BANK) == []


def test_and_or_not_and_parentheses(bc):
    assert lines(bc, "amount lt -500 and lineNumber gt 10000") == [20000]
    assert lines(bc, "amount eq -4000 or amount eq -250") == [10000, 30000]
    assert lines(bc, "not (amount eq -4000 or amount eq -250)") == [20000]
    assert lines(bc, "(lineNumber eq 10000 or lineNumber eq 30000) and amount lt -1000") == [10000]


def test_string_functions_and_case_conversion(bcv):
    assert numbers(bcv, "startswith(displayName,'Petty')") == ["10300"]
    assert numbers(bcv, "endswith(displayName,'account')") == ["10100", "10200"]
    assert numbers(bcv, "contains(displayName,'Bank')") == ["10500"]
    assert numbers(bcv, "tolower(displayName) eq 'petty cash'") == ["10300"]
    assert numbers(bcv, "toupper(displayName) eq 'RENT EXPENSE'") == ["60100"]
    assert numbers(bcv, "contains(tolower(displayName),'cash')") == ["10300"]


def test_in_with_one_or_several_values(bc):
    assert numbers(bc, "number in ('10100','10300','99999')") == ["10100", "10300"]
    assert numbers(bc, "number in ('10200')") == ["10200"]


def test_strings_with_doubled_quotes(bc):
    created = bc.post(bc.payments(GENERAL), {"customerNumber": "10000", "comment": "it's paid"})
    assert created.status_code == 201, created.text
    assert lines(bc, "comment eq 'it''s paid'") == [40000]


def test_code_values_are_compared_upper_cased_as_bc_stores_them(bc):
    codes = [j["code"] for j in values(bc, bc.journals(), **{"$filter": "code eq 'general'"})]
    assert codes == ["GENERAL"]


def test_booleans_and_null(bc):
    assert numbers(bc, "directPosting eq true and blocked eq false and number lt '10500'") == [
        "10100",
        "10200",
        "10300",
    ]
    assert numbers(bc, "displayName eq null") == []
    assert len(numbers(bc, "displayName ne null")) == 13


def test_dates_compare_as_dates(bcv):
    assert lines(bcv, "postingDate ge 2026-02-03") == [20000, 30000]
    assert lines(bcv, "postingDate lt 2026-02-03") == [10000]
    assert lines(bcv, "postingDate eq 2026-02-02") == [10000]


def test_datetimes_with_z_or_an_offset(bc):
    created = bc.post(bc.journals(), {"code": "NEW"}).json()
    stamp = created["lastModifiedDateTime"]
    for op in ("ge", "eq", "le"):
        found = values(bc, bc.journals(), **{"$filter": f"lastModifiedDateTime {op} {stamp}"})
        assert "NEW" in [j["code"] for j in found], op
    assert [
        j["code"] for j in values(bc, bc.journals(), **{"$filter": f"lastModifiedDateTime eq {stamp}"})
    ] == ["NEW"]
    # 2026-01-01T00:00:00+05:00 is 2025-12-31T19:00:00Z: everything is later
    everything = values(bc, bc.journals(), **{"$filter": "lastModifiedDateTime gt 2026-01-01T00:00:00+05:00"})
    assert len(everything) == 3
    assert values(bc, bc.journals(), **{"$filter": "lastModifiedDateTime gt 2999-01-01T00:00:00Z"}) == []


def test_bare_guids_compare_as_guids_whatever_their_case(bc):
    upper = customer(20000).upper()
    assert lines(bc, f"customerId eq {upper}") == [20000]
    found = values(bc, bc.company("customerPayments"), **{"$filter": f"journalId eq {BANK.upper()}"})
    assert [p["id"] for p in found] == [payment(2, 10000), payment(2, 20000), payment(2, 30000)]


def test_or_on_one_property_works(bc):
    assert numbers(bc, "number eq '10100' or number eq '60100'") == ["10100", "60100"]


@pytest.mark.parametrize(
    "text",
    [
        "number eq '10100' or displayName eq 'Rent Expense'",
        "(number eq '1' and blocked eq false) or number eq '2'",
    ],
)
def test_or_across_different_properties_is_refused_as_bc_does(bcv, text):
    response = bcv.get(bcv.company("accounts"), params={"$filter": text})
    assert error_of(response) == (
        400,
        "BadRequest",
        "The 'OR' operator is not supported on distinct fields on an OData filter.",
    )


def test_an_unknown_property_is_named_in_bcs_words(bcv):
    response = bcv.get(bcv.journals(), params={"$filter": "colour eq 'red'"})
    assert error_of(response) == (
        400,
        "BadRequest",
        "Could not find a property named 'colour' on type 'Microsoft.NAV.customerPaymentJournal'.",
    )


def test_journal_id_is_unknown_to_v1_payments(bc1):
    response = bc1.get(bc1.payments(GENERAL), params={"$filter": f"journalId eq {GENERAL}"})
    assert error_of(response)[2] == (
        "Could not find a property named 'journalId' on type 'Microsoft.NAV.customerPayment'."
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("amount gt 1 )", "Syntax error at position 11 in 'amount gt 1 )'."),
        ("amount ## 1", "Syntax error at position 7 in 'amount ## 1'."),
        ("amount gt", "Expression expected at position 9 in 'amount gt'."),
        ("amount lt 0 and", "Expression expected at position 15 in 'amount lt 0 and'."),
        ("(amount gt 1", "')' or operator expected at position 12 in '(amount gt 1'."),
        ("amount eq 'open", "Unterminated string literal at position 10 in 'amount eq 'open'."),
        ("", "Expression expected at position 0 in ''."),
    ],
)
def test_a_syntax_error_gets_its_position(bc, text, message):
    response = bc.get(bc.payments(GENERAL), params={"$filter": text})
    assert error_of(response) == (400, "BadRequest", message)


def test_whitespace_around_a_filter_is_fine(bc):
    assert lines(bc, "  amount eq -4000 ") == [10000]


def test_mismatched_types_are_refused(bc):
    response = bc.get(bc.payments(GENERAL), params={"$filter": "amount eq 'a lot'"})
    status, code, message = error_of(response)
    assert (status, code) == (400, "BadRequest")
    assert "incompatible types" in message and "'Edm.Decimal' and 'Edm.String'" in message


def test_a_filter_that_is_not_a_condition_is_refused(bc):
    response = bc.get(bc.payments(GENERAL), params={"$filter": "amount"})
    assert error_of(response)[:2] == (400, "BadRequest")


def test_unknown_functions_are_refused(bc):
    response = bc.get(bc.payments(GENERAL), params={"$filter": "frobnicate(comment)"})
    assert error_of(response)[:2] == (400, "BadRequest")
    assert "frobnicate" in error_of(response)[2]


def test_company_level_payments_still_need_the_journal_filter(bc):
    response = bc.get(bc.company("customerPayments"), params={"$filter": "amount lt 0"})
    assert error_of(response) == (
        400,
        "Application_DialogException",
        "You must specify a journal batch ID or a journal ID to get a journal line.",
    )
    combined = f"amount lt -500 and journalId eq {GENERAL}"
    found = values(bc, bc.company("customerPayments"), **{"$filter": combined})
    assert [p["lineNumber"] for p in found] == [10000, 20000]


def test_a_rejected_filter_changes_nothing_and_other_companies_are_separate(bc):
    uk = values(bc, bc.company("accounts", company="c0a00002-0000-4000-8000-000000000002"))
    usa = values(bc, bc.company("accounts", company=USA))
    assert {a["id"] for a in uk}.isdisjoint({a["id"] for a in usa})


@pytest.mark.parametrize(
    "text", ["amount add 1 eq 0", "customer/number eq '10000'", "dimensions/any(d:d/code eq 'X')"]
)
def test_what_bc_mock_does_not_evaluate_is_refused_not_ignored(bc, text):
    response = bc.get(bc.payments(GENERAL), params={"$filter": text})
    assert error_of(response)[:2] == (400, "BadRequest")


@pytest.mark.parametrize(
    "literal",
    ["2026-01-05T09:00:00Z", "2026-01-05T09:00Z", "2026-01-05T09:00:00.000Z", "2026-01-05T04:00:00-05:00"],
)
def test_one_instant_in_any_datetime_form(bc, literal):
    found = values(bc, bc.journals(), **{"$filter": f"lastModifiedDateTime eq {literal}"})
    assert [j["code"] for j in found] == ["BANK", "GENERAL"]  # the seed's time


def test_an_impossible_date_is_refused(bc):
    response = bc.get(bc.payments(GENERAL), params={"$filter": "postingDate eq 2026-02-30"})
    assert error_of(response) == (
        400,
        "BadRequest",
        "Cannot convert the literal '2026-02-30' to the expected type 'Edm.Date'.",
    )


def test_options_filter_by_member_name_in_v2_and_by_caption_in_v1(server_url, tenant):
    from tests.helpers import BcClient

    cases = (("v2.0", "Cost_x0020_of_x0020_Goods_x0020_Sold", ["50100"]), ("v1.0", "Equity", ["30100"]))
    for version, literal, expected in cases:
        client = BcClient(server_url, tenant, version)
        found = client.get(client.company("accounts"), params={"$filter": f"category eq '{literal}'"})
        assert found.status_code == 200, found.text
        assert [account["number"] for account in found.json()["value"]] == expected, version
    heading = BcClient(server_url, tenant, "v2.0").get(
        f"companies({USA})/accounts", params={"$filter": "accountType eq 'Heading' and category ne '_x0020_'"}
    )
    assert [account["number"] for account in heading.json()["value"]] == ["10000", "40000"]
