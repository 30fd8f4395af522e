"""GET /_mock/data...: what the store holds, read as the API reads it, without making anything."""

from __future__ import annotations

import pytest
import requests

from bc_mock.control.data import DATA_SETS
from bc_mock.entities import COMPANY_SETS
from tests.helpers import BANK, GENERAL, UK, USA, error_of


@pytest.fixture(scope="module")
def own_server(start_bc_mock_for_module):
    """A server of this module's own: these tests list every tenant in use."""
    return start_bc_mock_for_module().url


@pytest.fixture(autouse=True)
def _reset(own_server):
    requests.post(f"{own_server}/_mock/reset").raise_for_status()


def test_the_tenants_in_use_are_listed_and_reading_makes_none(own_server):
    assert requests.get(f"{own_server}/_mock/data").json() == {"value": []}
    overview = requests.get(f"{own_server}/_mock/data/someone/production").json()
    assert overview["inUse"] is False and len(overview["companies"]) == 2  # the seed
    records = requests.get(f"{own_server}/_mock/data/someone/production/companies({USA})/accounts")
    assert records.status_code == 200 and records.json()["inUse"] is False
    assert requests.get(f"{own_server}/_mock/data").json() == {"value": []}  # still none
    requests.get(f"{own_server}/v2.0/Zeta/Sandbox/api/v2.0/companies")
    requests.get(f"{own_server}/api/v2.0/companies")
    assert requests.get(f"{own_server}/_mock/data").json() == {
        "value": [
            {"tenant": "default", "environment": "production"},
            {"tenant": "zeta", "environment": "sandbox"},  # names are case-insensitive
        ]
    }
    assert requests.get(f"{own_server}/_mock/data/ZETA/sandbox").json()["inUse"] is True


def test_each_set_is_counted_as_the_api_lists_it(own_server):
    api = f"{own_server}/api/v2.0"
    requests.post(f"{api}/companies({USA})/customerPaymentJournals", json={"code": "NEW"})
    overview = requests.get(f"{own_server}/_mock/data/default/production").json()
    assert [company["id"] for company in overview["companies"]] == [UK, USA]  # the API's order
    usa = next(company for company in overview["companies"] if company["id"] == USA)
    assert usa["name"] == "CRONUS USA, Inc."
    counts = {entry["name"]: entry["count"] for entry in usa["sets"]}
    # every set a v2.0 client reads; not the fixture-only posting groups (BC's API has none)
    assert list(counts) == [name for name in COMPANY_SETS if "PostingGroups" not in name]
    assert list(counts) == list(DATA_SETS)
    for name in DATA_SETS:
        if name == "customerPayments":  # BC lists them only with a journal filter: summed
            listed = sum(
                len(
                    requests.get(
                        f"{api}/companies({USA})/customerPaymentJournals({j})/customerPayments"
                    ).json()["value"]
                )
                for j in (GENERAL, BANK)
            )
        elif name == "salesInvoiceLines":  # BC lists them only by invoice: summed
            invoices = requests.get(f"{api}/companies({USA})/salesInvoices").json()["value"]
            listed = sum(
                len(
                    requests.get(f"{api}/companies({USA})/salesInvoices({i['id']})/salesInvoiceLines").json()[
                        "value"
                    ]
                )
                for i in invoices
            )
        elif name == "journalLines":  # listed only with a journal filter, as customerPayments
            journals = requests.get(f"{api}/companies({USA})/journals").json()["value"]
            listed = sum(
                int(requests.get(f"{api}/companies({USA})/journals({j['id']})/journalLines/$count").text)
                for j in journals
            )
        elif name == "dimensionSetLines":  # served under their parents only; the seed has none
            listed = 0
        else:
            listed = int(requests.get(f"{api}/companies({USA})/{name}/$count").text)
        assert counts[name] == listed, name
    assert counts["customerPaymentJournals"] == 3


