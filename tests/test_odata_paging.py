"""Server-driven paging: page size, Prefer: odata.maxpagesize, nextLinks and their $skiptoken."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.helpers import GENERAL, USA, BcClient, error_of, start_server, stop_server

PREFER_2 = {"Prefer": "odata.maxpagesize=2"}


def follow(
    client: BcClient,
    path: str,
    params: dict | None = None,
    headers: dict | None = None,
    every_page_headers: bool = True,
    between_pages=None,
) -> tuple[list[dict], list[requests.Response]]:
    """All records of a list, following @odata.nextLink; (records, responses)."""
    responses = [client.get(path, params=params, headers=headers)]
    while True:
        body = responses[-1].json()
        assert responses[-1].status_code == 200, body
        if "@odata.nextLink" not in body:
            break
        if between_pages:
            between_pages(len(responses))
        responses.append(client.get(body["@odata.nextLink"], headers=headers if every_page_headers else None))
    return [record for response in responses for record in response.json()["value"]], responses


@pytest.fixture(scope="module")
def small_pages_url():
    process, url = start_server("--page-size", "2")
    yield url
    stop_server(process)


@pytest.fixture
def small(small_pages_url) -> BcClient:
    return BcClient(small_pages_url, f"t-{uuid.uuid4().hex[:12]}", "v2.0")


def test_prefer_maxpagesize_pages_a_list_and_is_applied(bc):
    everything = bc.get(bc.company("accounts")).json()["value"]
    records, responses = follow(bc, bc.company("accounts"), headers=PREFER_2)
    assert [r["id"] for r in records] == [r["id"] for r in everything]
    assert [len(r.json()["value"]) for r in responses] == [2] * 6 + [1]
    assert all(r.headers["Preference-Applied"] == "odata.maxpagesize=2" for r in responses)


@pytest.mark.parametrize("resend", [True, False])
def test_next_links_are_absolute_and_carry_the_other_options(bc, resend):
    params = {
        "$filter": "directPosting eq true",
        "$select": "number,displayName",
        "$orderby": "number desc",
        "$count": "true",
    }
    records, responses = follow(bc, bc.company("accounts"), params, PREFER_2, every_page_headers=resend)
    first_link = responses[0].json()["@odata.nextLink"]
    assert first_link.startswith(f"{bc.root}/companies({USA})/accounts?")
    query = parse_qs(urlsplit(first_link).query)
    assert query["$filter"] == ["directPosting eq true"]
    assert query["$select"] == ["number,displayName"] and query["$orderby"] == ["number desc"]
    assert "$skiptoken" in query
    expected = bc.get(bc.company("accounts"), params=params).json()
    assert records == expected["value"]
    assert all(r.json()["@odata.count"] == expected["@odata.count"] for r in responses)
    if resend:
        assert len(responses) == 3
    else:  # without the preference, the rest comes in one page of the server's size
        assert len(responses) == 2


def test_top_beyond_a_page_continues_with_what_is_left(bc):
    records, responses = follow(bc, bc.company("accounts"), {"$top": "5", "$skip": "1"}, PREFER_2)
    everything = bc.get(bc.company("accounts")).json()["value"]
    assert [r["id"] for r in records] == [r["id"] for r in everything[1:6]]
    links = [r.json().get("@odata.nextLink") for r in responses]
    assert [parse_qs(urlsplit(link).query).get("$top") for link in links[:-1]] == [["3"], ["1"]]
    assert all("$skip" not in parse_qs(urlsplit(link).query) for link in links[:-1])


def test_every_record_once_while_records_are_added_and_deleted_between_pages(bc):
    ids = []
    for amount in range(1, 8):
        created = bc.post(bc.payments(GENERAL), {"customerNumber": "10000", "amount": -amount})
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    seed = [p["id"] for p in bc.get(bc.payments(GENERAL)).json()["value"][:3]]
    added = []

    def change(pages_seen: int) -> None:
        if pages_seen == 1:
            # delete one record already returned and one not yet returned
            assert bc.delete(bc.payments(GENERAL, f"({seed[0]})")).status_code == 204
            assert bc.delete(bc.payments(GENERAL, f"({ids[4]})")).status_code == 204
        if pages_seen == 2:
            created = bc.post(bc.payments(GENERAL), {"customerNumber": "20000", "amount": -99})
            added.append(created.json()["id"])

    records, _responses = follow(
        bc, bc.payments(GENERAL), headers={"Prefer": "odata.maxpagesize=3"}, between_pages=change
    )
    returned = [r["id"] for r in records]
    assert len(returned) == len(set(returned)), "a record came twice"
    kept = [*seed, *ids]
    kept.remove(ids[4])
    assert returned == [*kept, *added]


def test_the_servers_page_size_is_the_default_and_the_maximum(small):
    _records, responses = follow(small, small.journals(), headers=None)
    assert [len(r.json()["value"]) for r in responses] == [2]
    everything, pages = follow(small, small.company("accounts"))
    assert len(everything) == 13 and {len(p.json()["value"]) for p in pages[:-1]} == {2}
    asked_more = small.get(small.company("accounts"), headers={"Prefer": "odata.maxpagesize=5"})
    assert len(asked_more.json()["value"]) == 2
    assert asked_more.headers["Preference-Applied"] == "odata.maxpagesize=2"


def test_page_size_from_the_environment():
    process, url = start_server(env={"BC_MOCK_PAGE_SIZE": "4"})
    try:
        client = BcClient(url, "paging-env", "v2.0")
        assert len(client.get(client.company("accounts")).json()["value"]) == 4
    finally:
        stop_server(process)


def test_a_garbled_skiptoken_is_refused(bc):
    for token in ("not-a-token", "W10"):
        response = bc.get(bc.company("accounts"), params={"$skiptoken": token})
        assert error_of(response) == (400, "BadRequest", f"The skip token value '{token}' is not valid.")
