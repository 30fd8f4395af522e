"""Fault rules that could not be applied, too many or too big rules, and whose rules a call sees.

Before, a rule adding a header with a CR or LF, a non-Latin-1 character or Content-Length was
accepted and turned every matching request into a 500; rules had no bound in number; and a
rule scoped to a tenant was listed and removed by calls without ``?tenant=`` (an empty
``?tenant=`` even reset every tenant).
"""

from __future__ import annotations

import json

import pytest
import requests

from bc_mock import MockServer, RuleError
from tests.helpers import error_of, failed_start


def _faults(server_url: str, tenant: str | None = None) -> list[dict]:
    params = {} if tenant is None else {"tenant": tenant}
    response = requests.get(f"{server_url}/_mock/faults", params=params)
    assert response.status_code == 200, response.text
    return response.json()["value"]


def _add(server_url: str, rule) -> requests.Response:
    return requests.post(f"{server_url}/_mock/faults", json=rule)


# --- headers a rule adds or matches ---------------------------------------------------------------

BAD_HEADERS = [
    ("headers", {"X-Evil": "a\r\nSet-Cookie: session=stolen"}, "control character '\\r'"),
    ("headers", {"X-Evil": "a\nb"}, "control character '\\n'"),
    ("headers", {"X-Nul": "a\x00b"}, "control character '\\x00'"),
    ("headers", {"X-Del": "a\x7f"}, "control character '\\x7f'"),
    ("headers", {"X-C1": "a\x85"}, "control character '\\x85'"),
    ("headers", {"X-Euro": "5 €"}, "'€', which is not Latin-1"),
    ("headers", {"X Evil": "1"}, "'X Evil' is not an HTTP header name"),
    ("headers", {"X-Evil:": "1"}, "is not an HTTP header name"),
    ("headers", {"": "1"}, "'' is not an HTTP header name"),
    ("headers", {"Content-Length": "0"}, "a rule cannot set 'Content-Length'"),
    ("headers", {"transfer-encoding": "chunked"}, "a rule cannot set 'transfer-encoding'"),
    ("headers", {"Connection": "close"}, "a rule cannot set 'Connection'"),
    ("headers", {"Keep-Alive": "timeout=1"}, "a rule cannot set 'Keep-Alive'"),
    ("headers", {"Upgrade": "h2c"}, "a rule cannot set 'Upgrade'"),
    ("headers", {"TE": "trailers"}, "a rule cannot set 'TE'"),
    ("headers", {"Trailer": "X-Sum"}, "a rule cannot set 'Trailer'"),
    ("headers", {"Proxy-Authenticate": "Basic"}, "a rule cannot set 'Proxy-Authenticate'"),
    ("header", {"X-Match": "a\r\nb"}, "'header': the value of 'X-Match' holds the control character"),
    ("header", {"Bad Name": "*"}, "'header': 'Bad Name' is not an HTTP header name"),
    ("header", {"X-Match": "€*"}, "not Latin-1"),
]


@pytest.mark.parametrize("key, headers, says", BAD_HEADERS)
def test_a_header_http_cannot_carry_is_refused_when_the_rule_is_added(
    bc, server_url, tenant, key, headers, says
):
    response = _add(server_url, {"tenant": tenant, "path": "companies", "status": 503, key: headers})
    status, code, message = error_of(response)
    assert (status, code) == (400, "BadRequest") and says in message, message
    assert _faults(server_url, tenant) == []
    assert bc.get("companies").status_code == 200  # before: a rule was added, and this was a 500


def test_headers_http_can_carry_are_added_and_sent(bc, server_url, tenant):
    rule = {
        "tenant": tenant,
        "path": "companies",
        "status": 503,
        "headers": {"Retry-After": "5", "X-Latin": "caf\u00e9\tau lait", "Set-Cookie": "a=b"},
        "header": {"X-Run": "r*"},
    }
    assert _add(server_url, rule).status_code == 201
    assert bc.get("companies").status_code == 200  # no X-Run header: no match
    response = bc.get("companies", headers={"X-Run": "run-1"})
    assert response.status_code == 503
    assert response.headers["X-Latin"] == "caf\u00e9\tau lait" and response.headers["Retry-After"] == "5"
    requests.delete(f"{server_url}/_mock/faults", params={"tenant": tenant})


def test_a_rule_over_64_kb_is_refused(server_url, tenant):
    rule = {"tenant": tenant, "path": "*", "status": 503, "error": {"message": "m" * (64 * 1024)}}
    status, code, message = error_of(_add(server_url, rule))
    assert (status, code) == (400, "BadRequest") and "at most 65536 bytes of JSON" in message
    assert _faults(server_url, tenant) == []


# --- how many rules ------------------------------------------------------------------------------


def test_no_more_rules_than_max_fault_rules(start_bc_mock):
    url = start_bc_mock("--max-fault-rules", "5").url
    rule = {"path": "companies", "delayMs": 1}
    assert all(_add(url, rule).status_code == 201 for _ in range(3))
    status, code, message = error_of(_add(url, [rule] * 3))
    assert (status, code) == (400, "BadRequest")
    assert message.startswith(
        "Too many fault rules: this server holds 3 and keeps at most 5 (--max-fault-rules)"
    )
    assert len(_faults(url)) == 3  # all or none
    assert _add(url, [rule] * 2).status_code == 201
    assert error_of(_add(url, rule))[:2] == (400, "BadRequest")
    health = requests.get(f"{url}/_mock/health").json()
    assert health["faultRules"] == {"rules": 5, "maxRules": 5}
    assert requests.delete(f"{url}/_mock/faults").status_code == 204
    assert _add(url, rule).status_code == 201


