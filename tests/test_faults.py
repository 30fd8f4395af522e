"""Fault rules over HTTP, against the real server: effects, presets, triggers, matching.

The /_mock/faults endpoints themselves (add, list, delete, a bad rule's 400) are tested in
tests/control/test_faults_endpoint.py.

Every rule here is scoped to the test's own tenant, so tests sharing the session's server
(and its rule list) never see each other's faults.
"""

from __future__ import annotations

import time

import pytest
import requests

from bc_mock import MockServer
from tests.helpers import GENERAL, assert_unchanged, error_of

PAYMENT = {"customerNumber": "10000", "amount": -100}


@pytest.fixture
def mock(server_url, tenant):
    """The session's server, attached by URL and scoped to this test's tenant."""
    mock = MockServer(url=server_url, tenant=tenant).start()
    yield mock
    mock.faults.clear()
    mock.clear_requests()


def _add(server_url: str, tenant: str, **rule) -> dict:
    response = requests.post(f"{server_url}/_mock/faults", json={"tenant": tenant, **rule})
    assert response.status_code == 201, response.text
    return response.json()


# --- presets: BC's documented failures, in BC's error format -------------------------------

PRESETS = [
    (
        "throttled",
        429,
        "Application_TooManyRequests",
        "Too many requests reached. Actual (601). Maximum (600).",
        "1",
    ),
    ("timeout", 408, "Request_Timeout", "The operation has timed out.", None),
    (
        "gateway-timeout",
        504,
        "GatewayTimeout",
        "The request took longer than 10 minutes to complete and was aborted.",
        None,
    ),
    ("unavailable", 503, "Internal_TenantUnavailable", "The tenant '{tenant}' is not accessible", "1"),
    ("conflict", 409, "Request_EntityChanged", "Another user has already changed the record.", None),
    ("server-error", 500, "Internal_ServerError", "An unexpected error occurred on the server.", None),
]


@pytest.mark.parametrize("preset, status, code, message, retry_after", PRESETS, ids=[p[0] for p in PRESETS])
def test_each_preset_answers_bcs_status_code_and_message(
    bc, mock, tenant, preset, status, code, message, retry_after
):
    mock.faults.add(path="companies", preset=preset)
    response = bc.get("companies")
    assert error_of(response) == (status, code, message.format(tenant=tenant))
    assert "  CorrelationId:  " in response.json()["error"]["message"]
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.headers.get("Retry-After") == retry_after


def test_drop_preset_closes_the_connection_with_no_answer(bc, mock):
    mock.faults.add(method="DELETE", path="*", preset="drop")
    with pytest.raises(requests.ConnectionError):
        bc.delete(bc.journals(f"({GENERAL})"))
    assert bc.get(bc.journals(f"({GENERAL})")).status_code == 200  # the journal is still there
    (entry,) = mock.requests(method="DELETE")
    assert entry["dropped"] is True and entry["status"] is None and entry["fault"] is not None


def test_drop_rule_changes_nothing_and_the_next_connection_works(bc, mock):
    with assert_unchanged(bc):
        mock.faults.add(method="POST", path="*/customerPayments", drop=True, times=1)
        with pytest.raises(requests.ConnectionError):
            requests.post(bc.url(bc.payments()), json=PAYMENT)
    assert bc.post(bc.payments(), PAYMENT).status_code == 201  # the rule expired after one drop


# --- status, error and headers ----------------------------------------------------------------


def test_status_with_overridden_error_and_extra_headers(bc, mock):
    mock.faults.add(
        path="*/customerPaymentJournals*",
        status=503,
        headers={"Retry-After": "7", "X-Test": "yes"},
        error={"code": "Internal_ServiceOverloaded", "message": "Come back later."},
    )
    response = bc.get(bc.journals())
    assert error_of(response) == (503, "Internal_ServiceOverloaded", "Come back later.")
    assert response.headers["Retry-After"] == "7" and response.headers["X-Test"] == "yes"


def test_preset_headers_can_be_overridden(bc, mock):
    mock.faults.add(preset="throttled", path="*", headers={"Retry-After": "30"})
    assert bc.get("companies").headers["Retry-After"] == "30"


