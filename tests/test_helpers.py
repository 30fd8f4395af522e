"""The tests' own tools (tests/helpers.py, tests/conftest.py): servers started with a bounded wait and
never leaked, and assert_unchanged."""

from __future__ import annotations

import os
import sys
import time

import pytest
import requests

from tests.helpers import BANK, UK, USA, ServerDidNotStart, assert_unchanged, launch_server, start_server

SILENT = "import sys, time; print('warming up', file=sys.stderr, flush=True); time.sleep(60)"


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_command_that_never_prints_the_start_up_line_times_out_and_is_killed():
    began = time.monotonic()
    with pytest.raises(ServerDidNotStart) as failed:
        launch_server(command=[sys.executable, "-c", SILENT], timeout=1)
    assert time.monotonic() - began < 3
    assert failed.value.timed_out
    assert failed.value.server.process.returncode is not None  # killed, and waited for
    assert "no start-up line within 1 s" in str(failed.value)
    assert "warming up" in str(failed.value)  # what it wrote to stderr


def test_a_hung_bc_mock_makes_start_server_raise_within_its_timeout(tmp_path):
    # a sitecustomize that sleeps: `python -m bc_mock` hangs before it prints anything
    (tmp_path / "sitecustomize.py").write_text(SILENT, encoding="utf-8")
    began = time.monotonic()
    with pytest.raises(RuntimeError, match="warming up"):
        start_server(env={"PYTHONPATH": str(tmp_path)}, timeout=1)
    assert time.monotonic() - began < 3


def test_a_hung_bc_mock_makes_the_fixture_raise_within_its_timeout(start_bc_mock, tmp_path):
    (tmp_path / "sitecustomize.py").write_text(SILENT, encoding="utf-8")
    began = time.monotonic()
    with pytest.raises(ServerDidNotStart) as failed:
        start_bc_mock(env={"PYTHONPATH": str(tmp_path)}, timeout=1)
    assert time.monotonic() - began < 3
    assert failed.value.timed_out and failed.value.server.process.returncode is not None


def test_a_refused_start_up_raises_with_the_exit_code_and_stderr(start_bc_mock, tmp_path):
    with pytest.raises(ServerDidNotStart) as failed:
        start_bc_mock("--fixtures", str(tmp_path / "nowhere"))
    assert not failed.value.timed_out
    assert failed.value.server.returncode == 2
    assert str(tmp_path / "nowhere") in failed.value.server.stderr
    assert str(tmp_path / "nowhere") in str(failed.value)


def test_a_started_server_has_its_url_and_its_output_once_stopped(start_bc_mock):
    server = start_bc_mock()
    assert requests.get(f"{server.url}/_mock/health", timeout=5).status_code == 200
    assert server.line == f"bc-mock listening on {server.url}"
    assert server.stop() is not None
    assert server.stdout.startswith(server.line)
    assert "Traceback" not in server.stderr
    assert server.stop() == server.process.returncode  # stopping twice is harmless


def test_the_fixture_stops_what_it_started_when_the_test_fails(pytester: pytest.Pytester):
    pids = pytester.path / "pids"
    pytester.makeconftest("from tests.conftest import start_bc_mock  # noqa: F401\n")
    pytester.makepyfile(
        f"""
        def test_starts_two_and_fails(start_bc_mock):
            first, second = start_bc_mock(), start_bc_mock("--page-size", "5")
            with open({str(pids)!r}, "w") as out:
                out.write(f"{{first.process.pid}} {{second.process.pid}}")
            assert False, "a failing test"
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    started = [int(pid) for pid in pids.read_text().split()]
    assert len(started) == 2 and all(_gone(pid) for pid in started)


# --- assert_unchanged ---------------------------------------------------------------------------


def test_assert_unchanged_passes_when_the_block_changes_nothing(bc):
    with assert_unchanged(bc):
        assert bc.post(bc.journals(), {"code": "x" * 11}).status_code == 400
        assert bc.get(bc.journals()).status_code == 200


def test_assert_unchanged_fails_with_a_diff_of_what_changed(bc):
    with pytest.raises(AssertionError) as failed, assert_unchanged(bc, message="renamed"):
        assert bc.patch(bc.journals(f"({BANK})"), {"displayName": "Renamed"}).status_code == 200
    text = str(failed.value)
    assert text.startswith("renamed: journals or payments changed")
    assert '+        "displayName": "Renamed",' in text.splitlines()
    assert any(line.startswith('-        "@odata.etag"') for line in text.splitlines())


def test_assert_unchanged_looks_at_the_companies_it_is_given(bc):
    with assert_unchanged(bc, UK):
        bc.post(bc.journals(company=USA), {"code": "USAONLY"})
    with pytest.raises(AssertionError), assert_unchanged(bc, USA, UK):
        bc.post(bc.journals(company=UK), {"code": "UKONLY"})


def test_assert_unchanged_lets_an_error_of_the_block_through(bc):
    with pytest.raises(ZeroDivisionError), assert_unchanged(bc):
        bc.post(bc.journals(), {"code": "CHANGED"})
        raise ZeroDivisionError("the block's own error")
