"""No single client stalls the others: delayed, batched, slow, huge and hostile requests of one
tenant while another tenant is served within a second. Each test reproduces the attack against a
server of its own (bounded loops, 127.0.0.1 only) and asserts the answer and the bound."""

from __future__ import annotations

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.helpers import GENERAL, USA, BcClient, error_of

QUICK_S = 1.0  # what another tenant may wait meanwhile


def _api(url: str, tenant: str) -> str:
    return f"{url}/v2.0/{tenant}/production/api/v2.0/companies({USA})"


def _timed_get(url: str) -> tuple[int, float]:
    started = time.monotonic()
    response = requests.get(url, timeout=30)
    return response.status_code, time.monotonic() - started


def _add_rule(url: str, **rule) -> None:
    response = requests.post(f"{url}/_mock/faults", json=rule, timeout=10)
    assert response.status_code == 201, response.text


@pytest.fixture
def two_threads(start_bc_mock) -> str:
    """A server with two worker threads: easy to starve, if anything could starve it."""
    return start_bc_mock("--threads", "2").url


def test_delayed_requests_hold_no_worker_thread(two_threads):
    url = two_threads
    _add_rule(url, tenant="noisy", path="*", delayMs=2000)
    with ThreadPoolExecutor(8) as pool:
        delayed = [pool.submit(_timed_get, _api(url, "noisy") + "/customerPaymentJournals") for _ in range(8)]
        time.sleep(0.3)  # the eight are waiting out their delay now
        status, waited = _timed_get(_api(url, "quiet") + "/customerPaymentJournals")
        assert status == 200 and waited < QUICK_S, f"another tenant waited {waited:.2f} s"
        results = [future.result() for future in delayed]
    assert all(status == 200 and took >= 1.9 for status, took in results), results


def test_a_delayed_request_is_journaled_with_its_delay(two_threads):
    url = two_threads
    _add_rule(url, tenant="slow", path="*", delayMs=300)
    requests.get(_api(url, "slow") + "/customerPaymentJournals", timeout=10)
    (entry,) = requests.get(f"{url}/_mock/requests", params={"tenant": "slow"}, timeout=10).json()["value"]
    assert entry["fault"] is not None and entry["durationMs"] >= 290


def test_a_snapshot_batch_serves_its_delays_after_releasing_the_store(two_threads):
    url = two_threads
    _add_rule(url, tenant="batcher", path="*customerPaymentJournals*", delayMs=200)
    operations = [
        {"id": str(n), "method": "GET", "url": f"companies({USA})/customerPaymentJournals"} for n in range(10)
    ]
    batch = f"{url}/v2.0/batcher/production/api/v2.0/$batch"

    def run_batch() -> tuple[requests.Response, float]:
        started = time.monotonic()
        response = requests.post(
            batch, json={"requests": operations}, headers={"Isolation": "snapshot"}, timeout=30
        )
        return response, time.monotonic() - started

    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(run_batch)
        time.sleep(0.5)  # the batch holds the store's lock for its operations, not for their delays
        status, waited = _timed_get(_api(url, "other") + "/customerPaymentJournals")
        assert status == 200 and waited < QUICK_S, f"another tenant waited {waited:.2f} s"
        response, took = running.result()
    assert response.status_code == 200 and took >= 1.9
    assert [r["status"] for r in response.json()["responses"]] == [200] * 10


def test_two_hundred_slow_clients_do_not_lock_others_out(start_bc_mock):
    url = start_bc_mock().url
    host, port = url.removeprefix("http://").split(":")
    slow = []
    try:
        for _ in range(200):  # each sends half a request line and then nothing
            client = socket.create_connection((host, int(port)), timeout=5)
            client.sendall(b"GET /api/v2.0/companies HTTP/1.1\r\nHost: ")
            slow.append(client)
        status, waited = _timed_get(_api(url, "patient") + "/customerPaymentJournals")
        assert status == 200 and waited < QUICK_S, f"another client waited {waited:.2f} s"
    finally:
        for client in slow:
            client.close()


