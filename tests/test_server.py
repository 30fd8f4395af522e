"""MockServer: in-process on a thread, or attached by URL; reset, faults, journal, assertions."""

from __future__ import annotations

import json
import shutil
import socket
import time
from pathlib import Path

import pytest
import requests

import bc_mock
from bc_mock import ControlError, MockServer, RuleError, ServerUnavailableError
from tests.helpers import GENERAL, JOURNAL_ENTRY_KEYS, USA

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture(scope="module")
def server():
    with MockServer() as mock:
        yield mock


@pytest.fixture
def mock(server):
    server.reset()
    return server


def _journals(mock: MockServer, **kwargs) -> str:
    return mock.api_url(**kwargs) + f"/companies({USA})/customerPaymentJournals"


def test_public_api():
    assert "MockServer" in bc_mock.__all__ and bc_mock.MockServer is MockServer


def test_in_process_server_serves_real_http(mock):
    assert mock.url.startswith("http://127.0.0.1:")
    response = requests.get(mock.api_url() + "/companies")
    assert response.status_code == 200 and len(response.json()["value"]) == 2
    assert response.headers["Server"] == "waitress"


def test_api_url_forms(mock):
    assert mock.api_url() == f"{mock.url}/api/v2.0"
    assert mock.api_url("v1.0") == f"{mock.url}/api/v1.0"
    assert mock.api_url(environment="sandbox") == f"{mock.url}/v2.0/sandbox/api/v2.0"
    assert mock.api_url(tenant="t1") == f"{mock.url}/v2.0/t1/production/api/v2.0"
    assert mock.api_url("v1.0", "t1", "sandbox") == f"{mock.url}/v2.0/t1/sandbox/api/v1.0"
    for url in (mock.api_url(), mock.api_url(environment="sandbox"), mock.api_url("v1.0", "t1", "sandbox")):
        assert requests.get(url + "/companies").status_code == 200


def test_start_is_fast_and_stop_frees_the_port():
    started = time.perf_counter()
    mock = MockServer().start()
    first = requests.get(mock.url + "/_mock/health")
    elapsed = time.perf_counter() - started
    assert first.status_code == 200
    assert elapsed < 1.0  # measured ~10-40 ms; generous here for a loaded CI machine
    port = int(mock.url.rsplit(":", 1)[1])
    mock.stop()
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past TIME_WAIT, not a listener
        probe.bind(("127.0.0.1", port))  # free again


def test_url_before_start_is_a_clear_error():
    with pytest.raises(RuntimeError, match="not started"):
        _ = MockServer().url


def test_fixed_port(mock):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with MockServer(port=port) as fixed:
        assert fixed.url == f"http://127.0.0.1:{port}"
        assert requests.get(fixed.api_url() + "/companies").status_code == 200


def test_fixtures_argument(tmp_path):
    shutil.copy(FIXTURES / "cronus-uk.json", tmp_path / "only-uk.json")
    with MockServer(fixtures=str(tmp_path)) as mock:
        companies = requests.get(mock.api_url() + "/companies").json()["value"]
        assert [company["name"] for company in companies] == ["CRONUS UK Ltd."]


def test_reset_restores_data_and_clears_faults_and_journal(mock):
    assert requests.post(_journals(mock), json={"code": "NEW"}).status_code == 201
    mock.faults.add(path="companies", status=500)
    mock.reset()
    assert mock.requests() == [] and mock.faults.list() == []
    codes = [j["code"] for j in requests.get(_journals(mock)).json()["value"]]
    assert "NEW" not in codes
    assert requests.get(mock.api_url() + "/companies").status_code == 200


def test_reset_is_fast(mock):
    for _ in range(3):
        requests.post(_journals(mock), json={"code": "NEW"})
        mock.faults.add(path="*", delayMs=1)
    started = time.perf_counter()
    for _ in range(100):
        mock.reset()
    assert (time.perf_counter() - started) / 100 < 0.005


def test_faults_add_returns_the_rule_and_clear_removes_all(mock):
    rule = mock.faults.add(method="POST", path="*/customerPayments*", preset="throttled", times=2)
    assert rule["id"] and rule["times"] == 2 and rule["hits"] == 0
    payments = mock.api_url() + f"/companies({USA})/customerPaymentJournals({GENERAL})/customerPayments"
    body = {"customerNumber": "10000", "amount": -5}
    assert [requests.post(payments, json=body).status_code for _ in range(3)] == [429, 429, 201]
    assert mock.faults.list()[0]["hits"] == 2
    mock.faults.add(path="*", status=500, delayMs=(1, 2))  # a tuple is as good as a list
    mock.faults.clear()
    assert mock.faults.list() == []


