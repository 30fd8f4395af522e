"""The pytest plugin (entry point ``pytest11``): a ``bc_mock`` fixture, active once bc_mock is installed.

    def test_sync_survives_throttling(bc_mock):
        bc_mock.faults.add(method="POST", path="*/customerPayments*", preset="throttled", times=2)
        run_my_sync(base_url=bc_mock.api_url())
        bc_mock.assert_requested("POST", "*/customerPayments*", times=3)

The server starts once per session (per xdist worker); each test gets fresh data, no fault
rules and an empty journal. With ``--bc-mock-url`` the tests use a running server (such as
the container) and each test is isolated on a tenant of its own, so several workers or CI
jobs can share it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
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


@pytest.fixture(scope="session")
def bc_mock_server(request: pytest.FixtureRequest) -> Iterator[MockServer]:
    """The session's bc_mock server: in-process, or the one given with --bc-mock-url."""
    from bc_mock.exceptions import SeedError, ServerUnavailableError
    from bc_mock.server import MockServer

    url = request.config.getoption("bc_mock_url")
    fixtures = request.config.getoption("bc_mock_fixtures")
    try:
        server = MockServer(fixtures=fixtures, url=url).start()
    except (SeedError, ServerUnavailableError) as error:
        # one line for the whole run, rather than the same traceback under every test
        pytest.exit(f"bc_mock: {error}", returncode=pytest.ExitCode.USAGE_ERROR)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def bc_mock(bc_mock_server: MockServer) -> Iterator[MockServer]:
    """A bc_mock with fresh data, no fault rules, an empty journal, real time on its clock and no
    webhook subscriptions, for this test."""
    if bc_mock_server.in_process:
        bc_mock_server.reset()
        yield bc_mock_server.make_current()  # what bc_mock.clock and bc_mock.webhooks drive
        return
    mock = bc_mock_server.for_tenant().make_current()
    yield mock
    mock.reset()  # frees this test's tenant on the shared server: its data, rules and journal