def test_the_channel_timeout_closes_a_silent_connection(start_bc_mock):
    url = start_bc_mock("--channel-timeout", "1").url
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as client:
        client.sendall(b"GET /api/v2.0/companies HTTP/1.1\r\nHost: x")  # and then nothing
        started = time.monotonic()
        assert client.recv(1024) == b""  # closed by the server, without an answer
        assert time.monotonic() - started < 8  # waitress checks its channels every few seconds


def test_a_body_over_the_limit_is_refused_before_it_is_sent(start_bc_mock):
    url = start_bc_mock("--max-body", "1K").url
    host, port = url.removeprefix("http://").split(":")
    path = f"/api/v2.0/companies({USA})/customerPaymentJournals"
    with socket.create_connection((host, int(port)), timeout=10) as client:
        client.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {10**9}\r\n\r\n".encode()
        )  # announces a gigabyte, sends none of it
        received = b""
        while chunk := client.recv(65536):  # the server closes the connection after its answer
            received += chunk
        answer = received.decode()
    head, _, body = answer.partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 413") and "application/json" in head
    error = json.loads(body)["error"]
    assert error["code"] == "BadRequest_RequestEntityTooLarge"
    assert "Content-Length 1000000000 is larger than the request body size limit 1024" in error["message"]
    (entry,) = requests.get(f"{url}/_mock/requests", timeout=10).json()["value"]
    assert entry["status"] == 413 and entry["body"] == f"<{10**9} bytes, over the size limit: not read>"