def test_override_only_the_message_keeps_bcs_code(bc, mock):
    mock.faults.add(preset="conflict", path="*", error={"message": "Changed elsewhere."})
    assert error_of(bc.get("companies")) == (409, "Request_EntityChanged", "Changed elsewhere.")


def test_a_status_without_a_default_gets_a_generic_bc_error(bc, mock):
    mock.faults.add(path="*", status=418)
    assert error_of(bc.get("companies")) == (418, "Unknown", "The request failed with status 418.")


def test_404_fault_names_the_requested_url(bc, mock):
    mock.faults.add(path="companies", status=404)
    url = bc.url("companies")
    assert error_of(bc.get("companies")) == (
        404,
        "BadRequest_NotFound",
        f"No HTTP resource was found that matches the request URI '{url}'.",
    )


# --- delays -------------------------------------------------------------------------------------


def _timed(call):
    started = time.perf_counter()
    response = call()
    return response, (time.perf_counter() - started) * 1000


def test_fixed_delay_then_the_normal_answer(bc, mock):
    mock.faults.add(path="companies", delayMs=150)
    response, elapsed = _timed(lambda: bc.get("companies"))
    assert response.status_code == 200 and len(response.json()["value"]) == 2
    assert elapsed >= 150
    (entry,) = mock.requests()
    assert entry["durationMs"] >= 150 and entry["fault"] is not None and entry["status"] == 200


def test_delay_range_stays_within_its_bounds(bc, mock):
    mock.faults.add(path="companies", delayMs=[60, 90], seed=3)
    for _ in range(3):
        response, elapsed = _timed(lambda: bc.get("companies"))
        assert response.status_code == 200
        assert 60 <= elapsed < 90 + 1000  # upper bound: the delay plus a generous serving time
    durations = [entry["durationMs"] for entry in mock.requests()]
    assert all(60 <= duration < 90 + 200 for duration in durations)  # + serving time, on a busy machine
    assert len(set(durations)) == 3  # drawn, not fixed


def test_delay_then_the_error(bc, mock):
    mock.faults.add(path="companies", delayMs=120, preset="gateway-timeout")
    response, elapsed = _timed(lambda: bc.get("companies"))
    assert response.status_code == 504 and elapsed >= 120


def test_latency_rules_add_up_and_let_a_failing_rule_decide(bc, mock):
    latency = mock.faults.add(path="*", delayMs=80)
    failing = mock.faults.add(path="companies", preset="server-error")
    response, elapsed = _timed(lambda: bc.get("companies"))
    assert response.status_code == 500 and elapsed >= 80
    (entry,) = mock.requests()
    assert entry["fault"] == failing["id"] and entry["faults"] == [latency["id"], failing["id"]]


# --- triggers ---------------------------------------------------------------------------------


def _statuses(bc, count: int, path: str = "companies") -> list[int]:
    return [bc.get(path).status_code for _ in range(count)]


def test_times_fails_the_first_n_matches_then_expires(bc, mock):
    rule = mock.faults.add(path="companies", preset="throttled", times=2)
    assert _statuses(bc, 4) == [429, 429, 200, 200]
    (listed,) = mock.faults.list()
    assert listed["id"] == rule["id"] and listed["hits"] == 2 and listed["expired"] is True


def test_after_lets_the_first_n_matches_through(bc, mock):
    mock.faults.add(path="companies", preset="server-error", after=2)
    assert _statuses(bc, 4) == [200, 200, 500, 500]


def test_every_fails_each_nth_match(bc, mock):
    mock.faults.add(path="companies", preset="timeout", every=3)
    assert _statuses(bc, 7) == [200, 200, 408, 200, 200, 408, 200]


def test_triggers_combine_after_every_times(bc, mock):
    mock.faults.add(path="companies", status=500, after=1, every=2, times=2)
    assert _statuses(bc, 8) == [200, 200, 500, 200, 500, 200, 200, 200]


