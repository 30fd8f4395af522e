"""The README's picture of the dashboard: a sync job's requests, one throttled by a fault rule and
retried, one refused by BC's rules, and the throttled one opened.

The screenshot goes to the test's tmp_path; with BC_DASHBOARD_SCREENSHOT=docs/dashboard.png it
is also written there (how the README's picture is taken again).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import requests

from tests.helpers import BANK

ROOT = Path(__file__).parent.parent.parent


def test_the_readme_screenshot(page):
    session = requests.Session()
    api = page.company
    lines = f"{api}/customerPaymentJournals({BANK})/customerPayments"
    requests.post(
        f"{page.url}/_mock/faults",
        json={"method": "POST", "path": "*/customerPayments", "preset": "throttled", "times": 1},
        timeout=10,
    ).raise_for_status()
    session.get(f"{page.api}/companies", timeout=10)
    session.get(f"{api}/customerPaymentJournals", params={"$filter": "code eq 'BANK'"}, timeout=10)
    session.get(
        f"{api}/salesInvoices", params={"$filter": "status eq 'Open'", "$select": "number"}, timeout=10
    )
    payment = {
        "customerNumber": "10000",
        "appliesToInvoiceNumber": "103001",
        "amount": -4000,
        "postingDate": "2026-02-10",
        "description": "Wire transfer, ref. ACH-88124",
    }
    headers = {"Authorization": "Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.sync"}
    assert session.post(lines, json=payment, headers=headers, timeout=10).status_code == 429
    assert session.post(lines, json=payment, headers=headers, timeout=10).status_code == 201
    refused = session.post(f"{api}/customerPaymentJournals", json={"code": "RECEIPTS-2026-FEB"}, timeout=10)
    assert refused.status_code == 400
    listed = session.get(lines, params={"$orderby": "lineNumber desc", "$top": "5"}, timeout=10).json()
    newest = listed["value"][0]
    session.patch(
        f"{lines}({newest['id']})",
        json={"description": "Wire transfer, ref. ACH-88124 (part 1 of 2)"},
        headers={"If-Match": newest["@odata.etag"], **headers},
        timeout=10,
    )
    batch = {
        "requests": [
            {
                "id": "1",
                "method": "GET",
                "url": f"companies({page.company.rsplit('(', 1)[1]}/customers?$top=2",
            },
            {"id": "2", "method": "GET", "url": f"{lines.split('/api/v2.0/', 1)[1]}/$count"},
        ]
    }
    session.post(f"{page.api}/$batch", json=batch, timeout=10)
    session.delete(f"{lines}({newest['id']})", headers=headers, timeout=10)

    page.driver.set_window_size(1440, 1040)  # a page of 1440 x 900 inside the window
    page.open()
    rows = page.wait_rows(lambda rows: len(rows) == 12)
    throttled = next(row for row in rows if row["status"] == "429")
    page.click(f"#requests-body tr[data-id='{throttled['id']}']")
    page.wait(lambda: "Fault" in page.find("#detail-content .meta").text, what="the throttled request")
    page.js("document.activeElement.blur()")
    shot = page.screenshot("dashboard")
    page.driver.set_window_size(1440, 900)
    target = os.environ.get("BC_DASHBOARD_SCREENSHOT")
    if target:
        shutil.copyfile(shot, ROOT / target)
