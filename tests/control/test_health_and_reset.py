"""/_mock/health, and /_mock/reset: every tenant and environment back to the seed."""

from __future__ import annotations

import pytest
import requests

from tests.helpers import BANK, GENERAL, BcClient, payment

GENERAL_FIRST = payment(1, 10000)


@pytest.fixture(scope="module")
def own_server(start_bc_mock_for_module):
    """A server of this module's own: /_mock/reset touches everyone's data."""
    return start_bc_mock_for_module().url


def test_health(server_url):
    response = requests.get(f"{server_url}/_mock/health")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["status"] == "ok"


def test_reset_puts_every_tenant_and_environment_back_to_the_seed(own_server):
    clients = [
        BcClient(own_server, "default", "v2.0", "production"),
        BcClient(own_server, "tenant-a", "v2.0", "production"),
        BcClient(own_server, "tenant-a", "v1.0", "sandbox"),
    ]
    for client in clients:
        client.delete(client.journals(f"({BANK})"))
        client.post(client.journals(), {"code": "GONE"})
        client.patch(client.payments(GENERAL, f"({GENERAL_FIRST})"), {"amount": -1})
    seed_tag = None
    response = requests.post(f"{own_server}/_mock/reset")
    assert response.status_code == 200
    for client in clients:
        assert [j["code"] for j in client.get(client.journals()).json()["value"]] == ["BANK", "GENERAL"]
        first = client.get(client.payments(GENERAL, f"({GENERAL_FIRST})")).json()
        assert first["amount"] == -4000
        seed_tag = seed_tag or first["@odata.etag"]
        assert first["@odata.etag"] == seed_tag  # the seed's own record, not a copy with a new version
        assert len(client.get(client.payments(BANK)).json()["value"]) == 3


def test_reset_is_fast_and_repeatable(own_server):
    for _ in range(20):
        assert requests.post(f"{own_server}/_mock/reset", timeout=2).status_code == 200
    client = BcClient(own_server, "default", "v2.0")
    assert client.get(client.journals()).status_code == 200