def test_a_chunked_body_over_the_limit_is_cut_off(start_bc_mock):
    url = start_bc_mock("--max-body", "1K").url

    def chunks():
        for _ in range(64):
            yield b"x" * 1024

    response = requests.post(
        f"{url}/api/v2.0/companies({USA})/customerPaymentJournals",
        data=chunks(),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert error_of(response)[:2] == (413, "BadRequest_RequestEntityTooLarge")


# --- $batch cannot reach past the API ----------------------------------------------------------


@pytest.mark.parametrize(
    "operation_url",
    [
        "/%5Fmock/faults",
        "/%5fmock/reset",
        "/%2F_mock/faults",
        "//_mock/faults",
        "/api/v2.0/../../_mock/faults",
        "../../_mock/faults",
        "/./_mock/faults",
    ],
)
def test_a_batch_operation_cannot_reach_the_control_endpoints(bc, server_url, tenant, operation_url):
    body = {
        "id": "f",
        "method": "POST",
        "url": operation_url,
        "body": {"path": "*", "status": 500, "tenant": tenant},
    }
    response = bc.post("$batch", {"requests": [body]})
    assert response.status_code == 200
    (answer,) = response.json()["responses"]
    assert (answer["status"], answer["body"]["error"]["code"]) == (404, "BadRequest_NotFound")
    assert (
        requests.get(f"{server_url}/_mock/faults", params={"tenant": tenant}, timeout=10).json()["value"]
        == []
    )


@pytest.mark.parametrize("operation_url", ["%24batch", "/api/v2.0/%24batch", "companies/../$batch"])
def test_a_batch_cannot_nest_a_batch(bc, operation_url):
    inner = {"requests": [{"method": "GET", "url": "companies"}] * 100}
    response = bc.post("$batch", {"requests": [{"method": "POST", "url": operation_url, "body": inner}]})
    (answer,) = response.json()["responses"]
    assert answer["status"] == 400
    assert "cannot contain another $batch" in answer["body"]["error"]["message"]


# --- $expand is bounded ----------------------------------------------------------------------------


def _cycle(levels: int) -> str:
    """customerPayments -> customerPaymentJournal -> customerPayments ..., ``levels`` deep."""
    text = ""
    for level in range(levels, 0, -1):
        name = "customerPaymentJournal" if level % 2 else "customerPayments"
        text = name + (f"($expand={text})" if text else "")
    return text


def test_expand_five_levels_deep_is_served(bc):
    response = bc.get(bc.payments(GENERAL), params={"$expand": _cycle(5)})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("levels", [6, 300])
def test_expand_deeper_than_five_levels_is_refused(bc, levels):
    response = bc.get(bc.payments(GENERAL), params={"$expand": _cycle(levels)})
    status, code, message = error_of(response)
    assert (status, code) == (400, "BadRequest")
    assert message.startswith(
        "The request includes a $expand path which is too deep. The maximum depth allowed is 5."
    )


def test_an_answer_of_more_than_100000_records_is_refused(start_bc_mock, tmp_path):
    # a journal of 60 payments: each level of the cycle multiplies the records by 60
    server = start_bc_mock()
    bc = BcClient(server.url, "cycle", "v2.0")
    for _ in range(57):  # the seed's GENERAL has 3
        assert bc.post(bc.payments(GENERAL), {"customerNumber": "10000", "amount": -1}).status_code == 201
    started = time.monotonic()
    response = bc.get(bc.payments(GENERAL), params={"$expand": _cycle(4)})  # 60 * 1 * 60 * 1 ... 216,000
    status, _, message = error_of(response)
    assert status == 400 and "more than 100000 records" in message
    assert time.monotonic() - started < 5
    assert bc.get(bc.payments(GENERAL), params={"$expand": _cycle(2)}).status_code == 200


# --- tenant and environment names --------------------------------------------------------------


@pytest.mark.parametrize(
    "tenant",
    ["\u212a", "caf\u00e9", "a" * 254, "under_score", "-leading", "two..dots", "x" * 64 + ".com"],
)
def test_a_tenant_that_is_no_guid_or_domain_name_is_refused(server_url, tenant):
    response = requests.get(f"{server_url}/v2.0/{tenant}/production/api/v2.0/companies", timeout=10)
    status, code, message = error_of(response)
    assert (status, code) == (400, "BadRequest") and "is not a tenant name" in message


@pytest.mark.parametrize(
    "tenant", ["contoso.onmicrosoft.com", "0f2a6e5e-8f5c-4c36-9b2e-2f5a1f3b6c7d", "t-abc123", "default"]
)
def test_guids_and_domain_names_are_tenants(server_url, tenant):
    assert (
        requests.get(f"{server_url}/v2.0/{tenant}/production/api/v2.0/companies", timeout=10).status_code
        == 200
    )


def test_tenant_names_differ_only_in_ascii_case(server_url):
    upper = BcClient(server_url, "CaseTenant", "v2.0")
    lower = BcClient(server_url, "casetenant", "v2.0")
    assert upper.post(upper.journals(), {"code": "SHARED"}).status_code == 201
    assert "SHARED" in [j["code"] for j in lower.get(lower.journals()).json()["value"]]


@pytest.mark.parametrize("environment", ["prod_1", "x" * 31, "\u00e9t\u00e9"])
def test_an_environment_that_is_no_bc_environment_name_is_refused(server_url, environment):
    response = requests.get(f"{server_url}/v2.0/t-env/{environment}/api/v2.0/companies", timeout=10)
    status, code, message = error_of(response)
    assert (status, code) == (400, "BadRequest") and "is not an environment name" in message


def test_at_most_max_tenants_hold_data_at_once(start_bc_mock):
    url = start_bc_mock("--max-tenants", "3").url
    for tenant in ("t1", "t2", "t3"):
        assert requests.get(_api(url, tenant) + "/customerPaymentJournals", timeout=10).status_code == 200
    status, code, message = error_of(requests.get(_api(url, "t4") + "/customerPaymentJournals", timeout=10))
    assert (status, code) == (400, "BadRequest") and "at most 3 tenant environments" in message
    assert requests.get(_api(url, "t1") + "/customerPaymentJournals", timeout=10).status_code == 200  # known
    requests.post(f"{url}/_mock/reset", params={"tenant": "t2"}, timeout=10)
    assert requests.get(_api(url, "t4") + "/customerPaymentJournals", timeout=10).status_code == 200


def test_many_threads_of_hostile_requests_leave_the_server_whole(start_bc_mock):
    """A mix of the above at once, bounded: afterwards the server still answers everything."""
    url = start_bc_mock("--max-body", "4K").url
    stop = threading.Event()

    def hostile(n: int) -> None:
        bc = BcClient(url, f"h{n}", "v2.0")
        while not stop.is_set():
            bc.get(bc.payments(GENERAL), params={"$expand": _cycle(7)})
            bc.session.post(
                bc.url(bc.journals()), data=b"x" * 8192, headers={"Content-Type": "application/json"}
            )

    workers = [threading.Thread(target=hostile, args=(n,), daemon=True) for n in range(4)]
    for worker in workers:
        worker.start()
    try:
        time.sleep(1)
        status, waited = _timed_get(_api(url, "bystander") + "/customerPaymentJournals")
        assert status == 200 and waited < QUICK_S
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=10)
    assert requests.get(f"{url}/_mock/health", timeout=10).json()["status"] == "ok"