def test_faults_remove(mock):
    rule = mock.faults.add(path="companies", status=500)
    mock.faults.remove(rule["id"])
    assert requests.get(mock.api_url() + "/companies").status_code == 200


def test_drop_in_process(mock):
    mock.faults.add(method="GET", path="companies", drop=True)
    with pytest.raises(requests.ConnectionError):
        requests.get(mock.api_url() + "/companies")
    assert requests.get(mock.api_url() + f"/companies({USA})").status_code == 200


def test_requests_and_filters(mock):
    requests.get(mock.api_url() + "/companies")
    requests.post(_journals(mock), json={"code": "NEW"})
    requests.post(_journals(mock), json={"code": "MUCH-TOO-LONG"})
    entries = mock.requests()
    assert [(e["method"], e["status"]) for e in entries] == [("GET", 200), ("POST", 201), ("POST", 400)]
    assert set(entries[0]) >= JOURNAL_ENTRY_KEYS
    assert [e["body"]["code"] for e in mock.requests(method="POST", status=201)] == ["NEW"]
    assert len(mock.requests(path="*/customerPaymentJournals")) == 2
    assert mock.requests(since=entries[-1]["time"])[-1]["id"] == entries[-1]["id"]


def test_assert_requested_passes_and_returns_the_entries(mock):
    requests.get(mock.api_url() + "/companies")
    requests.get(mock.api_url() + "/companies")
    assert len(mock.assert_requested("GET", "companies")) == 2
    mock.assert_requested("get", "companies", times=2)
    mock.assert_not_requested("POST", "*")


def test_assert_requested_failure_lists_what_was_received(mock):
    requests.get(mock.api_url() + "/companies")
    requests.post(_journals(mock), json={"code": "MUCH-TOO-LONG"})
    with pytest.raises(AssertionError) as failure:
        mock.assert_requested("POST", "*/customerPayments*", times=1)
    message = str(failure.value)
    assert "expected POST */customerPayments* to be requested 1 time, but it was requested 0 times" in message
    assert "Received 2 requests:" in message
    assert "  GET companies -> 200" in message
    assert f"  POST companies({USA})/customerPaymentJournals -> 400" in message


def test_assert_requested_failure_with_nothing_received(mock):
    with pytest.raises(AssertionError, match="No requests were received"):
        mock.assert_requested("GET", "*")


# --- attached by URL -----------------------------------------------------------------------------


def test_attached_by_url_works_over_the_control_endpoints(mock):
    attached = MockServer(url=mock.url + "/").start()
    assert attached.url == mock.url and attached.attached and not attached.in_process
    # a tenant of its own: its API URLs point there, and its rules apply there only
    assert attached.tenant and attached.api_url().startswith(f"{mock.url}/v2.0/{attached.tenant}/")
    rule = attached.faults.add(path="companies", preset="timeout", times=1)
    assert requests.get(mock.api_url() + "/companies").status_code == 200  # another tenant
    assert requests.get(attached.api_url() + "/companies").status_code == 408
    assert [(r["id"], r["hits"]) for r in attached.faults.list()] == [(rule["id"], 1)]
    assert [e["status"] for e in attached.journal(path="companies")] == [408]
    attached.assert_requested("GET", "companies", times=1)
    assert requests.post(_journals(attached), json={"code": "NEW"}).status_code == 201
    attached.reset()
    assert attached.journal() == [] and attached.faults.list() == []
    assert "NEW" not in [j["code"] for j in requests.get(_journals(attached)).json()["value"]]
    with pytest.raises(RuleError, match="Unknown preset"):
        attached.faults.add(path="*", preset="nope")
    attached.stop()


def test_attaching_starts_clean_and_leaves_nothing_behind(mock):
    with MockServer(url=mock.url, tenant="shared-run") as first:
        assert requests.post(_journals(first), json={"code": "LEFT"}).status_code == 201
        first.faults.add(path="*/customerPaymentJournals", status=503)
        assert requests.get(_journals(first)).status_code == 503
    # stopping removed its rules, data and journal entries from the shared server
    assert mock.faults.list() == [] and mock.journal() == []
    with MockServer(url=mock.url, tenant="shared-run") as second:  # the same tenant, a second run
        assert second.faults.list() == [] and second.journal() == []
        assert requests.get(second.api_url() + "/companies").status_code == 200
        codes = [j["code"] for j in requests.get(_journals(second)).json()["value"]]
        assert codes == ["BANK", "GENERAL"]


