"""Start-up options of the command: --faults FILE, --rate-limit N/SECONDS, and what a reset restores."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import requests

from bc_mock.config import parse_limit
from bc_mock.ratelimit import RateLimiter
from tests.helpers import error_of


@pytest.fixture
def serve(start_bc_mock):
    """Start `python -m bc_mock` with the given arguments; its URL (stopped after the test)."""

    def start(*args: str, env: dict | None = None) -> str:
        return start_bc_mock(*args, env=env).url

    return start


def _companies(url: str, tenant: str = "default") -> requests.Response:
    return requests.get(f"{url}/v2.0/{tenant}/production/api/v2.0/companies")


def test_faults_file_rules_are_active_from_the_start(serve, tmp_path):
    rules = tmp_path / "faults.json"
    rules.write_text(
        json.dumps(
            [
                {"path": "companies", "preset": "throttled", "times": 1},
                {"method": "DELETE", "path": "*", "status": 500},
            ]
        )
    )
    url = serve("--faults", str(rules))
    assert _companies(url).status_code == 429
    assert _companies(url).status_code == 200
    listed = requests.get(f"{url}/_mock/faults").json()["value"]
    assert [(rule["path"], rule["hits"]) for rule in listed] == [("companies", 1), ("*", 0)]


def test_reset_puts_the_start_up_rules_back_with_fresh_counters(serve, tmp_path):
    rules = tmp_path / "faults.json"
    rules.write_text(json.dumps({"path": "companies", "preset": "unavailable", "times": 1}))
    url = serve(env={"BC_MOCK_FAULTS": str(rules)})
    assert _companies(url).status_code == 503
    requests.post(f"{url}/_mock/faults", json={"path": "*", "status": 500})
    assert _companies(url).status_code == 500
    assert requests.post(f"{url}/_mock/reset").status_code == 200
    assert requests.get(f"{url}/_mock/requests").json()["value"] == []
    assert [rule["hits"] for rule in requests.get(f"{url}/_mock/faults").json()["value"]] == [0]
    assert _companies(url).status_code == 503  # the file's rule, fresh again
    assert _companies(url).status_code == 200  # and the added one is gone


def test_reset_clears_data_journal_rules_and_rate_counts(serve):
    url = serve("--rate-limit", "2/60")
    usa = "c0a00001-0000-4000-8000-000000000001"
    journals = f"{url}/api/v2.0/companies({usa})/customerPaymentJournals"
    assert requests.post(journals, json={"code": "NEW"}).status_code == 201
    assert requests.get(journals).status_code == 200
    assert requests.get(journals).status_code == 429  # the third request
    requests.post(f"{url}/_mock/faults", json={"path": "*", "status": 500})
    requests.post(f"{url}/_mock/reset")
    assert requests.get(f"{url}/_mock/faults").json()["value"] == []
    assert requests.get(f"{url}/_mock/requests").json()["value"] == []
    response = requests.get(journals)
    assert response.status_code == 200
    assert "NEW" not in [journal["code"] for journal in response.json()["value"]]


@pytest.mark.parametrize(
    "content, message",
    [
        ("{nope", "cannot read fault rules"),
        (json.dumps({"path": "*", "preset": "flaky"}), "Unknown preset 'flaky'"),
    ],
)
def test_a_bad_faults_file_stops_the_command_with_a_clear_error(tmp_path, content, message):
    rules = tmp_path / "faults.json"
    rules.write_text(content)
    done = subprocess.run(
        [sys.executable, "-m", "bc_mock", "--port", "0", "--faults", str(rules)],
        check=False,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert message in done.stderr and str(rules) in done.stderr


# --- the rate limit ---------------------------------------------------------------------------


def test_rate_limit_answers_bcs_429_per_tenant(serve):
    url = serve("--rate-limit", "3/60")
    assert [_companies(url, "a").status_code for _ in range(3)] == [200, 200, 200]
    refused = _companies(url, "a")
    assert error_of(refused) == (
        429,
        "Application_TooManyRequests",
        "Too many requests reached. Actual (4). Maximum (3).",
    )
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert _companies(url, "b").status_code == 200  # another tenant has its own count
    assert requests.get(f"{url}/_mock/health").status_code == 200  # /_mock is not counted
    entries = requests.get(f"{url}/_mock/requests", params={"status": 429}).json()["value"]
    assert len(entries) == 1 and entries[0]["rateLimited"] is True


def test_rate_limit_from_the_environment(serve):
    url = serve(env={"BC_MOCK_RATE_LIMIT": "2/60"})
    assert [_companies(url).status_code for _ in range(3)] == [200, 200, 429]


def test_the_window_slides_request_by_request():
    """BC's window slides: a request leaves it SECONDS after it came (a clock the test controls)."""
    now = [100.0]
    limiter = RateLimiter(2, 10, clock=lambda tenant: now[0])
    assert limiter.check("t") is None
    now[0] = 104.0
    assert limiter.check("T") is None  # tenants are case-insensitive, as in the URL
    now[0] = 109.5
    refused = limiter.check("t")
    assert refused.status == 429 and refused.headers == {"Retry-After": "1"}  # the first leaves at 110
    now[0] = 110.0
    assert limiter.check("t") is None
    assert limiter.check("t").headers == {"Retry-After": "4"}  # the second leaves at 114
    assert limiter.check("other") is None
    limiter.clear("t")
    assert limiter.check("t") is None


def test_parse_limit():
    assert parse_limit("600/60") == (600, 60.0)
    assert parse_limit("5/0.5") == (5, 0.5)
    for bad in ("many", "0/60", "5/0", "5/x", "-1/10"):
        with pytest.raises(ValueError, match="rate limit"):
            parse_limit(bad)


def test_a_refused_request_changes_nothing(serve):
    url = serve("--rate-limit", "1/60")
    usa = "c0a00001-0000-4000-8000-000000000001"
    journals = f"{url}/api/v2.0/companies({usa})/customerPaymentJournals"
    assert requests.get(journals).status_code == 200
    assert requests.post(journals, json={"code": "NEW"}).status_code == 429
    requests.post(f"{url}/_mock/reset")  # reset counts, not the data
    assert "NEW" not in [j["code"] for j in requests.get(journals).json()["value"]]


@pytest.mark.parametrize("limit", ["many", "0/60", "5/0", "5/x"])
def test_a_bad_rate_limit_stops_the_command(limit):
    done = subprocess.run(
        [sys.executable, "-m", "bc_mock", "--port", "0", "--rate-limit", limit],
        check=False,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2 and "rate limit" in done.stderr
