"""A live bc-mock process for black-box tests, and a small client around it.

The server is the real command (`python -m bc_mock --port 0`), started once per
session. Each test talks to its own tenant, so every test starts from the seed
and tests never see each other's writes (also under pytest-xdist).
"""

from __future__ import annotations

import uuid

import pytest

from tests.helpers import BcClient, start_server, stop_server

# pytester runs the bc_mock pytest plugin in test sessions of its own (tests/test_plugin.py)
pytest_plugins = ["pytester"]


@pytest.fixture(scope="session")
def server_url():
    process, url = start_server()
    yield url
    stop_server(process)


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