def test_a_glob_that_backtracks_exponentially_as_a_regex_matches_at_once(server_url, tenant):
    # "*a*a*a*a*a*!" against a 150-character URL path took 41 s as a regular expression
    _add_rule(server_url, tenant=tenant, path="*a*a*a*a*a*a*a*a*!", status=500)
    path = "a" * 150
    started = time.monotonic()
    with ThreadPoolExecutor(1) as pool:
        attack = pool.submit(_timed_get, f"{server_url}/v2.0/{tenant}/production/api/v2.0/{path}")
        status, waited = _timed_get(_api(server_url, "glob-bystander") + "/customerPaymentJournals")
        assert status == 200 and waited < QUICK_S
        attack_status, _ = attack.result()
    assert attack_status == 404 and time.monotonic() - started < QUICK_S  # no route: the rule did not match


# --- posting: one post holds the store's lock --------------------------------------------------


def _payments_fixture(folder, lines: int) -> str:
    """The bundled seed with ``lines`` payments (1.00 each, no invoice) in USA's BANK journal."""
    from pathlib import Path

    source = Path(__file__).resolve().parent.parent / "fixtures"
    for name in ("cronus-uk.json", "applications.json"):
        (folder / name).write_text((source / name).read_text())
    usa = json.loads((source / "cronus-usa.json").read_text())
    bank = next(j for j in usa["customerPaymentJournals"] if j["code"] == "BANK")
    bank["customerPayments"] = [
        {
            "id": f"ba000001-0000-4000-8000-{n:012d}",
            "lineNumber": 10000 * (n + 1),
            "customerId": "c5000001-0000-4000-8000-000000010000",
            "postingDate": "2026-02-04",
            "documentNumber": f"B{n:06d}",
            "amount": -1,
        }
        for n in range(lines)
    ]
    (folder / "cronus-usa.json").write_text(json.dumps(usa))
    return str(folder)


BANK_JOURNAL = "da000001-0000-4000-8000-000000000002"


def test_a_post_of_the_largest_journal_leaves_other_tenants_waiting_under_a_second(start_bc_mock, tmp_path):
    from bc_mock.posting import MAX_POSTED_LINES

    url = start_bc_mock("--fixtures", _payments_fixture(tmp_path, MAX_POSTED_LINES)).url
    post_url = _api(url, "poster") + f"/journals({BANK_JOURNAL})/Microsoft.NAV.post"
    waits: list[float] = []
    with ThreadPoolExecutor(1) as pool:
        posting = pool.submit(requests.post, post_url, timeout=60)
        while not posting.done() and len(waits) < 200:
            status, waited = _timed_get(_api(url, "quiet") + "/customerPaymentJournals")
            assert status == 200
            waits.append(waited)
        assert posting.result().status_code == 204
    assert waits and max(waits) < QUICK_S, f"another tenant waited {max(waits):.2f} s"
    lines = requests.get(_api(url, "poster") + f"/customerPaymentJournals({BANK_JOURNAL})/customerPayments")
    assert lines.json()["value"] == []  # all posted


def test_a_journal_over_the_posting_limit_is_refused_and_nothing_changes(start_bc_mock, tmp_path):
    from bc_mock.posting import MAX_POSTED_LINES

    url = start_bc_mock("--fixtures", _payments_fixture(tmp_path, MAX_POSTED_LINES + 1)).url
    api = _api(url, "poster")
    status, code, message = error_of(requests.post(f"{api}/journals({BANK_JOURNAL})/Microsoft.NAV.post"))
    assert (status, code) == (400, "BadRequest")
    assert message.startswith("The journal holds 5,001 lines; bc_mock posts at most 5,000 lines at a time")
    assert requests.get(f"{api}/generalLedgerEntries").json()["value"] == []
    count = requests.get(f"{api}/customerPaymentJournals({BANK_JOURNAL})/customerPayments/$count").text
    assert count == "5001"
