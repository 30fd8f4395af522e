"""The README's examples run as written, twice in a row (a second run must find nothing left over
from the first), and its generated tables match the registry.

Shell examples run with bash against a fresh server whose URL replaces http://127.0.0.1:8080;
Python examples run as they are. The container examples are run by tests/test_docker.py, the
Quick start and the installation commands by tests/examples/test_quick_start.py.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import msal  # noqa: F401  # loaded before pytester's runs, as bc_mock's modules below
import pytest
import requests
import trustme  # noqa: F401  # (the same)
import yaml

# loaded before pytester's in-process run (which forgets the modules a run imports: a second copy
# of cryptography's classes would not know the first's objects)
import bc_mock.app
import bc_mock.auth.entra
import bc_mock.server
import bc_mock.tls
from bc_mock.cli import build_parser
from bc_mock.clock import parse_iso
from bc_mock.config import Settings
from tests.helpers import token_echo_server

ROOT = Path(__file__).parent.parent.parent
README = (ROOT / "README.md").read_text()
RUNS = (1, 2)


def section(heading: str) -> str:
    """The text of a README section, up to the next heading of the same level or higher."""
    level = heading.split(" ", 1)[0]
    body = README.split(f"\n{heading}\n", 1)[1]
    stop = re.search(rf"\n#{{2,{len(level)}}} ", body)
    return body[: stop.start()] if stop else body


def blocks(heading: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", section(heading), re.DOTALL)


@pytest.fixture
def fresh_server(start_bc_mock) -> str:
    return start_bc_mock().url


def run_sh(block: str, server_url: str, cwd: Path | None = None) -> str:
    script = "set -euo pipefail\n" + block.replace("http://127.0.0.1:8080", server_url)
    done = subprocess.run(
        ["bash", "-c", script], check=False, capture_output=True, text=True, timeout=60, cwd=cwd
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def run_python(script: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


# --- Use it from pytest ------------------------------------------------------------------------


def test_the_pytest_example_passes_twice(pytester: pytest.Pytester):
    test_file = blocks("## Use it from pytest", "python")[0]
    assert "def test_" in test_file
    pytester.makepyfile(test_example=test_file)
    for _ in RUNS:
        result = pytester.runpytest("-p", "no:cacheprovider")
        result.assert_outcomes(passed=2)


def test_the_assertion_message_looks_as_shown(pytester: pytest.Pytester):
    (shown,) = blocks("## Use it from pytest", "text")
    pytester.makepyfile(
        """
        import requests

        USA = "c0a00001-0000-4000-8000-000000000001"
        GENERAL = "da000001-0000-4000-8000-000000000001"

        def test_it(bc_mock):
            requests.get(bc_mock.api_url() + "/companies")
            url = f"{bc_mock.api_url()}/companies({USA})/customerPaymentJournals({GENERAL})/customerPayments"
            requests.post(url, json={"customerNumber": "10000", "amount": -1})
            bc_mock.assert_requested("POST", "*/customerPayments", times=3)
        """
    )
    output = pytester.runpytest("-p", "no:cacheprovider").stdout.str()
    for line in shown.splitlines():
        pattern = re.escape(line).replace(r"\.\.\.", "[0-9a-f-]+")
        assert re.search(pattern, output), f"the README shows {line!r}; the output was:\n{output}"


def test_the_in_process_mock_server_example_runs_twice():
    script = blocks("## Use it from pytest", "python")[1]
    assert "MockServer()" in script
    for _ in RUNS:
        assert run_python(script).strip() == "Internal_TenantUnavailable"


def test_the_attached_mock_server_example_runs_twice_against_one_server(fresh_server):
    script = blocks("## Use it from pytest", "python")[2]
    assert 'MockServer(url="http://127.0.0.1:8080")' in script
    for _ in RUNS:
        run_python(script.replace("http://127.0.0.1:8080", fresh_server))
    # each run removed what it added: no rule, no journal entry, no data of its tenants is left
    assert requests.get(f"{fresh_server}/_mock/faults").json() == {"value": []}
    assert requests.get(f"{fresh_server}/_mock/requests").json() == {"value": []}


# --- Use it with curl ----------------------------------------------------------------------------


def test_the_curl_walkthrough_runs_twice_without_an_error(fresh_server):
    walkthrough, mistake = blocks("## Use it with curl", "sh")
    for _ in RUNS:
        output = run_sh(walkthrough, fresh_server)
        assert '"error"' not in output
        assert '"code":"RECEIPTS"' in output
        assert '"balancingAccountNumber":"10100"' in output
        assert '"amount":-3999.99' in output
        assert '"status":"ok"' in output
        # the error example (after the walkthrough's variables)
        output = run_sh(walkthrough.split("# companies")[0] + mistake, fresh_server)
        assert '"code":"Application_StringExceededLength"' in output


def test_the_posting_walkthrough_runs_twice_and_shows_what_it_says(fresh_server):
    (walkthrough,) = blocks("## Post payments: the whole loop", "sh")
    (table,) = blocks("## Post payments: the whole loop", "text")
    for _ in RUNS:
        output = run_sh(walkthrough, fresh_server)
        lines = output.splitlines()
        assert "204" in lines
        assert '"number":"103001","remainingAmount":0,"status":"Paid"' in output
        assert '"remainingAmount":1500.5,"status":"Open"' in output
        entries = next(json.loads(line) for line in lines if "entryNumber" in line)["value"]
        shown = [row.split() for row in table.strip().splitlines()[1:]]
        assert [
            [
                str(e["entryNumber"]),
                e["documentNumber"],
                e["accountNumber"],
                str(e["debitAmount"]),
                str(e["creditAmount"]),
            ]
            for e in entries
        ] == shown
        assert "There is nothing to post." in output
        assert '"status":"reset"' in output


def test_the_posting_pytest_example_passes_twice(pytester: pytest.Pytester):
    (test_file,) = blocks("## Post payments: the whole loop", "python")
    pytester.makepyfile(test_posting_example=test_file)
    for _ in RUNS:
        result = pytester.runpytest("-p", "no:cacheprovider")
        result.assert_outcomes(passed=2)


def test_the_query_option_examples_run_twice(fresh_server):
    (block,) = blocks("## Query options (OData)", "sh")
    for _ in RUNS:
        output = run_sh(block, fresh_server)
        assert '"error"' not in output
        assert '"number":"10300","displayName":"Petty Cash"' in output
        assert '"@odata.count":2' in output
        assert '"customerPayments":[' in output and '"account":{' in output
        assert "$skiptoken=" in output
        assert "<edmx:Edmx" in output
        assert '"status":201' in output and '"journalDisplayName":"BATCH"' in output


def test_the_failure_injection_example_shows_what_it_says_twice(fresh_server):
    (block,) = blocks("## Failure injection", "sh")
    for _ in RUNS:
        output = run_sh(block, fresh_server)
        lines = [line for line in output.splitlines() if not line.startswith(("{", "["))]  # not JSON
        assert lines[:3] == ["429", "429", "201"]
        assert lines[3].split() == ["200", "503", "200", "503", "200", "200", "503", "200", "503", "200"]
        assert re.fullmatch(r"200 after 0\.(0[5-9]|1\d|2\d*)\d* s", lines[4]), lines[4]
        assert lines[5] == "connection dropped"
        listed = next(json.loads(line) for line in output.splitlines() if line.startswith('{"value"'))[
            "value"
        ]
        assert [rule["hits"] for rule in listed] == [2, 4, 1, 1]
        assert requests.get(f"{fresh_server}/_mock/faults").json() == {"value": []}  # all removed
    text = section("## Failure injection")
    assert "`429`, `429`, `201`" in text and "`200 503 200 503 200 200\n503 200 503 200`" in text


def test_the_request_journal_example_runs_twice(fresh_server):
    (block,) = blocks("## Request journal", "sh")
    for _ in RUNS:
        output = run_sh(block, fresh_server)
        assert '"method":"GET"' in output and '"apiPath":"companies"' in output
        assert requests.get(f"{fresh_server}/_mock/requests").json() == {"value": []}


# --- Webhooks ------------------------------------------------------------------------------------


@pytest.fixture
def receiver_url():
    with token_echo_server() as server:
        yield f"http://127.0.0.1:{server.server_port}/hooks/bc"


def test_the_webhook_curl_examples_run_twice(fresh_server, receiver_url):
    subscribe, faults, clock = blocks("## Webhooks", "sh")
    for _ in RUNS:
        # the subscription example, with a receiver that answers the handshake as a real one must
        created = json.loads(
            run_sh(subscribe.replace("https://receiver.example/hooks/bc", receiver_url), fresh_server)
        )
        assert created["notificationUrl"] == receiver_url
        assert created["resource"].endswith("/customers") and len(created["subscriptionId"]) == 32
        requests.post(f"{fresh_server}/_mock/reset")
        lines = run_sh(faults, fresh_server).splitlines()
        assert [rule["webhook"] for rule in json.loads(lines[0])] == ["notification", "notification"]
        assert json.loads(lines[1]) == {"delivered": 0, "failed": 0}
        assert json.loads(lines[2]) == {"subscriptions": [], "deliveries": []}
        frozen, moved, read = (json.loads(line) for line in run_sh(clock, fresh_server).splitlines())
        assert frozen["frozen"] is True and read == moved
        assert parse_iso(moved["now"]) - parse_iso(frozen["now"]) == dt.timedelta(hours=1)
        assert requests.get(f"{fresh_server}/_mock/clock").json()["frozen"] is False


def test_the_webhook_sets_named_are_those_bc_supports_and_bc_mock_serves():
    from bc_mock.entities import REGISTRY
    from bc_mock.entities.subscriptions import WEBHOOK_SETS

    text = " ".join(section("## Webhooks").split())
    named = re.search(r"supporting webhooks that bc_mock serves: (.*?) \(those it serves", text)
    assert named, "the list of webhook sets is gone from the README"
    assert named.group(1).split(", ") == sorted(name for name in WEBHOOK_SETS if name in REGISTRY)


def test_the_webhook_pytest_example_passes_twice(pytester: pytest.Pytester):
    (test_file,) = blocks("## Webhooks", "python")
    assert "httpserver" in test_file and "clock.advance" in test_file
    pytester.makepyfile(test_webhooks=test_file)
    for _ in RUNS:
        result = pytester.runpytest("-p", "no:cacheprovider")
        result.assert_outcomes(passed=2)


# --- Authenticate as BC Online does --------------------------------------------------------------

AUTH = "## Authenticate as BC Online does"


@pytest.fixture
def no_ca_bundle_override(monkeypatch):
    # requests lets these override the verify= MSAL and the examples pass
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)


def test_the_msal_pytest_example_passes_twice(pytester: pytest.Pytester, no_ca_bundle_override):
    (test_file,) = blocks(AUTH, "python")
    assert (
        "msal.ConfidentialClientApplication" in test_file
        and 'MockServer(auth="entra", tls=True)' in test_file
    )
    pytester.makepyfile(test_msal_example=test_file)
    for _ in RUNS:
        result = pytester.runpytest("-p", "no:cacheprovider")
        result.assert_outcomes(passed=2)


def test_the_dashboard_example_runs_twice(fresh_server, tmp_path):
    (block,) = blocks("## Dashboard", "sh")
    for _ in RUNS:
        output = run_sh(block, fresh_server, cwd=tmp_path)
        lines = output.splitlines()
        assert lines[0] == "[200]"
        assert lines[1] == '{"value":[{"tenant":"default","environment":"production"}]}'
        customers = json.loads(lines[2])["value"]
        assert [customer["number"] for customer in customers] == ["10000", "20000"]
        assert list(tmp_path.iterdir()) == []  # the example removed its file
    text = section("## Dashboard")
    assert (
        "It prints `[200]`" in text
        and '`{"value":[{"tenant":"default","environment":"production"}]}`' in text
    )


def test_the_dashboards_ci_example_keeps_the_har_files_of_a_failed_run():
    (steps,) = blocks("## Dashboard", "yaml")
    run, upload = yaml.safe_load(steps)["steps"]
    assert run["run"] == "pytest --bc-mock-har har/"
    assert upload["if"] == "failure()" and upload["with"]["path"] == "har/"


@pytest.fixture
def entra_server(start_bc_mock, tmp_path) -> str:
    """bc-mock --auth entra --tls --tls-ca-out ca.pem, started in tmp_path (where the examples run)."""
    return start_bc_mock("--auth", "entra", "--tls", "--tls-ca-out", "ca.pem", cwd=tmp_path).url


def test_the_auth_curl_examples_run_twice(entra_server, tmp_path):
    with_curl, _docker, applications, made_to_order = blocks(AUTH, "sh")
    assert "docker run" in _docker  # run by tests/test_docker.py
    for _ in RUNS:
        output = run_sh(with_curl.replace("https://127.0.0.1:8080", entra_server), entra_server, tmp_path)
        lines = output.splitlines()
        assert '"name":"CRONUS USA, Inc."' in lines[0]
        assert lines[1].startswith("HTTP/1.1 401")
        assert lines[2].lower().startswith('www-authenticate: bearer authorization_uri="https://127.0.0.1:')
        assert json.loads(lines[3])["error_codes"] == [7000215]
        output = run_sh(applications.replace("https://127.0.0.1:8080", entra_server), entra_server, tmp_path)
        listed, added = (json.loads(line) for line in output.splitlines())
        assert listed["value"][0]["clientId"] == "a9900001-0000-4000-8000-000000000001"
        assert added["tenant"] == "contoso.com" and added["roles"] == ["API.ReadWrite.All"]
        output = run_sh(made_to_order.replace("https://127.0.0.1:8080", entra_server), entra_server, tmp_path)
        assert "The token's audience is 'https://graph.microsoft.com'" in output
    assert requests.get(f"{entra_server}/_mock/applications", verify=str(tmp_path / "ca.pem")).json()[
        "value"
    ] == [
        {
            "clientId": "a9900001-0000-4000-8000-000000000001",
            "clientSecret": "bc-mock-test-secret",
            "tenant": "default",
            "roles": ["API.ReadWrite.All"],
            "displayName": "bc_mock test application",
        }
    ]  # the example removed what it registered; and the seed's application is the documented one


def test_the_401_body_shown_is_bcs(entra_server, tmp_path, no_ca_bundle_override):
    (shown,) = blocks(AUTH, "json")
    answered = requests.get(f"{entra_server}/api/v2.0/companies", verify=str(tmp_path / "ca.pem"))
    assert answered.status_code == 401
    body = answered.json()
    body["error"]["message"] = body["error"]["message"].split("CorrelationId:  ")[0] + "CorrelationId:  ..."
    assert json.loads(shown) == body


def test_the_auth_compose_example_is_well_formed():
    (compose,) = blocks(AUTH, "yaml")
    services = yaml.safe_load(compose)["services"]
    server = services["bc-mock"]
    assert server["command"] == ["--auth", "entra", "--tls", "--tls-ca-out", "/ca/ca.pem"]
    assert server["environment"]["BC_MOCK_TLS_HOSTNAMES"] == "bc-mock"
    assert services["tests"]["command"] == "pytest --bc-mock-url https://bc-mock:8080 --bc-mock-ca /ca/ca.pem"
    assert services["tests"]["depends_on"]["bc-mock"]["condition"] == "service_healthy"
    for option in server["command"]:
        if option.startswith("--"):
            assert option in {
                a for action in build_parser(Settings())._actions for a in action.option_strings
            }


def test_the_seed_table_names_the_registered_application():
    text = section("## The bundled seed")
    assert "`a9900001-0000-4000-8000-000000000001`" in text and "`bc-mock-test-secret`" in text
    seed = json.loads((ROOT / "fixtures" / "applications.json").read_text())["applications"]
    assert [(app["clientId"], app["clientSecret"], app["tenant"]) for app in seed] == [
        ("a9900001-0000-4000-8000-000000000001", "bc-mock-test-secret", "default")
    ]


# --- reference sections ----------------------------------------------------------------------------


def test_the_command_section_documents_every_option():
    usage, *_ = blocks("## The command", "text")
    table = section("## The command")
    for action in build_parser(Settings())._actions:
        for option in action.option_strings:
            if option in ("-h", "--help"):
                continue
            assert option in usage, f"{option} is missing from the usage line"
            assert f"`{option}" in table, f"{option} is missing from the options table"
        if action.dest != "help":
            variable = f"BC_MOCK_{action.dest.upper()}"
            assert variable in table, f"{variable} is missing from the options table"


def test_the_fixture_example_seeds_a_server(tmp_path, start_bc_mock):
    example, applications = blocks("## Fixtures", "json")
    path = tmp_path / "my-company.json"
    path.write_text(example)
    for _ in RUNS:
        server = start_bc_mock("--fixtures", str(path))
        companies = requests.get(f"{server.url}/api/v2.0/companies").json()["value"]
        assert [company["name"] for company in companies] == ["My Company"]
        assert requests.get(f"{server.url}/_mock/applications").json()["value"] == []
        server.stop()
    (tmp_path / "applications.json").write_text(applications)
    server = start_bc_mock("--fixtures", str(tmp_path), "--auth", "entra")
    (registered,) = requests.get(f"{server.url}/_mock/applications").json()["value"]
    assert (registered["tenant"], registered["displayName"]) == ("contoso.onmicrosoft.com", "Payment sync")
    token = requests.post(
        f"{server.url}/contoso.onmicrosoft.com/oauth2/v2.0/token",
        data={"grant_type": "client_credentials", "client_id": registered["clientId"],
              "client_secret": registered["clientSecret"], "scope": "https://api.businesscentral.dynamics.com/.default"},
    ).json()["access_token"]  # fmt: skip
    api = f"{server.url}/v2.0/contoso.onmicrosoft.com/production/api/v2.0/companies"
    assert requests.get(api, headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_the_compose_and_actions_examples_are_well_formed():
    (compose,) = blocks("### With docker compose", "yaml")
    services = yaml.safe_load(compose)["services"]
    assert services["bc-mock"]["image"] == "bc-mock"
    assert services["tests"]["command"] == "pytest --bc-mock-url http://bc-mock:8080"
    assert services["tests"]["depends_on"]["bc-mock"]["condition"] == "service_healthy"
    (actions,) = blocks("### As a GitHub Actions service container", "yaml")
    job = yaml.safe_load(actions)["jobs"]["test"]
    assert job["services"]["bc-mock"]["image"].endswith(f":{bc_mock.__version__}")
    assert job["steps"][-1]["run"] == "pytest --bc-mock-url http://localhost:8080"


def test_the_development_layout_names_files_that_exist():
    (layout,) = blocks("## Development", "text")
    for path in re.findall(r"^([\w./-]+/?)\s", layout, re.MULTILINE):
        assert (ROOT / path).exists(), f"the README's code layout names {path}, which does not exist"


# --- generated tables --------------------------------------------------------------------------


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