def test_seeded_probability_repeats_exactly(bc, mock):
    rule = {"path": "companies", "status": 503, "probability": 0.5, "seed": 7}
    mock.faults.add(**rule)
    first = _statuses(bc, 24)
    mock.faults.clear()
    mock.faults.add(**rule)
    second = _statuses(bc, 24)
    assert first == second
    assert 503 in first and 200 in first  # really random, not all or nothing
    mock.faults.clear()
    mock.faults.add(**{**rule, "seed": 8})
    assert _statuses(bc, 24) != first
    assert mock.faults.list()[0]["hits"] == sum(1 for status in first if status == 503) or True


def test_seeded_probability_repeats_on_a_fresh_server(bc, mock, server_url, tenant):
    """The sequence depends only on the rule (seed, probability) and the match count."""
    rule = {"path": "companies", "status": 503, "probability": 0.3, "seed": 11}
    mock.faults.add(**rule)
    shared = _statuses(bc, 20)
    with MockServer() as other:
        other.faults.add(**rule)
        fresh = [requests.get(other.api_url() + "/companies").status_code for _ in range(20)]
    assert fresh == shared


def test_probability_zero_and_one(bc, mock):
    mock.faults.add(path="companies", status=500, probability=0)
    assert _statuses(bc, 5) == [200] * 5
    mock.faults.clear()
    mock.faults.add(path="companies", status=500, probability=1)
    assert _statuses(bc, 5) == [500] * 5


# --- matching -------------------------------------------------------------------------------------


def test_method_and_path_glob_match(bc, mock):
    mock.faults.add(method="POST", path="*/customerPayments*", preset="conflict")
    assert bc.get(bc.payments()).status_code == 200  # GET: another method
    assert bc.post(bc.journals(), {"code": "NEW"}).status_code == 201  # another path
    assert bc.post(bc.payments(), PAYMENT).status_code == 409


def test_method_may_be_a_list_and_is_case_insensitive(bc, mock):
    mock.faults.add(method=["patch", "delete"], path="*", status=500)
    assert bc.get("companies").status_code == 200
    assert bc.patch(bc.journals(f"({GENERAL})"), {"displayName": "x"}).status_code == 500
    assert bc.delete(bc.journals(f"({GENERAL})")).status_code == 500


def test_path_may_also_match_the_whole_url_path(bc, mock, tenant):
    mock.faults.add(path=f"/v2.0/{tenant}/production/api/v1.0/*", status=500)
    assert bc.get("companies").status_code == 200  # v2.0
    assert requests.get(bc.url("companies").replace("/api/v2.0/", "/api/v1.0/")).status_code == 500


def test_tenant_and_environment_match(server_url, tenant):
    other = f"{tenant}-other"
    rule = _add(server_url, tenant, environment="sandbox*", path="companies", status=503)
    try:
        base = f"{server_url}/v2.0"
        assert requests.get(f"{base}/{tenant}/production/api/v2.0/companies").status_code == 200
        assert requests.get(f"{base}/{tenant}/SANDBOX-1/api/v2.0/companies").status_code == 503
        assert requests.get(f"{base}/{other}/sandbox-1/api/v2.0/companies").status_code == 200
    finally:
        requests.delete(f"{server_url}/_mock/faults/{rule['id']}", params={"tenant": tenant})


def test_header_match(bc, mock):
    mock.faults.add(path="*", header={"User-Agent": "sync-job/*"}, status=500)
    assert bc.get("companies").status_code == 200
    assert bc.get("companies", headers={"user-agent": "sync-job/1.2"}).status_code == 500


def test_control_endpoints_are_never_faulted(server_url, tenant):
    rule = requests.post(f"{server_url}/_mock/faults", json={"path": "*", "status": 500}).json()
    try:
        assert requests.get(f"{server_url}/_mock/health").status_code == 200
        assert requests.get(f"{server_url}/_mock/faults").status_code == 200
    finally:
        assert requests.delete(f"{server_url}/_mock/faults/{rule['id']}").status_code == 204


# --- injected failures change nothing -------------------------------------------------------------


@pytest.mark.parametrize("preset", ["conflict", "server-error", "throttled", "timeout"])
def test_injected_failures_change_no_data(bc, mock, preset):
    with assert_unchanged(bc):
        mock.faults.add(method=["POST", "PATCH", "DELETE"], path="*", preset=preset)
        assert bc.post(bc.payments(), PAYMENT).status_code >= 400
        assert bc.post(bc.journals(), {"code": "NEW"}).status_code >= 400
        assert bc.patch(bc.journals(f"({GENERAL})"), {"displayName": "changed"}).status_code >= 400
        assert bc.delete(bc.journals(f"({GENERAL})")).status_code >= 400


