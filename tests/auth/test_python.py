"""Authentication from Python: MockServer(auth="entra", tls=True), bc_mock.auth.app(), mock.applications,
attached servers over https, and the pytest plugin's options."""

from __future__ import annotations

import time

import jwt
import msal
import pytest
import requests

# loaded before pytester's in-process runs (which forget the modules a run imports)
import bc_mock.app
import bc_mock.server
from bc_mock import ControlError, MockServer, auth
from tests.auth.conftest import CLIENT_ID, CLIENT_SECRET


@pytest.fixture(scope="module")
def server():
    with MockServer(auth="entra", tls=True) as mock:
        yield mock


@pytest.fixture
def mock(server):
    server.reset()
    return server


def test_auth_app_gives_the_seeds_application_and_where_to_get_tokens(mock):
    app = auth.app(mock)
    assert app == mock.auth_app()
    assert (app.client_id, app.client_secret, app.tenant) == (CLIENT_ID, CLIENT_SECRET, "default")
    assert app.roles == ("API.ReadWrite.All",)
    assert app.authority == f"{mock.url}/default" and mock.url.startswith("https://127.0.0.1:")
    assert app.token_url == f"{mock.url}/default/oauth2/v2.0/token"
    assert app.scopes == ["https://api.businesscentral.dynamics.com/.default"] == [app.scope]
    assert app.ca_path == mock.ca_path and mock.ca_path.endswith("ca.pem")


def test_msal_with_the_app(mock):
    app = auth.app(mock)
    client = msal.ConfidentialClientApplication(
        app.client_id,
        client_credential=app.client_secret,
        authority=app.authority,
        instance_discovery=False,
        verify=app.ca_path,
    )
    token = client.acquire_token_for_client(scopes=app.scopes)["access_token"]
    response = requests.get(
        f"{mock.api_url()}/companies", headers={"Authorization": f"Bearer {token}"}, verify=mock.ca_path
    )
    assert response.status_code == 200


def test_app_token_and_token_with(mock):
    app = auth.app(mock)
    headers = {"Authorization": f"Bearer {app.token()}"}
    assert requests.get(f"{mock.api_url()}/companies", headers=headers, verify=mock.ca_path).ok
    later = app.token_with(nbf=int(time.time()) + 60)
    assert jwt.decode(later, options={"verify_signature": False})["appid"] == CLIENT_ID
    headers = {"Authorization": f"Bearer {later}"}
    assert (
        requests.get(f"{mock.api_url()}/companies", headers=headers, verify=mock.ca_path).status_code == 401
    )


def test_mock_applications_add_list_remove(mock):
    added = mock.applications.add(clientId="12345678-1234-4234-8234-123456789012", clientSecret="s", roles=[])
    assert added["tenant"] == "default" and added["roles"] == []
    assert [app["clientId"] for app in mock.applications.list()] == [CLIENT_ID, added["clientId"]]
    with pytest.raises(ControlError, match="registered in tenant 'default' already"):
        mock.applications.add(clientId=added["clientId"], clientSecret="s")
    with pytest.raises(ControlError, match="field 'clientSecret'"):
        mock.applications.add(clientId="12345678-1234-4234-8234-000000000000")
    mock.applications.remove(added["clientId"])
    with pytest.raises(ControlError):
        mock.applications.remove(added["clientId"])
    mock.applications.remove(CLIENT_ID)
    # a tenant without an application with BC's role: auth_app registers one (a reset removes it)
    app = auth.app(mock)
    assert app.client_id != CLIENT_ID and app.tenant == "default"
    assert requests.get(
        f"{mock.api_url()}/companies", headers={"Authorization": f"Bearer {app.token()}"}, verify=mock.ca_path
    ).ok
    mock.reset()
    assert [a["clientId"] for a in mock.applications.list()] == [CLIENT_ID]


def test_auth_app_for_another_tenant(mock):
    app = auth.app(mock, tenant="contoso.com")
    assert app.tenant == "contoso.com" and app.authority.endswith("/contoso.com")
    headers = {"Authorization": f"Bearer {app.token()}"}
    assert requests.get(
        f"{mock.api_url(tenant='contoso.com')}/companies", headers=headers, verify=mock.ca_path
    ).ok
    assert auth.app(mock, tenant="contoso.com") == app  # registered once


def test_attached_over_https_on_a_tenant_of_its_own(server):
    with MockServer(url=server.url, ca_path=server.ca_path) as attached:
        assert attached.ca_path == server.ca_path
        app = auth.app(attached)
        assert app.tenant == attached.tenant and app.client_id != CLIENT_ID
        token = app.token()
        url = f"{attached.api_url()}/companies"
        assert requests.get(url, headers={"Authorization": f"Bearer {token}"}, verify=attached.ca_path).ok
        attached.assert_requested("POST", "*/oauth2/v2.0/token", times=1)  # its tenant's journal
        tenant = attached.tenant
    # leaving removed what it registered in its tenant
    assert not [a for a in server.applications.list() if a["tenant"] == tenant]


def test_attached_over_https_without_the_ca_is_unavailable(server):
    with pytest.raises(bc_mock.ServerUnavailableError, match="CERTIFICATE_VERIFY_FAILED"):
        MockServer(url=server.url).start()


def test_auth_app_needs_a_server_with_auth():
    with MockServer() as plain, pytest.raises(ControlError, match="without --auth entra"):
        auth.app(plain)


def test_ca_path_is_for_attached_servers_only():
    with pytest.raises(ValueError, match="ca_path names the CA of a server attached by url"):
        MockServer(ca_path="ca.pem")
    assert MockServer().ca_path is None


PLUGIN_TESTS = """
import requests

from bc_mock import auth


def test_the_fixture_authenticates(bc_mock):
    app = auth.app(bc_mock)
    assert bc_mock.url.startswith("https://") and app == bc_mock.auth_app()
    url = bc_mock.api_url() + "/companies"
    assert requests.get(url, verify=bc_mock.ca_path).status_code == 401
    headers = {"Authorization": f"Bearer {app.token()}"}
    assert requests.get(url, headers=headers, verify=bc_mock.ca_path).status_code == 200
"""


def test_the_plugin_serves_auth_and_tls(pytester: pytest.Pytester, monkeypatch):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    pytester.makepyfile(test_auth_fixture=PLUGIN_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "--bc-mock-auth", "entra", "--bc-mock-tls")
    result.assert_outcomes(passed=1)
    monkeypatch.setenv("BC_MOCK_AUTH", "entra")
    monkeypatch.setenv("BC_MOCK_TLS", "1")
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_plugin_attaches_over_https_with_its_ca(pytester: pytest.Pytester, server, monkeypatch):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    pytester.makepyfile(test_auth_fixture=PLUGIN_TESTS)
    result = pytester.runpytest(
        "-p", "no:cacheprovider", f"--bc-mock-url={server.url}", f"--bc-mock-ca={server.ca_path}"
    )
    result.assert_outcomes(passed=1)
