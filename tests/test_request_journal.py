"""The request journal over HTTP: what an entry holds, the filters, the bound, redaction, $batch."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from decimal import Decimal

import pytest
import requests

from bc_mock import MockServer
from bc_mock.app import create_app
from tests.helpers import GENERAL, JOURNAL_ENTRY_KEYS, USA, error_of

PAYMENT = {"customerNumber": "10000", "amount": -100}


@pytest.fixture
def journal(server_url, tenant):
    """This test's tenant's journal entries, read over /_mock/requests."""

    def entries(**filters) -> list[dict]:
        response = requests.get(f"{server_url}/_mock/requests", params={"tenant": tenant, **filters})
        assert response.status_code == 200, response.text
        assert set(response.json()) == {"value"}
        return response.json()["value"]

    yield entries
    requests.delete(f"{server_url}/_mock/requests", params={"tenant": tenant})
    requests.delete(f"{server_url}/_mock/faults", params={"tenant": tenant})


def test_an_entry_holds_the_request_and_the_answer(bc, journal, tenant):
    url = bc.url(bc.payments()) + "?$top=5&tag=a"
    response = bc.session.post(
        url, json=PAYMENT, headers={"Authorization": "Bearer secret-token", "X-Trace": "t1"}
    )
    assert response.status_code == 201
    (entry,) = journal()
    assert set(entry) >= JOURNAL_ENTRY_KEYS
    assert entry["method"] == "POST"
    assert entry["url"] == url
    payments = f"companies({USA})/customerPaymentJournals({GENERAL})/customerPayments"
    assert entry["path"] == f"/v2.0/{tenant}/production/api/v2.0/{payments}"
    assert entry["apiPath"] == f"companies({USA})/customerPaymentJournals({GENERAL})/customerPayments"
    assert entry["query"] == {"$top": "5", "tag": "a"}
    assert entry["headers"]["Authorization"] == "Bearer [redacted]"
    assert "secret-token" not in str(entry)
    assert entry["headers"]["X-Trace"] == "t1"
    assert entry["body"] == PAYMENT
    assert entry["status"] == 201
    assert entry["responseBody"] == response.json()
    assert isinstance(entry["durationMs"], float) and entry["durationMs"] >= 0
    assert entry["fault"] is None and entry["batchId"] is None
    assert dt.datetime.fromisoformat(entry["time"].replace("Z", "+00:00")).tzinfo is not None
    assert entry["time"].endswith("Z")


def test_basic_credentials_are_redacted_too(bc, journal):
    bc.get("companies", auth=("user", "web-service-key"))
    (entry,) = journal()
    assert entry["headers"]["Authorization"] == "Basic [redacted]"


def test_errors_and_bodies_that_are_not_json_are_recorded(bc, journal):
    response = bc.session.post(
        bc.url(bc.journals()), data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    (entry,) = journal()
    assert entry["body"] == "{not json"
    assert entry["status"] == 400 and entry["responseBody"]["error"]["code"] == "BadRequest"


def test_a_request_without_a_body_records_null(bc, journal):
    bc.get("companies")
    assert journal()[0]["body"] is None


def test_entries_are_newest_last_with_increasing_ids(bc, journal):
    bc.get("companies")
    bc.get(bc.journals())
    bc.post(bc.journals(), {"code": "NEW"})
    entries = journal()
    assert [e["method"] for e in entries] == ["GET", "GET", "POST"]
    assert [e["id"] for e in entries] == sorted(e["id"] for e in entries)


def test_control_requests_are_not_recorded(server_url, bc, journal):
    requests.get(f"{server_url}/_mock/health")
    requests.get(f"{server_url}/_mock/faults")
    bc.get("companies")
    assert [e["apiPath"] for e in journal()] == ["companies"]
    listed = requests.get(f"{server_url}/_mock/requests")
    assert listed.status_code == 200, listed.text[:2000]
    # other tests' entries may hold any number a client sent, exactly: longer than json's int limit
    everything = json.loads(listed.text, parse_int=Decimal)["value"]
    assert not any(e["path"].startswith("/_mock") for e in everything)


def test_filters_method_path_status(bc, journal):
    bc.get("companies")
    bc.get(bc.journals())
    bc.post(bc.journals(), {"code": "NEW"})
    bc.post(bc.journals(), {"code": "MUCH-TOO-LONG"})
    bc.post(bc.payments(), PAYMENT)
    assert [e["method"] for e in journal(method="post")] == ["POST"] * 3
    assert len(journal(path="*/customerPaymentJournals")) == 3
    assert len(journal(path="*/customerPayments*")) == 1
    assert len(journal(path="companies")) == 1
    assert [e["status"] for e in journal(status=201)] == [201, 201]
    assert [e["status"] for e in journal(status="4xx")] == [400]
    assert [e["body"] for e in journal(method="POST", path="*Journals", status=201)] == [{"code": "NEW"}]


def test_filter_since(bc, journal):
    bc.get("companies")
    time.sleep(0.01)
    middle = journal()[0]["time"]
    time.sleep(0.01)
    bc.get(bc.journals())
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=5)
    assert [e["apiPath"] for e in journal(since=middle)] == ["companies", bc.journals()]  # at or after
    cut = (
        dt.datetime.fromisoformat(middle.replace("Z", "+00:00")) + dt.timedelta(milliseconds=5)
    ).isoformat()
    assert [e["apiPath"] for e in journal(since=cut)] == [bc.journals()]
    assert journal(since=later.isoformat()) == []


def test_a_bad_since_is_bcs_400(server_url):
    response = requests.get(f"{server_url}/_mock/requests", params={"since": "yesterday"})
    status, code, message = error_of(response)
    assert (status, code) == (400, "BadRequest") and "ISO 8601" in message


def test_delete_empties_the_journal_of_a_tenant(server_url, bc, journal, tenant):
    bc.get("companies")
    assert requests.delete(f"{server_url}/_mock/requests", params={"tenant": tenant}).status_code == 204
    assert journal() == []


def test_fault_id_is_recorded(server_url, bc, journal, tenant):
    rule = requests.post(
        f"{server_url}/_mock/faults",
        json={"tenant": tenant, "path": "companies", "preset": "throttled", "times": 1},
    ).json()
    bc.get("companies")
    bc.get("companies")
    assert [(e["status"], e["fault"]) for e in journal()] == [(429, rule["id"]), (200, None)]


# --- $batch: the outer request and each operation, tied by batchId ---------------------------------


def test_batch_operations_are_entries_of_their_own():
    """The contract with the $batch dispatcher: operations carry environ["bc_mock.batch_id"]."""
    app = create_app()
    client = app.test_client()
    client.get("/api/v2.0/companies", environ_overrides={"bc_mock.batch_id": "batch-1"})
    client.post(
        f"/api/v2.0/companies({USA})/customerPaymentJournals",
        json={"code": "B1"},
        environ_overrides={"bc_mock.batch_id": "batch-1"},
    )
    client.get("/api/v2.0/companies")
    entries = app.extensions["bc_mock"].journal.entries()
    assert [(e["method"], e["batchId"], e["status"]) for e in entries] == [
        ("GET", "batch-1", 200),
        ("POST", "batch-1", 201),
        ("GET", None, 200),
    ]


def test_batch_over_http_records_the_batch_and_its_operations(bc, journal):
    batch = {
        "requests": [
            {"method": "GET", "id": "1", "url": "companies"},
            {
                "method": "POST",
                "id": "2",
                "url": bc.journals(),
                "headers": {"Content-Type": "application/json"},
                "body": {"code": "BATCHED"},
            },
        ]
    }
    response = bc.post("$batch", batch)
    assert response.status_code == 200, response.text
    entries = journal()
    (outer,) = [e for e in entries if e["apiPath"] == "$batch"]
    operations = [e for e in entries if e["batchId"] is not None]
    assert len(operations) == 2
    assert {e["method"] for e in operations} == {"GET", "POST"}
    assert outer["batchId"] is None and outer["status"] == 200
    assert {e["batchId"] for e in operations} == {outer["id"]}  # tied to the $batch request's entry


# --- the bound ------------------------------------------------------------------------------------


def test_the_journal_keeps_only_the_most_recent_entries():
    with MockServer(journal_size=5) as mock:
        for number in range(12):
            requests.get(mock.api_url() + f"/companies?n={number}")
        entries = mock.requests()
        assert [e["query"]["n"] for e in entries] == ["7", "8", "9", "10", "11"]
        assert [e["id"] for e in entries] == [8, 9, 10, 11, 12]


def test_journal_size_option_and_variable(start_bc_mock):
    url = start_bc_mock("--journal-size", "3").url
    for _ in range(5):
        requests.get(f"{url}/api/v2.0/companies")
    assert len(requests.get(f"{url}/_mock/requests").json()["value"]) == 3
    url = start_bc_mock(env={"BC_MOCK_JOURNAL_SIZE": "2"}).url
    for _ in range(5):
        requests.get(f"{url}/api/v2.0/companies")
    assert len(requests.get(f"{url}/_mock/requests").json()["value"]) == 2


def test_memory_stays_flat_under_a_long_run():
    """A bounded deque: after many more requests than the bound, the journal holds the bound."""
    app = create_app(_settings(journal_size=50))
    client = app.test_client()
    for _ in range(400):
        client.get("/api/v2.0/companies")
    journal = app.extensions["bc_mock"].journal
    assert len(journal.entries()) == 50 and journal.size == 50


def _settings(**changes):
    from bc_mock.config import Settings

    return Settings(**changes)


def test_bodies_the_journal_cannot_list_as_json_are_kept_as_text():
    """A lone surrogate or a deeply nested body is recorded as text: listing the journal still works."""
    app = create_app()
    client = app.test_client()
    for raw in (b'{"a": "\\ud800"}', b"[" * 5000 + b"]" * 5000, b"[" * 900 + b"]" * 900):
        client.post("/api/v2.0/companies", data=raw, content_type="application/json")
    response = client.get("/_mock/requests")
    assert response.status_code == 200
    assert [type(entry["body"]) for entry in response.get_json()["value"]] == [str, str, str]


# --- the bound in bytes: each body kept, and all entries together ---------------------------------

KB = 1024


def test_a_body_over_the_body_limit_is_kept_cut_and_says_so(bc, journal):
    """A 100 KB value: the journal keeps 64 KB of it, and says so; the error quotes 1,024 characters."""
    value = "x" * (100 * KB)
    body = json.dumps({"code": value}).encode()
    response = bc.session.post(bc.url(bc.journals()), data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and value.upper()[:1024] + "..." in response.text
    (entry,) = journal()
    assert entry["bodyTruncated"] is True and entry["bodySize"] == len(body)
    assert isinstance(entry["body"], str) and body.decode().startswith(entry["body"])
    assert len(entry["body"]) == 64 * KB
    assert entry["responseBodyTruncated"] is False and entry["responseBodySize"] == len(response.content)


def test_an_answer_over_the_body_limit_is_kept_cut_and_says_so(start_bc_mock):
    url = start_bc_mock("--journal-body-limit", "1K").url
    answer = requests.get(f"{url}/api/v2.0/companies({USA})/accounts", timeout=10)
    assert answer.status_code == 200 and len(answer.content) > KB
    (entry,) = requests.get(f"{url}/_mock/requests", timeout=10).json()["value"]
    assert entry["responseBodyTruncated"] is True and entry["responseBodySize"] == len(answer.content)
    assert answer.content.decode().startswith(entry["responseBody"]) and len(entry["responseBody"]) == KB


def test_entries_always_say_how_big_their_bodies_were(bc, journal):
    bc.get("companies")
    created = bc.post(bc.journals(), {"code": "SIZED"})
    read, posted = journal()
    assert (read["body"], read["bodySize"], read["bodyTruncated"]) == (None, 0, False)
    assert read["responseBodySize"] > 0 and read["responseBodyTruncated"] is False
    assert posted["bodySize"] == len(b'{"code": "SIZED"}') and posted["bodyTruncated"] is False
    assert posted["body"] == {"code": "SIZED"}
    assert posted["responseBodySize"] == len(created.content) and posted["responseBody"] == created.json()


def test_a_cut_body_never_ends_in_half_a_character(start_bc_mock):
    url = start_bc_mock("--journal-body-limit", "1K").url
    body = json.dumps({"code": "é" * 2000}, ensure_ascii=False).encode()  # 2 bytes each
    requests.post(
        f"{url}/api/v2.0/companies({USA})/customerPaymentJournals",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    (entry,) = requests.get(f"{url}/_mock/requests").json()["value"]
    assert entry["bodyTruncated"] and len(entry["body"].encode()) in (1023, 1024)
    assert body.decode().startswith(entry["body"])


def _health_journal(url: str) -> dict:
    return requests.get(f"{url}/_mock/health").json()["journal"]


def test_big_bodies_echoed_in_errors_stay_within_the_default_bounds(start_bc_mock):
    """Before: each 8 MB body and its 8 MB echo were kept whole (2.6 times the body per entry)."""
    url = start_bc_mock().url
    journals = f"{url}/api/v2.0/companies({USA})/customerPaymentJournals"
    body = json.dumps({"code": "y" * (8 * KB * KB)}).encode()
    for _ in range(4):
        response = requests.post(journals, data=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 400
    stats = _health_journal(url)
    assert stats["entries"] == 4 and stats["bodyLimitBytes"] == 64 * KB
    assert stats["keptBytes"] < 4 * (2 * 64 * KB + 8 * KB)  # two cut bodies and the rest, per entry
    assert stats["budgetBytes"] == 64 * KB * KB


def test_the_budget_bounds_all_entries_together(start_bc_mock):
    url = start_bc_mock("--journal-budget", "256K", "--journal-body-limit", "16K").url
    journals = f"{url}/api/v2.0/companies({USA})/customerPaymentJournals"
    sent = 0
    for number in range(40):  # 8 MB in all, 32 times the budget
        body = json.dumps({"code": f"N{number}", "displayName": "z" * (200 * KB)}).encode()
        sent += len(body)
        requests.post(journals, data=body, headers={"Content-Type": "application/json"})
        assert _health_journal(url)["keptBytes"] <= 256 * KB
    assert sent > 30 * 256 * KB
    entries = requests.get(f"{url}/_mock/requests").json()["value"]
    assert 1 < len(entries) < 40
    assert all(len(entry["body"].encode()) <= 16 * KB and entry["bodyTruncated"] for entry in entries)
    assert entries[-1]["bodySize"] == len(body) and '"code": "N39"' in entries[-1]["body"]  # the newest stay
    assert [entry["id"] for entry in entries] == list(range(41 - len(entries), 41))


def test_the_budget_counts_urls_and_headers_too(start_bc_mock):
    url = start_bc_mock("--journal-budget", "64K", "--journal-body-limit", "1K").url
    for number in range(60):  # no bodies: 4 KB of headers each
        requests.get(f"{url}/api/v2.0/companies?n={number}", headers={"X-Padding": "p" * (4 * KB)})
    stats = _health_journal(url)
    assert stats["keptBytes"] <= 64 * KB and stats["entries"] < 16


def test_what_the_budget_counts_is_at_least_what_the_entries_hold():
    """The estimate is fair: the objects the journal keeps take no more than it counts."""
    app = create_app(_settings(journal_body_limit=4 * KB, journal_budget=200 * KB))
    client = app.test_client()
    for number in range(300):
        client.post(
            f"/api/v2.0/companies({USA})/customerPaymentJournals?n={number}",
            json={"code": "C", "displayName": "d" * (number * 40)},
            headers={"Authorization": "Bearer " + "t" * 600, "X-Trace": str(number)},
        )
    journal = app.extensions["bc_mock"].journal
    stats = journal.stats()
    assert stats["keptBytes"] <= 200 * KB
    seen: set[int] = set()
    held = sum(_deep_size(entry, seen) for entry in journal._entries)
    assert held <= stats["keptBytes"]


def _deep_size(value, seen: set[int]) -> int:
    if id(value) in seen:
        return 0
    seen.add(id(value))
    size = sys.getsizeof(value)
    if isinstance(value, dict):
        size += sum(_deep_size(key, seen) + _deep_size(item, seen) for key, item in value.items())
    elif isinstance(value, (list, tuple)):
        size += sum(_deep_size(item, seen) for item in value)
    return size


@pytest.mark.parametrize(
    "args, env, says",
    [
        (["--journal-body-limit", "512"], {}, "journal_body_limit must be a whole number of at least 1024"),
        (["--journal-body-limit", "1.5K"], {}, "--journal-body-limit"),
        ([], {"BC_MOCK_JOURNAL_BODY_LIMIT": "lots"}, "BC_MOCK_JOURNAL_BODY_LIMIT"),
        (
            ["--journal-budget", "8K", "--journal-body-limit", "16K"],
            {},
            "journal_budget (8192) must be at least",
        ),
        ([], {"BC_MOCK_JOURNAL_BUDGET": "-1"}, "BC_MOCK_JOURNAL_BUDGET"),
    ],
)
def test_the_byte_bounds_are_validated_before_serving(args, env, says):
    result = subprocess.run(
        [sys.executable, "-m", "bc_mock", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=30,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("BC_MOCK_")}, **env},
        check=False,
    )
    assert result.returncode == 2 and says in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "listening" not in result.stdout


def test_the_byte_bounds_from_the_environment_and_in_process(start_bc_mock):
    url = start_bc_mock(env={"BC_MOCK_JOURNAL_BODY_LIMIT": "2K", "BC_MOCK_JOURNAL_BUDGET": "1M"}).url
    stats = _health_journal(url)
    assert (stats["bodyLimitBytes"], stats["budgetBytes"]) == (2 * KB, KB * KB)
    with MockServer(journal_body_limit=1024) as mock:
        requests.post(mock.api_url() + "/companies", data=b"q" * 5000, headers={"Content-Type": "text/plain"})
        (entry,) = mock.journal()
        assert entry["body"] == "q" * 1024 and entry["bodyTruncated"] and entry["bodySize"] == 5000


# --- a safe record: credentials hidden, strict JSON -------------------------------------------------


def test_every_credential_header_is_hidden(bc, journal, server_url, tenant):
    secrets = {
        "Authorization": "Bearer sekret-1",
        "Proxy-Authorization": "Basic sekret-2",
        "Cookie": "session=sekret-3; theme=dark",
        "X-Api-Key": "sekret-4",
        "Ocp-Apim-Subscription-Key": "sekret-5",
    }
    bc.get("companies", headers={**secrets, "X-Trace": "visible"})
    (entry,) = journal()
    assert entry["headers"]["Authorization"] == "Bearer [redacted]"
    assert entry["headers"]["Proxy-Authorization"] == "Basic [redacted]"
    assert entry["headers"]["Cookie"] == "[redacted]"
    assert entry["headers"]["X-Api-Key"] == entry["headers"]["Ocp-Apim-Subscription-Key"] == "[redacted]"
    assert entry["headers"]["X-Trace"] == "visible"
    listed = requests.get(f"{server_url}/_mock/requests", params={"tenant": tenant}).text
    assert "sekret" not in listed


def test_secrets_in_the_query_string_are_hidden_in_url_query_and_echoes(bc, journal, server_url, tenant):
    query = "?$top=1&access_token=sekret-a&code=sekret-b&Client_Secret=sekret-c&tag=kept"
    bc.get("companies" + query)
    missing = bc.get("nowhere" + query)  # BC's 404 quotes the URL, the token with it
    assert missing.status_code == 404 and "sekret-a" in missing.text
    found, refused = journal()
    for entry in (found, refused):
        assert entry["url"].endswith(
            "?$top=1&access_token=[redacted]&code=[redacted]&Client_Secret=[redacted]&tag=kept"
        )
        assert entry["query"] == {
            "$top": "1",
            "access_token": "[redacted]",
            "code": "[redacted]",
            "Client_Secret": "[redacted]",
            "tag": "kept",
        }
    assert "access_token=[redacted]" in refused["responseBody"]["error"]["message"]
    assert "sekret" not in requests.get(f"{server_url}/_mock/requests", params={"tenant": tenant}).text


def test_the_headers_of_batch_operations_are_hidden_in_the_batch_body(bc, journal, server_url, tenant):
    operation = {
        "id": "1",
        "method": "GET",
        "url": "companies?access_token=sekret-u",
        "headers": {"Authorization": "Bearer sekret-h", "Cookie": "c=sekret-c", "X-Keep": "yes"},
    }
    response = bc.post("$batch", {"requests": [operation]})
    assert response.status_code == 200
    (outer,) = [entry for entry in journal() if entry["apiPath"] == "$batch"]
    (recorded,) = outer["body"]["requests"]
    assert recorded["headers"] == {
        "Authorization": "Bearer [redacted]",
        "Cookie": "[redacted]",
        "X-Keep": "yes",
    }
    assert recorded["url"] == "companies?access_token=[redacted]"
    assert outer["bodyTruncated"] is False and outer["bodySize"] == len(response.request.body)
    assert "sekret" not in requests.get(f"{server_url}/_mock/requests", params={"tenant": tenant}).text


def test_the_journal_never_holds_a_batch_operations_secret():
    """Hidden as the entry is made, not only when it is listed: the bytes kept are clean."""
    app = create_app()
    client = app.test_client()
    operation = {
        "id": "1",
        "method": "GET",
        "url": "companies",
        "headers": {"Authorization": "Bearer sekret"},
    }
    client.post("/api/v2.0/$batch", json={"requests": [operation]})
    broken = b'{"requests": [{"headers": {"authorization": "Bearer sekret", "x": 1}'  # not JSON
    client.post("/api/v2.0/$batch", data=broken, content_type="application/json")
    kept = [
        entry["body"] for entry in app.extensions["bc_mock"].journal._entries if entry["apiPath"] == "$batch"
    ]
    assert len(kept) == 2 and all(b"sekret" not in body for body in kept)
    assert b'"authorization": "[redacted]"' in kept[1]


def test_the_journal_is_strict_json_with_exact_numbers(bc, journal, server_url, tenant):
    raw = b'{"code": "N", "ratio": NaN, "up": Infinity, "down": -Infinity, '
    raw += b'"exact": 0.10000000000000000001, "big": 1e400}'
    bc.session.post(bc.url(bc.journals()), data=raw, headers={"Content-Type": "application/json"})
    text = requests.get(f"{server_url}/_mock/requests", params={"tenant": tenant}).text

    def refuse(name):
        raise AssertionError(f"{name} is not JSON")

    (entry,) = json.loads(text, parse_constant=refuse, parse_float=Decimal)["value"]
    assert entry["body"]["ratio"] == "NaN" and entry["body"]["up"] == "Infinity"
    assert entry["body"]["down"] == "-Infinity"
    assert entry["body"]["exact"] == Decimal("0.10000000000000000001")
    assert entry["body"]["big"] == Decimal("1e400")
    with MockServer() as mock:  # in Python: floats, and the same strings
        requests.post(mock.api_url() + "/companies", data=raw, headers={"Content-Type": "application/json"})
        body = mock.journal()[0]["body"]
        assert (body["ratio"], body["up"], body["exact"]) == ("NaN", "Infinity", 0.1)


# --- pages, summaries, one entry, the answer's headers (what the dashboard reads) ----------------


def _listed(server_url, tenant, **params) -> dict:
    response = requests.get(f"{server_url}/_mock/requests", params={"tenant": tenant, **params})
    assert response.status_code == 200, response.text
    return response.json()


def test_limit_gives_the_newest_entries_and_says_whether_there_are_older_ones(
    bc, journal, server_url, tenant
):
    for number in range(5):
        bc.get(f"companies?n={number}")
    ids = [entry["id"] for entry in journal()]
    page = _listed(server_url, tenant, limit=2)
    assert [entry["id"] for entry in page["value"]] == ids[-2:]  # the newest two, oldest first
    assert page["more"] is True
    older = _listed(server_url, tenant, limit=2, before=ids[-2])
    assert [entry["id"] for entry in older["value"]] == ids[1:3] and older["more"] is True
    oldest = _listed(server_url, tenant, limit=2, before=ids[1])
    assert [entry["id"] for entry in oldest["value"]] == ids[:1] and oldest["more"] is False
    assert [entry["id"] for entry in journal(after=ids[2])] == ids[3:]
    assert [entry["id"] for entry in journal(after=ids[0], before=ids[2])] == [ids[1]]
    # the filters apply before the limit
    assert [e["query"]["n"] for e in _listed(server_url, tenant, limit=1, path="companies")["value"]] == ["4"]


def test_a_summary_leaves_out_headers_query_and_bodies(bc, journal, server_url, tenant):
    bc.post(bc.journals() + "?x=1", {"code": "SUM"}, headers={"Authorization": "Bearer s"})
    (whole,) = journal()
    (summary,) = _listed(server_url, tenant, summary="true")["value"]
    assert set(whole) - set(summary) == {"headers", "query", "body", "responseBody", "responseHeaders"}
    assert all(summary[key] == whole[key] for key in summary)


def test_one_entry_whole_by_its_id(bc, journal, server_url):
    bc.get("companies")
    (entry,) = journal()
    response = requests.get(f"{server_url}/_mock/requests/{entry['id']}")
    assert response.status_code == 200 and response.json() == entry
    gone = requests.get(f"{server_url}/_mock/requests/999999999")
    assert error_of(gone)[:2] == (404, "BadRequest_NotFound")


def test_the_journal_keeps_the_answers_headers(bc, journal):
    created = bc.post(bc.journals(), {"code": "HDR"})
    (entry,) = journal()
    headers = entry["responseHeaders"]
    assert headers["Location"] == created.headers["Location"]
    assert headers["request-id"] == created.headers["request-id"]  # added after the entry closed
    assert headers["Content-Type"] == created.headers["Content-Type"]
    assert headers["Cache-Control"] == "no-cache, no-store"


def test_a_cookie_a_fault_rule_sets_is_hidden(bc, journal, server_url, tenant):
    requests.post(
        f"{server_url}/_mock/faults",
        json={"tenant": tenant, "path": "companies", "status": 503, "headers": {"Set-Cookie": "s=secret"}},
    )
    assert bc.get("companies").headers["Set-Cookie"] == "s=secret"
    (entry,) = journal()
    assert entry["responseHeaders"]["Set-Cookie"] == "[redacted]"


def test_filter_by_fault_and_by_batch(bc, journal, server_url, tenant):
    rule = requests.post(
        f"{server_url}/_mock/faults",
        json={"tenant": tenant, "path": "*/accounts", "status": 503, "times": 1},
    ).json()
    bc.get(bc.company("accounts"))
    bc.get(bc.company("accounts"))
    batch = {"requests": [{"id": "1", "method": "GET", "url": "companies"}]}
    bc.post("$batch", batch)
    assert [e["status"] for e in journal(fault=rule["id"])] == [503]
    assert [e["status"] for e in journal(fault="*")] == [503]
    assert journal(fault="f-none") == []
    (outer,) = journal(path="$batch")
    (operation,) = journal(batch=outer["id"])
    assert operation["apiPath"] == "companies" and operation["batchId"] == outer["id"]


@pytest.mark.parametrize(
    "params, says",
    [
        ({"limit": "0"}, "'limit' must be a whole number of at least 1"),
        ({"limit": "ten"}, "'limit'"),
        ({"after": "-1"}, "'after' must be a whole number of at least 0"),
        ({"before": "1e3"}, "'before'"),
        ({"batch": "x"}, "'batch'"),
        ({"summary": "maybe"}, "'summary' must be true or false"),
    ],
)
def test_malformed_paging_parameters_are_bcs_400(server_url, params, says):
    response = requests.get(f"{server_url}/_mock/requests", params=params)
    status, code, message = error_of(response)
    assert (status, code) == (400, "BadRequest") and says in message