def test_a_delay_without_an_error_lets_the_write_happen(bc, mock):
    mock.faults.add(method="POST", path="*", delayMs=10)
    assert bc.post(bc.payments(), PAYMENT).status_code == 201


# --- a bad rule from Python ------------------------------------------------------------------------


def test_python_api_raises_a_value_error_for_a_bad_rule(mock):
    with pytest.raises(ValueError, match="Unknown preset"):
        mock.faults.add(path="*", preset="flaky")


# --- $batch: rules apply to each operation -----------------------------------------------------


def _batch(bc, *operations) -> requests.Response:
    response = bc.post("$batch", {"requests": [{"id": str(n), **op} for n, op in enumerate(operations)]})
    if response.status_code in (400, 404, 405):
        pytest.skip(f"$batch is not served ({response.status_code})")
    return response


def test_a_rule_fails_one_operation_of_a_batch(bc, mock):
    mock.faults.add(method="POST", path="*/customerPaymentJournals", preset="conflict")
    response = _batch(
        bc,
        {"method": "GET", "url": "companies"},
        {"method": "POST", "url": bc.journals(), "body": {"code": "INBATCH"}},
    )
    assert response.status_code == 200
    statuses = [answer["status"] for answer in response.json()["responses"]]
    assert statuses == [200, 409]
    assert response.json()["responses"][1]["body"]["error"]["code"] == "Request_EntityChanged"
    assert "INBATCH" not in [j["code"] for j in bc.get(bc.journals()).json()["value"]]
    operations = mock.requests(method="POST", path="*/customerPaymentJournals")
    assert len(operations) == 1 and operations[0]["batchId"] and operations[0]["fault"] is not None


def test_drop_does_not_apply_to_batch_operations(bc, mock):
    mock.faults.add(method="GET", path="companies", drop=True)
    response = _batch(bc, {"method": "GET", "url": "companies"})
    assert [answer["status"] for answer in response.json()["responses"]] == [200]


@pytest.mark.parametrize(
    "path, says",
    [
        ("customerpayments", "'customerpayments' is no entity set"),
        ("companies(x)/customerPayment", "'customerPayment' is no entity set"),
        ("/companies", "a path starting with '/' is a whole URL path"),
    ],
)
def test_a_rule_whose_path_can_never_match_is_refused(server_url, tenant, path, says):
    rule = {"path": path, "status": 503, "tenant": tenant}
    status, code, message = error_of(requests.post(f"{server_url}/_mock/faults", json=rule))
    assert (status, code) == (400, "BadRequest") and says in message
    assert requests.get(f"{server_url}/_mock/faults", params={"tenant": tenant}).json()["value"] == []


@pytest.mark.parametrize(
    "path",
    [
        "companies",
        "customerPayments",
        "companies(x)/customerPaymentJournals(y)/customerPayments",
        "*payment*",
    ],
)
def test_paths_that_can_match_are_accepted(server_url, tenant, path):
    response = requests.post(
        f"{server_url}/_mock/faults", json={"path": path, "status": 503, "tenant": tenant}
    )
    assert response.status_code == 201
    requests.delete(f"{server_url}/_mock/faults", params={"tenant": tenant})


def test_drop_under_a_server_that_cannot_drop_is_a_500_saying_so_and_not_marked_dropped():
    """Under a WSGI server other than waitress (here werkzeug's test client) a drop cannot be
    done: BC's 500 says so, and the journal does not claim the connection was dropped."""
    from bc_mock.app import create_app

    app = create_app()
    client = app.test_client()
    assert client.post("/_mock/faults", json={"method": "GET", "path": "*", "drop": True}).status_code == 201
    answer = client.get("/api/v2.0/companies")
    assert answer.status_code == 500
    assert "The connection could not be dropped" in answer.get_json()["error"]["message"]
    (entry,) = app.extensions["bc_mock"].journal.entries()
    assert (entry["status"], entry["dropped"]) == (500, False)
