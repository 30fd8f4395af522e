"""The dashboard of a server that checks tokens (--auth entra): it needs none, like /_mock."""

from __future__ import annotations

import pytest
import requests


@pytest.fixture(scope="module")
def mock_url(start_bc_mock_for_module) -> str:
    """A server with BC's token check: the API refuses what has no token; /_mock/ stays open."""
    return start_bc_mock_for_module("--auth", "entra").url


def test_the_dashboard_works_without_a_token_while_the_api_refuses_one(page):
    refused = requests.get(f"{page.company}/customers", timeout=10)
    assert refused.status_code == 401  # the API checks tokens on this server

    page.open()
    rows = page.wait_rows(lambda rows: any(row["status"] == "401" for row in rows), what="the 401")
    assert [(row["method"], row["status"]) for row in rows] == [("GET", "401")]
    assert rows[0]["path"].endswith("/customers")

    page.open("data")
    shown = "return [...document.querySelectorAll('#companies h4')].map(h => h.textContent)"
    page.wait(lambda: len(page.js(shown)) == 2, what="the companies")
    companies = page.js(shown)
    assert companies == ["CRONUS UK Ltd.", "CRONUS USA, Inc."]  # read by /_mock/data, with no token

    page.open("faults")
    page.wait(lambda: page.find("#view-faults").is_displayed(), what="the faults view")
