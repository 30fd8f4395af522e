"""The /_mock/faults endpoints: add one rule or a list, list them with their hits, delete one or
all, and BC's 400 for a bad rule (which adds nothing). What rules do is tests/test_faults.py's.

Every rule here is scoped to the test's own tenant, so tests sharing the session's server
(and its rule list) never see each other's faults.
"""

from __future__ import annotations

import pytest
import requests

from tests.helpers import error_of


def _add(server_url: str, tenant: str, **rule) -> dict:
    response = requests.post(f"{server_url}/_mock/faults", json={"tenant": tenant, **rule})
    assert response.status_code == 201, response.text
    return response.json()


def test_post_one_rule_answers_201_with_it_and_its_id(server_url, tenant):
    response = requests.post(
        f"{server_url}/_mock/faults",
        json={
            "tenant": tenant,
            "method": "POST",
            "path": "*/customerPayments*",
            "preset": "throttled",
            "times": 2,
        },
    )
    assert response.status_code == 201
    rule = response.json()
    assert rule["id"] and rule["method"] == "POST" and rule["preset"] == "throttled" and rule["times"] == 2
    assert rule["hits"] == 0
    requests.delete(f"{server_url}/_mock/faults", params={"tenant": tenant})


def test_post_a_list_answers_the_list_and_get_lists_with_hits(bc, server_url, tenant):
    rules = [
        {"tenant": tenant, "path": "companies", "status": 503, "headers": {"Retry-After": "1"}},
        {"tenant": tenant, "path": "*", "delayMs": [1, 2]},
    ]
    response = requests.post(f"{server_url}/_mock/faults", json=rules)
    assert response.status_code == 201
    stored = response.json()
    assert [rule["status"] if "status" in rule else rule["delayMs"] for rule in stored] == [503, [1, 2]]
    assert len({rule["id"] for rule in stored}) == 2
    bc.get("companies")
    listed = requests.get(f"{server_url}/_mock/faults", params={"tenant": tenant}).json()
    assert set(listed) == {"value"}
    assert [(rule["id"], rule["hits"]) for rule in listed["value"]] == [
        (stored[0]["id"], 1),
        (stored[1]["id"], 1),
    ]
    requests.delete(f"{server_url}/_mock/faults", params={"tenant": tenant})


def test_delete_one_rule_and_all_rules(bc, server_url, tenant):
    first = _add(server_url, tenant, path="companies", status=500)
    second = _add(server_url, tenant, path="companies", status=503)
    mine = {"tenant": tenant}
    assert requests.delete(f"{server_url}/_mock/faults/{first['id']}", params=mine).status_code == 204
    assert bc.get("companies").status_code == 503
    missing = requests.delete(f"{server_url}/_mock/faults/{first['id']}", params=mine)
    assert error_of(missing)[:2] == (404, "BadRequest_NotFound")
    assert requests.delete(f"{server_url}/_mock/faults", params={"tenant": tenant}).status_code == 204
    assert bc.get("companies").status_code == 200
    assert second["id"] not in [r["id"] for r in requests.get(f"{server_url}/_mock/faults").json()["value"]]


BAD_RULES = [
    ({"path": "*"}, "A fault rule needs an effect"),
    ({"path": "*", "status": 200}, "'status' must be an HTTP error status"),
    ({"path": "*", "preset": "flaky"}, "Unknown preset 'flaky'"),
    ({"path": "*", "status": 500, "times": 0}, "'times' must be a whole number of at least 1"),
    ({"path": "*", "status": 500, "probability": 2}, "'probability' must be a number from 0 to 1"),
    ({"path": "*", "delayMs": [200, 100]}, "'delayMs' must be"),
    ({"path": "*", "status": 500, "colour": "red"}, "Unknown fault rule key 'colour'"),
    ({"path": 3, "status": 500}, "'path' must be a string"),
    ({"path": "*", "status": 500, "header": {"X": 1}}, "'header' must be an object"),
    ({"path": "*", "status": 500, "error": {"code": 5}}, "'error' must be an object"),
    ("not a rule", "Expected a fault rule"),
]


@pytest.mark.parametrize("rule, message", BAD_RULES)
def test_a_bad_rule_gets_bcs_400_and_adds_nothing(server_url, tenant, rule, message):
    before = requests.get(f"{server_url}/_mock/faults").json()["value"]
    response = requests.post(f"{server_url}/_mock/faults", json=rule)
    status, code, text = error_of(response)
    assert (status, code) == (400, "BadRequest") and message in text
    assert requests.get(f"{server_url}/_mock/faults").json()["value"] == before


def test_a_list_with_one_bad_rule_adds_none(server_url, tenant):
    before = requests.get(f"{server_url}/_mock/faults").json()["value"]
    response = requests.post(
        f"{server_url}/_mock/faults", json=[{"tenant": tenant, "path": "*", "status": 500}, {"path": "*"}]
    )
    assert error_of(response)[:2] == (400, "BadRequest") and "Rule 1:" in error_of(response)[2]
    assert requests.get(f"{server_url}/_mock/faults").json()["value"] == before


def test_malformed_json_gets_bcs_400(server_url):
    response = requests.post(
        f"{server_url}/_mock/faults", data=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert error_of(response) == (400, "BadRequest", "Invalid Request Body")
