"""The faults view in a real browser: add a rule from the form or a preset, see it fire, remove it."""

from __future__ import annotations

import pytest
import requests


def rules_shown(page) -> list[dict]:
    return page.js(
        """return [...document.querySelectorAll('#faults-body tr')].map(tr => ({
            id: tr.dataset.rule, matches: tr.cells[1].textContent, does: tr.cells[2].textContent,
            when: tr.cells[3].textContent, hits: Number(tr.cells[4].textContent)}))"""
    )


def test_a_rule_added_from_the_form_fires_on_the_next_request(page):
    page.open("faults")
    page.wait(lambda: page.text("#faults-summary") == "No rules")
    page.choose("#fault-form select[name=method]", "GET")
    page.type("#fault-form input[name=path]", "*/customerPaymentJournals")
    page.choose("#fault-form select[name=preset]", "throttled")
    page.type("#fault-form input[name=times]", "1")
    page.click("#fault-form button[type=submit]")
    page.wait(lambda: len(rules_shown(page)) == 1, what="the new rule")
    (rule,) = rules_shown(page)
    assert rule["matches"] == "GET */customerPaymentJournals"
    assert rule["does"] == "throttled" and rule["when"] == "1 time" and rule["hits"] == 0
    assert page.find("#fault-form input[name=path]").get_attribute("value") == ""  # the form is clear again
    stored = requests.get(f"{page.url}/_mock/faults", timeout=10).json()["value"]
    assert [(r["id"], r["preset"], r["times"]) for r in stored] == [(rule["id"], "throttled", 1)]

    throttled = requests.get(f"{page.company}/customerPaymentJournals", timeout=10)
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "1"
    assert requests.get(f"{page.company}/customerPaymentJournals", timeout=10).status_code == 200
    page.wait(lambda: rules_shown(page)[0]["hits"] == 1, what="the rule's hit")
    assert page.text("#faults-count") == "1"

    # the requests view shows which rule answered, and filters by it
    page.click(".tab[data-view=requests]")
    rows = page.wait_rows(lambda rows: len(rows) == 2)
    assert [(row["status"], row["fault"]) for row in rows] == [("200", ""), ("429", rule["id"])]
    page.choose("#fault-filter", rule["id"])
    (row,) = page.wait_rows(lambda rows: len(rows) == 1, "the faulted request")
    assert row["status"] == "429"
    page.click("#requests-body tr")
    page.wait(lambda: "Fault" in page.find("#detail-content .meta").text)
    assert page.find("#detail-content .meta .fault-chip").text == rule["id"]


def test_a_preset_adds_a_rule_for_the_fields_given(page):
    page.open("faults")
    page.choose("#fault-form select[name=method]", "POST")
    page.type("#fault-form input[name=path]", "*/customerPayments*")
    page.click("#preset-buttons button[data-preset=unavailable]")
    page.wait(lambda: len(rules_shown(page)) == 1, what="the preset's rule")
    (stored,) = requests.get(f"{page.url}/_mock/faults", timeout=10).json()["value"]
    assert {k: stored[k] for k in ("method", "path", "preset")} == {
        "method": "POST",
        "path": "*/customerPayments*",
        "preset": "unavailable",
    }
    assert "times" not in stored


def test_rules_are_removed_one_by_one_or_all_at_once(page):
    for path in ("companies", "*/customers", "*/accounts"):
        requests.post(f"{page.url}/_mock/faults", json={"path": path, "status": 503}, timeout=10)
    requests.post(f"{page.url}/_mock/faults", json={"path": "*", "delayMs": 1, "tenant": "t-x"}, timeout=10)
    page.open("faults")
    page.wait(lambda: len(rules_shown(page)) == 4, what="every tenant's rules")
    first = rules_shown(page)[0]["id"]
    page.click(f"#faults-body button[data-remove='{first}']")
    page.wait(lambda: len(rules_shown(page)) == 3, what="one rule fewer")
    assert first not in [rule["id"] for rule in rules_shown(page)]

    page.click("#faults-clear")
    page.wait(lambda: page.js("return document.getElementById('confirm').open"), what="the confirmation")
    page.click("#confirm-ok")
    page.wait(lambda: rules_shown(page) == [], what="no rule")
    assert requests.get(f"{page.url}/_mock/faults?tenant=*", timeout=10).json() == {"value": []}
    assert page.find("#faults-empty").is_displayed()


@pytest.mark.console_errors("400")  # bc_mock refuses the rule: the browser logs the 400
def test_a_rule_bc_mock_refuses_shows_why(page):
    page.open("faults")
    page.click("#fault-form details summary")
    page.type("#fault-json", '{"path": "*", "status": 200}')
    page.click("#fault-form button[type=submit]")
    page.wait(lambda: page.find("#fault-error").is_displayed(), what="the error")
    assert "status" in page.find("#fault-error").text and "599" in page.find("#fault-error").text
    assert requests.get(f"{page.url}/_mock/faults", timeout=10).json() == {"value": []}
    page.find("#fault-json").clear()
    page.click("#fault-form button[type=submit]")  # no effect given: said before anything is sent
    page.wait(lambda: "preset, a status, a delay" in page.find("#fault-error").text)
