"""A live bc-mock process for black-box tests, and a small client around it.

The server is the real command (`python -m bc_mock --port 0`), started once per
session. Each test talks to its own tenant, so every test starts from the seed
and tests never see each other's writes (also under pytest-xdist).
"""

from __future__ import annotations

import uuid

import pytest

from tests.helpers import BcClient, ServerPool

# pytester runs the bc_mock pytest plugin in test sessions of its own (tests/test_plugin.py)
pytest_plugins = ["pytester"]


def _servers():
    pool = ServerPool()
    try:
        yield pool.start
    finally:
        pool.close()


@pytest.fixture
def start_bc_mock():
    """Start `python -m bc_mock --port 0 *args`: ``start_bc_mock(*args, env=None, timeout=20)``.

    Returns a tests.helpers.Server (``.url``, ``.process``; ``.stdout`` and ``.stderr``, all of
    them once ``.stop()`` returned). Also takes ``command``, ``cwd`` and ``inherit_env`` (see
    tests.helpers.launch_server). Every server it started is stopped after the test, whether
    the test passed or not; one that does not start in time is killed and raises
    ServerDidNotStart with its output.
    """
    yield from _servers()


@pytest.fixture(scope="module")
def start_bc_mock_for_module():
    """start_bc_mock for module-scoped fixtures: what it started is stopped after the module."""
    yield from _servers()


@pytest.fixture(scope="session")
def server_url():
    """The session's server (each test works on a tenant of its own, see ``tenant``)."""
    pool = ServerPool()
    try:
        yield pool.start().url
    finally:
        pool.close()


@pytest.fixture
def tenant() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def bc(server_url, tenant) -> BcClient:
    """A client for API v2.0 on a fresh tenant."""
    return BcClient(server_url, tenant, "v2.0")


@pytest.fixture
def bc1(server_url, tenant) -> BcClient:
    """A client for API v1.0 on a fresh tenant."""
    return BcClient(server_url, tenant, "v1.0")


@pytest.fixture(params=["v1.0", "v2.0"])
def bcv(request, server_url, tenant) -> BcClient:
    """A client for each API version (the test runs once per version)."""
    return BcClient(server_url, tenant, request.param)
