"""The pytest plugin (entry point ``pytest11``): a ``bc_mock`` fixture, active once bc_mock is installed.

    def test_sync_survives_throttling(bc_mock):
        bc_mock.faults.add(method="POST", path="*/customerPayments*", preset="throttled", times=2)
        run_my_sync(base_url=bc_mock.api_url())
        bc_mock.assert_requested("POST", "*/customerPayments*", times=3)

The server starts once per session (per xdist worker); each test gets fresh data, no fault
rules and an empty journal. With ``--bc-mock-url`` the tests use a running server (such as
the container) and each test is isolated on a tenant of its own, so several workers or CI
jobs can share it. With ``--bc-mock-har DIR``, a test that used the mock and failed leaves
its requests and the mock's answers in ``DIR/<test>.har`` (an HTTP Archive), for a CI job to
keep beside its log.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # imported when a test first asks for the mock, not at pytest's start-up
    from bc_mock.server import MockServer


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bc_mock", "Business Central mock (bc_mock)")
    group.addoption(
        "--bc-mock-fixtures",
        default=os.environ.get("BC_MOCK_FIXTURES") or None,
        metavar="PATH",
        help="fixtures folder or JSON file to seed the in-process bc_mock from (default: the bundled seed)",
    )
    group.addoption(
        "--bc-mock-url",
        default=os.environ.get("BC_MOCK_URL") or None,
        metavar="URL",
        help="use the bc_mock server running at URL (e.g. a container) instead of an in-process one; "
        "each test gets a tenant of its own",
    )
    group.addoption(
        "--bc-mock-har",
        default=os.environ.get("BC_MOCK_HAR") or None,
        metavar="DIR",
        help="for each failed test that used bc_mock, write its request journal to DIR/<test>.har "
        "(HTTP Archive 1.2: what it sent, what the mock answered)",
    )
    group.addoption(
        "--bc-mock-auth",
        default=os.environ.get("BC_MOCK_AUTH") or None,
        metavar="entra",
        help="serve the in-process bc_mock with --auth entra: a Microsoft Entra ID token service, and "
        "BC API requests need its tokens (bc_mock.auth_app() gives the client's credentials)",
    )
    group.addoption(
        "--bc-mock-tls",
        action="store_true",
        default=os.environ.get("BC_MOCK_TLS", "").strip().lower() in ("1", "true", "yes", "on"),
        help="serve the in-process bc_mock over https (its CA: bc_mock.ca_path)",
    )
    group.addoption(
        "--bc-mock-ca",
        default=os.environ.get("BC_MOCK_CA") or None,
        metavar="PATH",
        help="the CA certificate to trust for the server given with --bc-mock-url, when it serves https "
        "(e.g. the container's --tls-ca-out)",
    )


# the reports of a test's phases (setup, call, teardown), kept for the bc_mock fixture's teardown
_REPORTS = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def bc_mock_server(request: pytest.FixtureRequest) -> Iterator[MockServer]:
    """The session's bc_mock server: in-process, or the one given with --bc-mock-url."""
    from bc_mock.exceptions import SeedError, ServerUnavailableError
    from bc_mock.server import MockServer

    url = request.config.getoption("bc_mock_url")
    fixtures = request.config.getoption("bc_mock_fixtures")
    try:
        if url:
            server = MockServer(url=url, ca_path=request.config.getoption("bc_mock_ca")).start()
        else:
            options = {
                "auth": request.config.getoption("bc_mock_auth"),
                "tls": request.config.getoption("bc_mock_tls"),
            }
            server = MockServer(fixtures=fixtures, **options).start()
    except (SeedError, ServerUnavailableError, ValueError) as error:
        # one line for the whole run, rather than the same traceback under every test
        pytest.exit(f"bc_mock: {error}", returncode=pytest.ExitCode.USAGE_ERROR)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def bc_mock(bc_mock_server: MockServer, request: pytest.FixtureRequest) -> Iterator[MockServer]:
    """A bc_mock with fresh data, no fault rules, an empty journal, real time on its clock and no
    webhook subscriptions, for this test."""
    if bc_mock_server.in_process:
        bc_mock_server.reset()
        yield bc_mock_server.make_current()  # what bc_mock.clock and bc_mock.webhooks drive
        _save_har(request, bc_mock_server)  # the journal since this test's reset
        return
    mock = bc_mock_server.for_tenant().make_current()
    yield mock
    _save_har(request, mock)  # this test's tenant's entries
    mock.reset()  # frees this test's tenant on the shared server: its data, rules and journal


def _save_har(request: pytest.FixtureRequest, mock: MockServer) -> None:
    """With --bc-mock-har DIR, a failed test's journal as DIR/<its node id, made a file name>.har."""
    folder = request.config.getoption("bc_mock_har")
    reports = request.node.stash.get(_REPORTS, {})
    if not folder or not any(report.failed for report in reports.values()):
        return
    path = Path(folder) / f"{har_file_name(request.node.nodeid)}.har"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(mock.har(), indent=2) + "\n", encoding="utf-8")


def har_file_name(nodeid: str, limit: int = 150) -> str:
    """A test's node id as a file name: letters, digits, dots, hyphens and underscores; a long
    one cut, with a hash of the whole so that two long ids stay apart."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", nodeid).strip("_.") or "test"
    if len(name) > limit:
        name = f"{name[: limit - 9]}-{hashlib.sha1(nodeid.encode()).hexdigest()[:8]}"
    return name