def test_removing_an_unknown_rule_fails_alike_in_process_and_attached(mock):
    with MockServer(url=mock.url) as attached:
        for server in (mock, attached):
            with pytest.raises(ControlError, match="no fault rule with id 'f999'"):
                server.faults.remove("f999")
        own = attached.faults.add(path="companies", status=500)
        other = mock.for_tenant("elsewhere")
        with pytest.raises(ControlError):
            other.faults.remove(own["id"])  # not in that view's scope: it stays
        assert [r["id"] for r in attached.faults.list()] == [own["id"]]
        attached.faults.remove(own["id"])
        assert attached.faults.list() == []


def test_attaching_to_nothing_fails_clearly():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ServerUnavailableError, match=f"no bc_mock answers at http://127.0.0.1:{port}"):
        MockServer(url=f"http://127.0.0.1:{port}").start()


def test_a_tenant_scoped_view_isolates_data_rules_and_journal(mock):
    first, second = mock.for_tenant(), mock.for_tenant("second")
    assert first.tenant != second.tenant and second.tenant == "second"
    assert first.api_url() == f"{mock.url}/v2.0/{first.tenant}/production/api/v2.0"
    first.faults.add(path="companies", status=503)
    assert requests.get(first.api_url() + "/companies").status_code == 503
    assert requests.get(second.api_url() + "/companies").status_code == 200
    assert requests.post(_journals(second), json={"code": "MINE"}).status_code == 201
    assert "MINE" not in [j["code"] for j in requests.get(_journals(first)).json()["value"]]
    assert [e["status"] for e in first.requests()] == [503, 200]
    assert [e["status"] for e in second.requests()] == [200, 201]
    assert first.faults.list()[0]["tenant"] == first.tenant and second.faults.list() == []
    first.faults.clear()
    assert requests.post(_journals(first), json={"code": "OURS"}).status_code == 201
    tenant = first.tenant
    first.reset()  # a scoped reset: its own data, rules and entries go; its tenant stays
    assert first.tenant == tenant and first.requests() == [] and first.faults.list() == []
    assert "OURS" not in [j["code"] for j in requests.get(_journals(first)).json()["value"]]
    assert "MINE" in [j["code"] for j in requests.get(_journals(second)).json()["value"]]
    assert [e["status"] for e in second.requests()] == [200, 201, 200]


def test_a_tenant_scoped_view_attached_by_url(mock):
    scoped = MockServer(url=mock.url, tenant="remote").start()
    scoped.faults.add(path="companies", status=500)
    listed = requests.get(f"{mock.url}/_mock/faults", params={"tenant": "remote"}).text
    assert json.loads(listed)["value"][0]["tenant"] == "remote"
    assert requests.get(mock.api_url() + "/companies").status_code == 200  # another tenant
    assert requests.get(scoped.api_url() + "/companies").status_code == 500
    assert [e["status"] for e in scoped.requests()] == [500]
    scoped.faults.clear()
    scoped.clear_requests()
    assert scoped.requests() == [] and mock.faults.list() == []
    assert len(mock.requests()) == 1


def test_server_options_with_a_url_are_refused():
    with pytest.raises(ValueError, match="in-process"):
        MockServer(fixtures="fixtures/", url="http://127.0.0.1:8080")


def test_stopping_a_tenant_view_leaves_the_server_running(mock):
    with mock.for_tenant() as view:
        assert requests.get(view.api_url() + "/companies").status_code == 200
    assert requests.get(mock.api_url() + "/companies").status_code == 200


def test_an_in_process_mock_without_a_tenant_sees_every_rule(mock):
    """It owns its whole server (its reset resets every tenant): rules of any tenant are its own."""
    unscoped = mock.faults.add(path="companies", delayMs=1)
    scoped = mock.faults.add(path="companies", delayMs=1, tenant="someone")
    assert [r["id"] for r in mock.faults.list()] == [unscoped["id"], scoped["id"]]
    # over HTTP, a call without ?tenant= sees only the rules without a tenant
    listed = requests.get(f"{mock.url}/_mock/faults").json()["value"]
    assert [r["id"] for r in listed] == [unscoped["id"]]
    assert [r["id"] for r in mock.for_tenant("someone").faults.list()] == [scoped["id"]]
    mock.faults.remove(scoped["id"])
    mock.faults.add(path="companies", delayMs=1, tenant="someone")
    mock.faults.clear()
    assert mock.faults.list() == []
