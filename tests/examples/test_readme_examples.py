"""The README's examples (pytest, MockServer, curl, query options, failure injection, journal) run as
written, and its generated tables match the registry."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

# loaded before pytester's in-process run (which forgets the modules a run imports)
import bc_mock.app
import bc_mock.server  # noqa: F401
from tests.helpers import start_server, stop_server

README = (Path(__file__).parent.parent.parent / "README.md").read_text()


def _section(heading: str) -> str:
    return README.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]


def _blocks(heading: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", _section(heading), re.DOTALL)


@pytest.fixture
def fresh_server():
    process, url = start_server()
    yield url
    stop_server(process)


def _run_sh(block: str, server_url: str) -> str:
    script = "set -euo pipefail\n" + block.replace("http://127.0.0.1:8080", server_url)
    done = subprocess.run(["bash", "-c", script], check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_pytest_example_passes(pytester: pytest.Pytester):
    test_file, _ = _blocks("## Use it from pytest", "python")
    assert "def test_" in test_file
    pytester.makepyfile(test_example=test_file)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_the_mock_server_example_runs():
    _, script = _blocks("## Use it from pytest", "python")
    done = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Internal_TenantUnavailable"


def test_the_failure_injection_example_runs(fresh_server):
    (block,) = _blocks("## Failure injection", "sh")
    output = _run_sh(block, fresh_server)
    assert output.count('"id":"f') >= 3  # the rules it added, answered with their ids
    assert '"preset":"throttled"' in output and '"seed":7' in output
    assert "HTTP/1.1 200" in output or "HTTP/1.1 503" in output
    assert "connection dropped" in output or '"error"' in output
    assert requests.get(f"{fresh_server}/_mock/faults").json() == {"value": []}  # all removed at the end


def test_the_journal_example_runs(fresh_server):
    (block,) = _blocks("## Request journal", "sh")
    output = _run_sh(block, fresh_server)
    assert '"method":"GET"' in output and '"apiPath":"companies"' in output
    assert requests.get(f"{fresh_server}/_mock/requests").json() == {"value": []}


def test_the_curl_walkthrough_runs_without_an_error(fresh_server):
    walkthrough, mistake = _blocks("## Use it with curl", "sh")
    output = _run_sh(walkthrough, fresh_server)
    assert '"error"' not in output
    assert '"code":"RECEIPTS"' in output
    assert '"balancingAccountNumber":"10100"' in output
    assert '"amount":-3999.99' in output
    assert '"status":"ok"' in output
    # the error example (after the walkthrough's variables)
    output = _run_sh(walkthrough.split("# companies")[0] + mistake, fresh_server)
    assert '"code":"Application_StringExceededLength"' in output


def test_the_query_option_examples_run(fresh_server):
    (block,) = _blocks("## Query options (OData)", "sh")
    output = _run_sh(block, fresh_server)
    assert '"error"' not in output
    assert '"number":"10300","displayName":"Petty Cash"' in output
    assert '"@odata.count":2' in output
    assert '"customerPayments":[' in output and '"account":{' in output
    assert "$skiptoken=" in output
    assert "<edmx:Edmx" in output
    assert '"status":201' in output and '"journalDisplayName":"BATCH"' in output


def _generated(name: str) -> str:
    match = re.search(rf"<!-- {name} \(generated[^>]*-->\n(.*?)<!-- /{name} -->", README, re.DOTALL)
    assert match, f"README has no generated {name} section"
    return match.group(1)


def test_the_entity_table_is_generated_from_the_registry():
    from bc_mock.docs import entity_table

    assert _generated("entity-table") == entity_table()


def test_the_property_tables_are_generated_from_the_registry():
    from bc_mock.docs import property_tables

    assert _generated("property-tables") == property_tables()
