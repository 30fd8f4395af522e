"""The data view in a real browser: tenants in use, each company's sets and counts, paged records."""

from __future__ import annotations

import requests

from tests.helpers import BANK, USA

DASH = "\N{EN DASH}"  # of a range: 1-50
LINES = 120  # the seed's USA company has 6 payments: 126 in all, three pages of 50


def records_shown(page) -> list[dict]:
    return page.js(
        """const table = document.getElementById('records-table');
        const names = [...table.tHead.querySelectorAll('th')].map(th => th.textContent);
        return [...table.tBodies[0].rows].map(tr =>
            Object.fromEntries(names.map((name, i) => [name, tr.cells[i].textContent])))"""
    )


def test_the_data_view_pages_through_a_large_journal(page):
    tenant = "big-journal"
    api = f"{page.url}/v2.0/{tenant}/production/api/v2.0"
    payments = f"companies({USA})/customerPaymentJournals({BANK})/customerPayments"
    for start in range(0, LINES, 60):
        batch = {
            "requests": [
                {
                    "id": str(n),
                    "method": "POST",
                    "url": payments,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"customerNumber": "10000", "amount": -(n + 1), "description": f"line {n + 1}"},
                }
                for n in range(start, start + 60)
            ]
        }
        answer = requests.post(f"{api}/$batch", json=batch, timeout=30)
        assert {r["status"] for r in answer.json()["responses"]} == {201}
    page.open("data")
    page.wait(lambda: "big-journal/production" in page.text("#namespace"), what="the tenant in the list")
    page.choose("#namespace", "big-journal/production")
    usa = f"#companies li[data-company='{USA}']"
    page.wait(lambda: page.find(f"{usa}[data-set=customerPayments] .n").text == "126", what="the count")
    assert page.find(f"{usa}[data-set=customerPaymentJournals] .n").text == "2"
    assert page.find(f"{usa}[data-set=accounts] .n").text == "13"

    page.click(f"{usa}[data-set=customerPayments]")
    page.wait(lambda: page.text("#records-range") == f"1{DASH}50 of 126", what="the first page")
    first = records_shown(page)
    assert len(first) == 50 and page.find("#records-prev").get_attribute("disabled") is not None
    # as the API renders them: its properties, in BC's order, its ETags
    api_first = requests.get(
        f"{api}/companies({USA})/customerPayments",
        params={"$filter": f"journalId eq {BANK}", "$top": "1"},
        timeout=10,
    ).json()["value"][0]
    columns = page.js("return [...document.querySelectorAll('#records-table th')].map(th => th.textContent)")
    assert columns == [name for name in api_first if name != "@odata.etag"] + ["@odata.etag"]
    shown = next(record for record in first if record["id"] == api_first["id"])
    assert shown["@odata.etag"] == api_first["@odata.etag"]
    assert shown["amount"] == str(api_first["amount"])

    page.click("#records-next")
    page.wait(lambda: page.text("#records-range") == f"51{DASH}100 of 126", what="the second page")
    second = records_shown(page)
    page.click("#records-next")
    page.wait(lambda: page.text("#records-range") == f"101{DASH}126 of 126", what="the last page")
    last = records_shown(page)
    assert len(second) == 50 and len(last) == 26
    assert page.find("#records-next").get_attribute("disabled") is not None
    ids = [record["id"] for record in first + second + last]
    assert len(set(ids)) == 126  # every payment once
    descriptions = {record["description"] for record in first + second + last}
    assert {f"line {n}" for n in range(1, LINES + 1)} <= descriptions
    page.click("#records-prev")
    page.wait(lambda: page.text("#records-range") == f"51{DASH}100 of 126", what="back a page")
    assert records_shown(page) == second


def test_before_any_request_the_data_view_shows_the_seed(page):
    page.open("data")
    page.wait(lambda: "the seed" in page.text("#namespace"), what="the seed")
    assert "No request has reached a tenant yet" in page.text("#namespace-note")
    assert requests.get(f"{page.url}/_mock/data", timeout=10).json() == {"value": []}  # looking made none
    companies = page.js("return [...document.querySelectorAll('#companies h4')].map(h => h.textContent)")
    assert companies == ["CRONUS UK Ltd.", "CRONUS USA, Inc."]
