"""URL roots, (tenant, environment) isolation and their defaults, and the /_mock health and reset."""

from __future__ import annotations

import uuid

import pytest
import requests

from tests.helpers import BANK, GENERAL, USA, BcClient, payment, start_server, stop_server

JOURNALS = f"companies({USA})/customerPaymentJournals"
GENERAL_FIRST = payment(1, 10000)


def roots(server_url: str, version: str) -> list[str]:
    """The three spellings of the default tenant's production environment."""
    return [
        f"{server_url}/api/{version}",
        f"{server_url}/v2.0/production/api/{version}",
        f"{server_url}/v2.0/default/production/api/{version}",
    ]


@pytest.fixture(scope="module")
def own_server():
    """A server of this module's own: the default tenant and /_mock/reset touch everyone's data."""
    process, url = start_server()
    yield url
    stop_server(process)


@pytest.mark.parametrize("version", ["v1.0", "v2.0"])
def test_every_root_serves_the_api_with_its_own_context_url(own_server, version):
    for root in roots(own_server, version):
        response = requests.get(f"{root}/{JOURNALS}")
        assert response.status_code == 200, root
        assert response.json()["@odata.context"] == f"{root}/$metadata#{JOURNALS}"
        companies = requests.get(f"{root}/companies").json()
        assert companies["@odata.context"] == f"{root}/$metadata#companies"
        assert len(companies["value"]) == 2


@pytest.mark.parametrize("version", ["v1.0", "v2.0"])
def test_missing_tenant_is_default_and_missing_environment_is_production(own_server, version):
    requests.post(f"{own_server}/_mock/reset")
    first, second, third = roots(own_server, version)
    code = f"R{uuid.uuid4().hex[:6]}".upper()
    created = requests.post(f"{first}/{JOURNALS}", json={"code": code})
    assert created.status_code == 201
    journal_id = created.json()["id"]
    for root in (second, third):
        got = requests.get(f"{root}/{JOURNALS}({journal_id})")
        assert got.status_code == 200, root
        assert got.json()["@odata.etag"] == created.json()["@odata.etag"]
    # and back: a change through the long form shows at the short one
    requests.patch(
        f"{third}/{JOURNALS}({journal_id})", json={"displayName": "via tenant"}, headers={"If-Match": "*"}
    )
    assert requests.get(f"{first}/{JOURNALS}({journal_id})").json()["displayName"] == "via tenant"
    # a named environment of the default tenant is another environment
    assert (
        requests.get(f"{own_server}/v2.0/sandbox/api/{version}/{JOURNALS}({journal_id})").status_code == 404
    )


def test_tenants_are_isolated(server_url):
    a = BcClient(server_url, f"t-{uuid.uuid4().hex[:12]}", "v2.0")
    b = BcClient(server_url, f"t-{uuid.uuid4().hex[:12]}", "v2.0")
    a.delete(a.journals(f"({BANK})"))
    a.post(a.journals(), {"code": "ONLYA"})
    assert [j["code"] for j in a.get(a.journals()).json()["value"]] == ["GENERAL", "ONLYA"]
    assert [j["code"] for j in b.get(b.journals()).json()["value"]] == ["BANK", "GENERAL"]
    assert len(b.get(b.payments(BANK)).json()["value"]) == 3


def test_environments_of_one_tenant_are_isolated(server_url):
    tenant = f"t-{uuid.uuid4().hex[:12]}"
    production = BcClient(server_url, tenant, "v2.0", "production")
    sandbox = BcClient(server_url, tenant, "v2.0", "sandbox")
    production.patch(production.journals(f"({GENERAL})"), {"displayName": "prod only"})
    assert sandbox.get(sandbox.journals(f"({GENERAL})")).json()["displayName"] == "General cash receipts"
    assert production.get(production.journals(f"({GENERAL})")).json()["displayName"] == "prod only"


def test_tenant_and_environment_names_ignore_case(server_url):
    tenant = f"t-{uuid.uuid4().hex[:12]}"
    lower = BcClient(server_url, tenant, "v2.0", "production")
    upper = BcClient(server_url, tenant.upper(), "v2.0", "Production")
    lower.post(lower.journals(), {"code": "CASE"})
    assert "CASE" in [j["code"] for j in upper.get(upper.journals()).json()["value"]]


def test_both_versions_share_the_data_of_an_environment(server_url, tenant):
    v1 = BcClient(server_url, tenant, "v1.0")
    v2 = BcClient(server_url, tenant, "v2.0")
    created = v1.post(v1.payments(BANK), {"customerNumber": "10000", "amount": -5}).json()
    seen = v2.get(v2.payments(BANK, f"({created['id']})")).json()
    assert seen["journalId"] == BANK
    assert seen["amount"] == -5
    # the ETag is the record's, whatever the version
    assert seen["@odata.etag"] == created["@odata.etag"]
    assert v1.patch(v1.payments(BANK, f"({created['id']})"), {"amount": -6}, etag=seen["@odata.etag"]).ok


def test_a_new_tenant_starts_from_the_seed(server_url):
    client = BcClient(server_url, f"t-{uuid.uuid4().hex[:12]}", "v2.0")
    assert [j["code"] for j in client.get(client.journals()).json()["value"]] == ["BANK", "GENERAL"]
    assert len(client.get(client.payments(GENERAL)).json()["value"]) == 3


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


def test_many_new_tenants_at_once_each_start_from_the_seed(server_url):
    import threading

    results: dict[str, list[str]] = {}
    lock = threading.Lock()
    start = threading.Barrier(8)

    def worker(n: int):
        client = BcClient(server_url, f"burst-{uuid.uuid4().hex[:8]}-{n}", "v2.0")
        start.wait(timeout=30)
        client.post(client.journals(), {"code": f"T{n}"})
        codes = [j["code"] for j in client.get(client.journals()).json()["value"]]
        with lock:
            results[str(n)] = codes

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == {str(n): sorted(["BANK", "GENERAL", f"T{n}"]) for n in range(8)}


def test_head_answers_as_get_without_a_body(bc):
    head = bc.session.head(bc.url(bc.journals()))
    assert head.status_code == 200
    assert head.headers["Content-Type"].startswith("application/json")
    assert head.content == b""


def test_the_api_root_with_a_trailing_slash_is_the_service_document(server_url):
    for root in ("/api/v2.0", "/api/v2.0/", "/v2.0/production/api/v1.0/"):
        answer = requests.get(server_url + root)
        assert answer.status_code == 200, root
        assert answer.json()["value"][0]["name"] == "companies"
