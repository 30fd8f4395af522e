"""A bc-mock with --auth entra over https, and a small client of its token service.

Requests lets REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE (set on these machines) override a
session's ``verify``, which is how MSAL applies ``verify=``: every test here runs without them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import requests

# the bundled seed's registered application (README, "The bundled seed")
CLIENT_ID = "a9900001-0000-4000-8000-000000000001"
CLIENT_SECRET = "bc-mock-test-secret"
SCOPE = "https://api.businesscentral.dynamics.com/.default"
BC_AUDIENCE = "https://api.businesscentral.dynamics.com"


@pytest.fixture(autouse=True)
def _no_ca_bundle_override(monkeypatch):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)


@dataclass
class Entra:
    """A running bc-mock --auth entra: its URL, its CA, and calls a client makes."""

    url: str
    ca: str | bool  # the CA file to verify with (True: the system's, for http)

    def api(self, tenant: str | None = None, version: str = "v2.0") -> str:
        if tenant is None:
            return f"{self.url}/api/{version}"
        return f"{self.url}/v2.0/{tenant}/production/api/{version}"

    def token_response(
        self,
        tenant: str = "default",
        client_id: str | None = CLIENT_ID,
        secret: str | None = CLIENT_SECRET,
        scope: str | None = SCOPE,
        grant_type: str | None = "client_credentials",
        **extra,
    ) -> requests.Response:
        form = {"grant_type": grant_type, "client_id": client_id, "client_secret": secret, "scope": scope}
        form = {name: value for name, value in form.items() if value is not None}
        return requests.post(
            f"{self.url}/{tenant}/oauth2/v2.0/token", data={**form, **extra}, verify=self.ca, timeout=10
        )

    def token(self, tenant: str = "default", **options) -> str:
        response = self.token_response(tenant, **options)
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    def made_token(self, tenant: str = "default", client_id: str | None = None, **claims) -> str:
        """A token of the service with claims of the test's choosing (POST /_mock/tokens)."""
        body: dict = {"tenant": tenant, "claims": claims}
        if client_id is not None:
            body["clientId"] = client_id
        response = requests.post(f"{self.url}/_mock/tokens", json=body, verify=self.ca, timeout=10)
        assert response.status_code == 201, response.text
        return response.json()["access_token"]

    def get(self, url: str, token: str | None = None, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return requests.get(url, headers=headers, verify=self.ca, timeout=10, **kwargs)

    def control(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{self.url}/_mock{path}", verify=self.ca, timeout=10, **kwargs)


@pytest.fixture(scope="module")
def entra(start_bc_mock_for_module, tmp_path_factory) -> Entra:
    """bc-mock --auth entra --tls, its CA written with --tls-ca-out; one per test module."""
    ca = tmp_path_factory.mktemp("ca") / "ca.pem"
    server = start_bc_mock_for_module("--auth", "entra", "--tls", "--tls-ca-out", str(ca))
    return Entra(server.url, str(ca))


@pytest.fixture
def fresh(entra) -> Entra:
    """The module's server, reset: the seed's applications, no fault rules, an empty journal."""
    assert entra.control("POST", "/reset").status_code == 200
    return entra
