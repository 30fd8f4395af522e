"""The requests view in a real browser: live, filtered, paged, a request's detail, reset."""

from __future__ import annotations

import json
import subprocess

import requests

from tests.helpers import GENERAL, USA

PAYMENTS = f"companies({USA})/customerPaymentJournals({GENERAL})/customerPayments"


def test_a_request_made_by_the_test_shows_up_live(page):
    page.open()
    assert page.rows() == []
    assert "No request yet" in page.text("#requests-empty")
    requests.get(f"{page.api}/companies", timeout=10)
    (row,) = page.wait_rows(lambda rows: len(rows) == 1, "the GET of companies")
    assert row["method"] == "GET" and row["path"] == "companies" and row["status"] == "200"
    requests.get(f"{page.company}/customers", timeout=10)
    rows = page.wait_rows(lambda rows: len(rows) == 2, "the second request")
    assert rows[0]["path"] == "companies(c0a00001…)/customers"  # newest first
    assert page.text("#requests-count") == "2"
    assert page.find("#live").text == "Live"


def test_filters_narrow_the_list(page):
    requests.get(f"{page.company}/customers", timeout=10)
    requests.post(f"{page.api}/{PAYMENTS}", json={"customerNumber": "10000", "amount": -5}, timeout=10)
    requests.get(f"{page.company}/nothing", timeout=10)  # 404
    requests.get(f"{page.url}/v2.0/other-tenant/sandbox/api/v2.0/companies", timeout=10)
    page.open()
    page.wait_rows(lambda rows: len(rows) == 4)

    page.choose("#request-filters select[name=method]", "POST")
    (row,) = page.wait_rows(lambda rows: len(rows) == 1, "only the POST")
    assert row["method"] == "POST" and row["status"] == "201"
    assert "method=POST" in page.find("#download-har").get_attribute("href")

    page.choose("#request-filters select[name=method]", "")
    page.choose("#request-filters select[name=status]", "4xx")
    (row,) = page.wait_rows(lambda rows: len(rows) == 1, "only the 404")
    assert row["status"] == "404"

    page.click("#clear-filters")
    page.wait_rows(lambda rows: len(rows) == 4, "all four again")
    page.type("#request-filters input[name=path]", "*/customer*")
    rows = page.wait_rows(lambda rows: len(rows) == 2, "the customers and the payment")
    assert {row["method"] for row in rows} == {"GET", "POST"}

    page.click("#clear-filters")
    page.type("#request-filters input[name=tenant]", "other-tenant")
    (row,) = page.wait_rows(lambda rows: len(rows) == 1, "the other tenant's request")
    assert row["path"] == "companies"
    assert page.js("return document.querySelector('#requests-body td.tenant').textContent") == (
        "other-tenant · sandbox"
    )
    page.type("#request-filters input[name=tenant]", "nobody")
    page.wait_rows(lambda rows: rows == [], "no match")
    assert page.text("#requests-empty") == "No request matches these filters."


def test_a_row_opens_the_request_and_the_answer(page):
    page.open()
    body = {"customerNumber": "10000", "amount": -250.5, "description": "Invoice 103001, first part"}
    sent = requests.post(
        f"{page.api}/{PAYMENTS}?tag=a",
        json=body,
        headers={"Authorization": "Bearer secret-token", "X-Trace": "trace-1"},
        timeout=10,
    )
    assert sent.status_code == 201
    page.wait_rows(lambda rows: len(rows) == 1)
    page.click("#requests-body tr")
    page.wait(lambda: page.find("#detail-content").is_displayed(), what="the detail")
    detail = page.find("#detail-content").text
    assert "POST" in detail and "201" in detail and "Created" in detail
    assert f"{page.api}/{PAYMENTS}?tag=a" in detail
    sent_headers = page.headers("request")
    assert sent_headers["Authorization"] == "Bearer [redacted]" and "secret-token" not in detail
    assert sent_headers["X-Trace"] == "trace-1"
    # the bodies, pretty-printed
    request_body = page.text("#detail-content .part.request pre")
    assert json.loads(request_body) == body
    assert '\n  "amount": -250.5,\n' in request_body
    response_body = page.text("#detail-content .part.response pre")
    assert json.loads(response_body)["id"] == sent.json()["id"]
    answered = page.headers("response")
    assert answered["Location"] == sent.headers["Location"]
    assert answered["request-id"] == sent.headers["request-id"]
    assert answered["Content-Type"] == sent.headers["Content-Type"]
    assert "selected" in page.find("#requests-body tr").get_attribute("class").split()