@pytest.mark.parametrize(
    "set_name, options",
    [
        ("accounts", {"$top": "5", "$skip": "3"}),
        ("customers", {"$orderby": "displayName desc", "$select": "number,displayName"}),
        ("salesInvoices", {"$filter": "remainingAmount gt 0", "$expand": "customer"}),
        ("customerPaymentJournals", {}),
    ],
)
def test_records_are_what_the_api_answers(own_server, set_name, options):
    api = requests.get(f"{own_server}/api/v2.0/companies({USA})/{set_name}", params=options).json()
    page = requests.get(
        f"{own_server}/_mock/data/default/production/companies({USA})/{set_name}", params=options
    ).json()
    assert page["value"] == api["value"]
    assert page["set"] == set_name and page["company"] == USA
    assert page["skip"] == int(options.get("$skip", 0)) and page["top"] == int(options.get("$top", 50))


def test_payments_are_listed_whole_and_paged(own_server):
    api = f"{own_server}/api/v2.0/companies({USA})"
    for amount in range(1, 8):
        requests.post(f"{api}/customerPaymentJournals({BANK})/customerPayments", json={"amount": -amount})
    url = f"{own_server}/_mock/data/default/production/companies({USA})/customerPayments"
    first = requests.get(url, params={"$top": "5"}).json()
    rest = requests.get(url, params={"$top": "5", "$skip": "5"}).json()
    assert first["count"] == rest["count"] == 13 and len(first["value"]) == 5 and len(rest["value"]) == 5
    listed = [p["id"] for p in first["value"] + rest["value"]]
    by_journal = [
        p["id"]
        for journal in (GENERAL, BANK)
        for p in requests.get(f"{api}/customerPaymentJournals({journal})/customerPayments").json()["value"]
    ]
    assert len(set(listed)) == 10 and set(listed) <= set(by_journal)
    exact = requests.get(url, params={"$filter": "amount eq -7"}).json()
    assert exact["count"] == 1 and exact["value"][0]["amount"] == -7


def test_a_page_holds_at_most_a_thousand_records(own_server):
    page = requests.get(
        f"{own_server}/_mock/data/default/production/companies({USA})/accounts", params={"$top": "5000"}
    ).json()
    assert page["top"] == 1000 and len(page["value"]) == page["count"]


@pytest.mark.parametrize(
    "path, status, code",
    [
        (f"default/production/companies({USA})/nothing", 404, "BadRequest_NotFound"),
        (f"default/production/companies({USA})/companies", 404, "BadRequest_NotFound"),
        (f"default/production/companies({USA})/customerPostingGroups", 404, "BadRequest_NotFound"),
        (
            "default/production/companies(c0a00009-0000-4000-8000-000000000009)/accounts",
            404,
            "Internal_CompanyNotFound",
        ),
        ("default/production/companies(not-a-guid)/accounts", 404, "Internal_CompanyNotFound"),
        (f"under_score/production/companies({USA})/accounts", 400, "BadRequest"),
        ("default/much-too-long-an-environment-name-for-bc", 400, "BadRequest"),
    ],
)
def test_what_is_not_there_is_bcs_error(own_server, path, status, code):
    assert error_of(requests.get(f"{own_server}/_mock/data/{path}"))[:2] == (status, code)


def test_a_bad_query_option_is_the_apis_400(own_server):
    response = requests.get(
        f"{own_server}/_mock/data/default/production/companies({USA})/accounts",
        params={"$filter": "bogus eq 1"},
    )
    assert error_of(response)[:2] == (400, "BadRequest")


def test_the_data_is_guarded_as_the_rest_of_mock(own_server):
    url = f"{own_server}/_mock/data"
    assert requests.get(url, headers={"Origin": "http://evil.example"}).status_code == 403
    assert requests.get(url, headers={"Host": "evil.example"}).status_code == 403
    assert requests.get(url, headers={"Origin": own_server}).status_code == 200  # the dashboard's own


def test_it_needs_no_token_where_the_api_does(start_bc_mock):
    url = start_bc_mock("--require-auth").url
    assert requests.get(f"{url}/api/v2.0/companies").status_code == 401
    assert requests.get(f"{url}/_mock/data").status_code == 200
    records = requests.get(f"{url}/_mock/data/default/production/companies({USA})/customers")
    assert records.status_code == 200 and len(records.json()["value"]) == 5
