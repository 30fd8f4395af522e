"""The pytest plugin, run in pytest sessions of its own (pytester): isolation, options, xdist.

Runs under xdist, and --fixtures/--help, use a pytest subprocess; the others run in-process,
which is faster and loads the plugin through the same pytest11 entry point.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import requests

# Loaded here, before any in-process run: pytester forgets the modules a run imported, and a
# second copy of Flask's request globals would not see the first copy's requests.
import bc_mock.app
import bc_mock.server  # noqa: F401

FIXTURES = Path(__file__).parent.parent / "fixtures"

ISOLATION_TESTS = """
import requests

USA = "c0a00001-0000-4000-8000-000000000001"
SEEN_URLS = set()


def journals(bc_mock):
    return bc_mock.api_url() + f"/companies({{USA}})/customerPaymentJournals"


def codes(bc_mock):
    return [journal["code"] for journal in requests.get(journals(bc_mock)).json()["value"]]


def test_{n}_writes_and_breaks_things(bc_mock):
    SEEN_URLS.add(bc_mock.url)
    assert bc_mock.requests() == [] and bc_mock.faults.list() == []
    assert "DIRTY" not in codes(bc_mock)
    assert requests.post(journals(bc_mock), json={{"code": "DIRTY"}}).status_code == 201
    bc_mock.faults.add(path="*", status=503)
    assert requests.get(journals(bc_mock)).status_code == 503
    bc_mock.assert_requested("POST", "*/customerPaymentJournals", times=1)


def test_{n}_starts_clean(bc_mock):
    SEEN_URLS.add(bc_mock.url)
    assert bc_mock.requests() == [] and bc_mock.faults.list() == []
    assert "DIRTY" not in codes(bc_mock)
    assert len(SEEN_URLS) == 1  # one server for the whole session
"""


def _isolation_tests(pytester: pytest.Pytester, files: int = 1) -> None:
    pytester.makepyfile(**{f"test_isolation_{n}": ISOLATION_TESTS.format(n=n) for n in range(files)})


def test_each_test_gets_fresh_data_no_faults_and_an_empty_journal(pytester: pytest.Pytester):
    _isolation_tests(pytester)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_the_plugin_is_active_without_any_configuration(pytester: pytest.Pytester):
    result = pytester.runpytest_subprocess("--fixtures", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*bc_mock*", "*fresh data, no fault rules, an empty journal*"])
    help_result = pytester.runpytest_subprocess("--help")
    help_result.stdout.fnmatch_lines(["*--bc-mock-fixtures=PATH*", "*--bc-mock-url=URL*"])


def test_under_xdist_each_worker_has_its_own_server(pytester: pytest.Pytester):
    _isolation_tests(pytester, files=4)
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=8)


def test_bc_mock_fixtures_option(pytester: pytest.Pytester, tmp_path: Path):
    seed = tmp_path / "seed"
    seed.mkdir()
    shutil.copy(FIXTURES / "cronus-uk.json", seed / "uk.json")
    pytester.makepyfile(
        """
        import requests

        def test_only_the_uk_company(bc_mock):
            companies = requests.get(bc_mock.api_url() + "/companies").json()["value"]
            assert [company["name"] for company in companies] == ["CRONUS UK Ltd."]
        """
    )
    result = pytester.runpytest(f"--bc-mock-fixtures={seed}", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_a_failed_assertion_shows_what_was_received(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import requests

        def test_expects_a_payment(bc_mock):
            requests.get(bc_mock.api_url() + "/companies")
            bc_mock.assert_requested("POST", "*/customerPayments*")
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*expected POST [*]/customerPayments[*] to be requested at least once, "
            "but it was requested 0 times.",
            "*Received 1 request:*",
            "*GET companies -> 200*",
        ]
    )


EXTERNAL_TESTS = """
import requests


def test_{n}_is_on_a_tenant_of_its_own(bc_mock):
    assert bc_mock.tenant and f"/v2.0/{{bc_mock.tenant}}/production/api/v2.0" in bc_mock.api_url()
    assert bc_mock.requests() == [] and bc_mock.faults.list() == []
    bc_mock.faults.add(path="*", status=503)
    assert requests.get(bc_mock.api_url() + "/companies").status_code == 503
    # the rule is this test's only: the server's default tenant is not affected
    assert requests.get(bc_mock.url + "/api/v2.0/companies").status_code == 200
    bc_mock.assert_requested("GET", "companies", times=1)
"""


def test_external_server_url_isolates_tests_by_tenant_under_xdist(pytester: pytest.Pytester, server_url: str):
    def rules() -> list[dict]:
        return requests.get(f"{server_url}/_mock/faults", params={"tenant": "*"}).json()["value"]

    before = rules()
    pytester.makepyfile(**{f"test_external_{n}": EXTERNAL_TESTS.format(n=n) for n in range(4)})
    result = pytester.runpytest_subprocess(f"--bc-mock-url={server_url}", "-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
    assert rules() == before, "the tests' rules were left behind on the shared server"


def test_external_server_url_that_does_not_answer(pytester: pytest.Pytester):
    pytester.makepyfile("def test_needs_the_mock(bc_mock):\n    pass\n")
    result = pytester.runpytest("--bc-mock-url=http://127.0.0.1:9", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stdout.fnmatch_lines(["*bc_mock: no bc_mock answers at http://127.0.0.1:9*"])


def test_a_fixture_mistake_is_one_usage_error_not_a_traceback_per_test(pytester: pytest.Pytester):
    fixture = json.loads((FIXTURES / "cronus-usa.json").read_text())
    fixture["customers"][0]["displayNmae"] = fixture["customers"][0].pop("displayName")
    (pytester.path / "fixtures.json").write_text(json.dumps(fixture))
    pytester.makepyfile("def test_one(bc_mock):\n    pass\n\n\ndef test_two(bc_mock):\n    pass\n")
    result = pytester.runpytest("--bc-mock-fixtures=fixtures.json", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    output = result.stdout.str()
    assert "field 'displayNmae': unknown field (did you mean 'displayName'?)" in output
    assert output.count("displayNmae") == 1  # once for the run, not once per test
    assert "Traceback" not in output