def test_copy_as_curl_sends_the_same_request_again(page):
    page.open()
    body = {"customerNumber": "20000", "amount": -12.34, "description": 'it\'s "quoted" & $HOME'}
    requests.post(f"{page.api}/{PAYMENTS}", json=body, timeout=10)
    page.wait_rows(lambda rows: len(rows) == 1)
    page.click("#requests-body tr")
    page.wait(lambda: page.find("#copy-curl").is_displayed())
    page.click("#copy-curl")
    page.wait(lambda: page.find("#copy-curl").text != "Copy as curl", what="the copy to be confirmed")
    command = page.text("#detail-content pre.curl")
    assert command.startswith(f"curl -X POST '{page.api}/{PAYMENTS}'")
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    replayed = json.loads(done.stdout)
    assert replayed["description"] == body["description"] and replayed["amount"] == -12.34
    assert replayed["lineNumber"] == 50000  # a second payment: the same body, sent again


def test_an_operation_of_a_batch_leads_to_its_batch_and_back(page):
    batch = {
        "requests": [
            {"id": "1", "method": "GET", "url": f"companies({USA})/customers"},
            {"id": "2", "method": "GET", "url": f"companies({USA})/nothing"},
        ]
    }
    requests.post(f"{page.api}/$batch", json=batch, timeout=10)
    page.open()
    rows = page.wait_rows(lambda rows: len(rows) == 3)
    batch_row, operation = rows[2], rows[1]
    assert batch_row["path"] == "$batch"
    page.click(f"#requests-body tr[data-id='{operation['id']}']")
    page.wait(lambda: "Batch" in page.find("#detail-content .meta").text, what="the batch link")
    page.find("#detail-content .meta dd a").click()  # to the $batch request
    page.wait(lambda: "Operations" in page.find("#detail-content .meta").text, what="the batch")
    operations = page.find("#detail-content .operations").text
    assert "GET companies(c0a00001…)/customers → 200" in operations
    assert "GET companies(c0a00001…)/nothing → 404" in operations
    selected = page.find(f"#requests-body tr[data-id='{batch_row['id']}']").get_attribute("class")
    assert "selected" in selected.split()


def test_only_a_page_of_a_long_journal_is_drawn_and_older_pages_follow(page):
    session = requests.Session()
    for number in range(250):
        session.get(f"{page.api}/companies?n={number}", timeout=10)
    page.open()
    rows = page.wait_rows(lambda rows: len(rows) == 100)
    last = rows[0]["id"]  # ids go on across resets: the 250th request's
    assert [row["id"] for row in rows] == list(range(last, last - 100, -1))
    assert "newest 100" in page.text("#requests-summary")
    assert page.js("return document.querySelectorAll('#requests-body tr').length") == 100
    page.click("#requests-older")
    rows = page.wait_rows(lambda rows: rows and rows[0]["id"] == last - 100, "the second page")
    assert [row["id"] for row in rows] == list(range(last - 100, last - 200, -1))
    assert page.find("#live").text == "Paused"
    session.get(f"{page.api}/companies?n=new", timeout=10)  # an older page does not move
    page.click("#requests-older")
    rows = page.wait_rows(lambda rows: rows and rows[0]["id"] == last - 200, "the last page")
    assert len(rows) == 50 and page.find("#requests-older").get_attribute("disabled") is not None
    page.click("#requests-newest")
    rows = page.wait_rows(lambda rows: rows and rows[0]["id"] == last + 1, "live again")
    assert len(rows) == 100 and page.find("#live").text == "Live"


def test_reset_asks_first(page):
    requests.post(f"{page.company}/customerPaymentJournals", json={"code": "KEEP"}, timeout=10)
    page.open()
    page.wait_rows(lambda rows: len(rows) == 1)
    page.click("#reset")
    page.wait(lambda: page.js("return document.getElementById('confirm').open"), what="the confirmation")
    assert "Every tenant's data goes back to the seed" in page.find("#confirm").text
    page.screenshot("reset-confirmation")
    page.click("#confirm-cancel")
    page.wait(lambda: not page.js("return document.getElementById('confirm').open"))
    journals = requests.get(f"{page.company}/customerPaymentJournals", timeout=10).json()["value"]
    assert "KEEP" in [journal["code"] for journal in journals]  # nothing was reset

    page.click("#reset")
    page.wait(lambda: page.js("return document.getElementById('confirm').open"))
    page.click("#confirm-ok")
    page.wait(lambda: requests.get(f"{page.url}/_mock/health", timeout=10).json()["journal"]["entries"] == 0)
    journals = requests.get(f"{page.company}/customerPaymentJournals", timeout=10).json()["value"]
    assert "KEEP" not in [journal["code"] for journal in journals]
    page.wait_rows(lambda rows: len(rows) == 1, "only the GET made after the reset")
