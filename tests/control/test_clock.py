"""/_mock/clock: bc_mock's time, which a test moves instead of waiting."""

from __future__ import annotations

import datetime as dt

import pytest
import requests

from tests.helpers import BcClient, error_of, failed_start

START = "2026-01-05T09:00:00Z"


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def fixed_server(start_bc_mock_for_module):
    return start_bc_mock_for_module(f"--clock=fixed:{START}", "--rate-limit=2/60").url


def test_the_clock_runs_with_real_time_by_default(server_url, tenant):
    answer = requests.get(f"{server_url}/_mock/clock", params={"tenant": tenant}).json()
    assert answer["frozen"] is False
    assert answer["now"].endswith("Z")
    assert abs(_time(answer["now"]) - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(seconds=5)


def test_a_fixed_clock_starts_frozen_and_moves_only_forward(fixed_server, tenant):
    clock = f"{fixed_server}/_mock/clock"
    params = {"tenant": tenant}
    assert requests.get(clock, params=params).json() == {
        "now": "2026-01-05T09:00:00.000Z",
        "frozen": True,
        "tenant": tenant,
        "ownClock": False,
    }
    moved = requests.post(clock, params=params, json={"advanceSeconds": 90.5}).json()
    assert moved["now"] == "2026-01-05T09:01:30.500Z"
    assert requests.post(clock, params=params, json={"now": "2026-02-01T00:00:00+01:00"}).json()["now"] == (
        "2026-01-31T23:00:00.000Z"
    )
    backwards = requests.post(clock, params=params, json={"now": START})
    status, code, message = error_of(backwards)
    assert (status, code) == (400, "BadRequest")
    assert "never goes backwards" in message
    assert error_of(requests.post(clock, params=params, json={"advanceSeconds": -1}))[0] == 400
    assert requests.get(clock, params=params).json()["now"] == "2026-01-31T23:00:00.000Z"


def test_a_tenants_clock_is_its_own(fixed_server, tenant):
    clock = f"{fixed_server}/_mock/clock"
    requests.post(clock, params={"tenant": tenant}, json={"advanceSeconds": 3600})
    assert requests.get(clock).json()["now"] == "2026-01-05T09:00:00.000Z"  # the server's
    assert requests.get(clock, params={"tenant": "someone-else"}).json()["now"] == "2026-01-05T09:00:00.000Z"
    assert requests.get(clock, params={"tenant": tenant}).json()["ownClock"] is True


def test_records_are_stamped_with_the_clocks_time(fixed_server, tenant):
    requests.post(f"{fixed_server}/_mock/clock", params={"tenant": tenant}, json={"advanceSeconds": 61.25})
    bc = BcClient(fixed_server, tenant, "v2.0")
    journal = bc.post(bc.journals(), {"code": "CLOCKED"}).json()
    assert journal["lastModifiedDateTime"] == "2026-01-05T09:01:01.25Z"


def test_unfrozen_the_clock_runs_on_from_where_it_was(fixed_server, tenant):
    clock = f"{fixed_server}/_mock/clock"
    running = requests.post(clock, params={"tenant": tenant}, json={"frozen": False}).json()
    assert running["frozen"] is False
    assert _time(running["now"]) - _time(START) < dt.timedelta(seconds=5)
    frozen = requests.post(clock, params={"tenant": tenant}, json={"frozen": True}).json()
    assert frozen["frozen"] is True
    assert requests.get(clock, params={"tenant": tenant}).json()["now"] == frozen["now"]


def test_a_reset_puts_the_clock_back_where_the_server_started_it(fixed_server, tenant):
    clock = f"{fixed_server}/_mock/clock"
    requests.post(clock, params={"tenant": tenant}, json={"advanceSeconds": 86400})
    requests.post(f"{fixed_server}/_mock/reset", params={"tenant": tenant})
    assert requests.get(clock, params={"tenant": tenant}).json() == {
        "now": "2026-01-05T09:00:00.000Z",
        "frozen": True,
        "tenant": tenant,
        "ownClock": False,
    }


def test_the_rate_limits_window_is_the_clocks(fixed_server, tenant):
    bc = BcClient(fixed_server, tenant, "v2.0")
    assert [bc.get("companies").status_code for _ in range(3)] == [200, 200, 429]
    requests.post(f"{fixed_server}/_mock/clock", params={"tenant": tenant}, json={"advanceSeconds": 59})
    assert bc.get("companies").status_code == 429  # the window has not moved on yet
    requests.post(f"{fixed_server}/_mock/clock", params={"tenant": tenant}, json={"advanceSeconds": 1})
    assert bc.get("companies").status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"advanceSeconds": "ten"},
        {"advanceSeconds": True},
        {"advanceSeconds": 1e300},
        {"now": "yesterday"},
        {"now": 5},
        {"frozen": "yes"},
        {"advanceSeconds": 1, "now": START},
        {"speed": 2},
        [1],
    ],
)
def test_a_malformed_move_is_refused_and_moves_nothing(fixed_server, tenant, body):
    clock = f"{fixed_server}/_mock/clock"
    refused = requests.post(clock, params={"tenant": tenant}, json=body)
    assert refused.status_code == 400, refused.text
    assert requests.get(clock, params={"tenant": tenant}).json()["now"] == "2026-01-05T09:00:00.000Z"


@pytest.mark.parametrize("value", ["fixed:yesterday", "slow", "fixed:"])
def test_a_malformed_clock_option_stops_the_command(value):
    server = failed_start(f"--clock={value}")
    assert server is not None and server.returncode == 2
    assert "--clock" in server.stderr