def test_the_bound_counts_every_tenants_rules(start_bc_mock):
    url = start_bc_mock(env={"BC_MOCK_MAX_FAULT_RULES": "2"}).url
    assert _add(url, {"tenant": "a", "path": "*", "delayMs": 1}).status_code == 201
    assert _add(url, {"tenant": "b", "path": "*", "delayMs": 1}).status_code == 201
    assert error_of(_add(url, {"tenant": "c", "path": "*", "delayMs": 1}))[0] == 400


def test_a_huge_list_of_rules_is_refused_at_once(server_url):
    rules = [{"tenant": "never-used", "path": "*", "delayMs": 1}] * 20_000  # about 1 MB
    response = requests.post(
        f"{server_url}/_mock/faults",
        data=json.dumps(rules),
        timeout=10,
        headers={"Content-Type": "application/json"},
    )
    status, _, message = error_of(response)
    assert status == 400 and "keeps at most 1000" in message
    assert _faults(server_url, "never-used") == []


def test_a_faults_file_over_the_bound_stops_start_up(tmp_path):
    path = tmp_path / "faults.json"
    path.write_text(json.dumps([{"path": "*", "delayMs": 1}] * 3))
    server = failed_start("--faults", str(path), "--max-fault-rules", "2")
    assert server is not None and server.returncode == 2
    assert "3 fault rules, more than --max-fault-rules (2)" in server.stderr


def test_the_bound_holds_in_process_too():
    with MockServer(max_fault_rules=2) as mock:
        mock.faults.add(path="*", delayMs=1)
        mock.faults.add(path="*", delayMs=1, tenant="other")
        with pytest.raises(RuleError, match="Too many fault rules"):
            mock.faults.add(path="*", delayMs=1)


# --- whose rules a call sees -----------------------------------------------------------------------


def test_a_tenants_rule_is_listed_and_removed_in_its_tenants_scope_only(bc, server_url, tenant):
    rule = _add(server_url, {"tenant": tenant, "path": "companies", "status": 503}).json()
    assert rule["id"] not in [r["id"] for r in _faults(server_url)]  # no ?tenant=: rules without one
    assert [r["id"] for r in _faults(server_url, tenant)] == [rule["id"]]
    assert rule["id"] in [r["id"] for r in _faults(server_url, "*")]  # the overview
    assert _faults(server_url, "someone-else") == []
    # neither a call without ?tenant= nor another tenant's call removes it
    assert requests.delete(f"{server_url}/_mock/faults").status_code == 204
    gone = requests.delete(f"{server_url}/_mock/faults/{rule['id']}")
    status, code, message = error_of(gone)
    assert (status, code) == (404, "BadRequest_NotFound") and "without a tenant" in message
    other = requests.delete(f"{server_url}/_mock/faults/{rule['id']}", params={"tenant": "someone-else"})
    assert error_of(other)[0] == 404
    assert bc.get("companies").status_code == 503
    mine = requests.delete(f"{server_url}/_mock/faults/{rule['id']}", params={"tenant": tenant.upper()})
    assert mine.status_code == 204  # tenants are case-insensitive, as BC's
    assert bc.get("companies").status_code == 200


def test_rules_without_a_tenant_are_listed_and_removed_without_one(bc, server_url, tenant):
    probe = {"header": {"X-Scope-Probe": tenant}, "path": "companies", "status": 503}  # harms no other test
    rule = _add(server_url, probe).json()
    assert rule["id"] in [r["id"] for r in _faults(server_url)]
    assert rule["id"] not in [r["id"] for r in _faults(server_url, tenant)]
    assert bc.get("companies", headers={"X-Scope-Probe": tenant}).status_code == 503
    kept = _add(server_url, {"tenant": tenant, "path": "companies", "delayMs": 1}).json()
    assert requests.delete(f"{server_url}/_mock/faults/{rule['id']}").status_code == 204
    assert rule["id"] not in [r["id"] for r in _faults(server_url, "*")]
    assert [r["id"] for r in _faults(server_url, tenant)] == [kept["id"]]
    requests.delete(f"{server_url}/_mock/faults", params={"tenant": tenant})


def test_tenant_star_clears_every_rule(start_bc_mock):
    url = start_bc_mock().url
    for tenant in ("a", "b", None):
        _add(url, {"path": "*", "delayMs": 1, **({"tenant": tenant} if tenant else {})})
    assert len(_faults(url, "*")) == 3
    assert requests.delete(f"{url}/_mock/faults", params={"tenant": "*"}).status_code == 204
    assert _faults(url, "*") == []


@pytest.mark.parametrize(
    "method, path",
    [
        ("POST", "/_mock/reset"),
        ("GET", "/_mock/faults"),
        ("DELETE", "/_mock/faults"),
        ("DELETE", "/_mock/faults/f1"),
        ("GET", "/_mock/requests"),
        ("DELETE", "/_mock/requests"),
    ],
)
def test_an_empty_tenant_is_a_400_not_everything(bc, server_url, tenant, method, path):
    created = bc.post(bc.journals(), {"code": "KEPT"})
    assert created.status_code == 201
    rule = _add(server_url, {"tenant": tenant, "path": "nowhere*", "delayMs": 1}).json()
    for empty in ("", " "):
        response = requests.request(method, f"{server_url}{path}", params={"tenant": empty})
        status, code, message = error_of(response)
        assert (status, code) == (400, "BadRequest") and "'tenant' must name a tenant" in message
    # nothing was reset, cleared or removed
    assert "KEPT" in [j["code"] for j in bc.get(bc.journals()).json()["value"]]
    assert [r["id"] for r in _faults(server_url, tenant)] == [rule["id"]]
    entries = requests.get(f"{server_url}/_mock/requests", params={"tenant": tenant}).json()["value"]
    assert len(entries) >= 2
    requests.delete(f"{server_url}/_mock/faults", params={"tenant": tenant})
