"""The real MSAL (msal.ConfidentialClientApplication) against bc_mock over TLS, unchanged."""

from __future__ import annotations

import time

import jwt
import msal
import pytest
import requests

from tests.auth.conftest import CLIENT_ID, CLIENT_SECRET, SCOPE, Entra


def msal_app(server: Entra, tenant: str = "default", secret: str = CLIENT_SECRET, client_id: str = CLIENT_ID):
    return msal.ConfidentialClientApplication(
        client_id,
        client_credential=secret,
        authority=f"{server.url}/{tenant}",
        instance_discovery=False,  # else MSAL asks login.microsoftonline.com about the authority
        verify=server.ca,
    )


def test_msal_gets_a_token_over_tls_and_the_client_calls_the_api(fresh):
    app = msal_app(fresh)
    result = app.acquire_token_for_client(scopes=[SCOPE])
    assert result["token_type"] == "Bearer" and result["expires_in"] == 3599, result
    assert result["token_source"] == "identity_provider"
    response = fresh.get(f"{fresh.api()}/companies", result["access_token"])
    assert response.status_code == 200 and len(response.json()["value"]) == 2
    # MSAL keeps the token: the next call is served from its cache, with no request to the service
    again = app.acquire_token_for_client(scopes=[SCOPE])
    assert again["token_source"] == "cache" and again["access_token"] == result["access_token"]
    posts = fresh.control("GET", "/requests", params={"method": "POST", "path": "*/oauth2/v2.0/token"})
    assert len(posts.json()["value"]) == 1
    discovery = fresh.control("GET", "/requests", params={"path": "*/openid-configuration"}).json()["value"]
    assert [entry["status"] for entry in discovery] == [200]


def test_msal_reports_entras_errors(fresh):
    wrong_secret = msal_app(fresh, secret="wrong").acquire_token_for_client(scopes=[SCOPE])
    assert wrong_secret["error"] == "invalid_client" and wrong_secret["error_codes"] == [7000215]
    unknown = msal_app(fresh, client_id="00000000-0000-4000-8000-00000000dead").acquire_token_for_client(
        scopes=[SCOPE]
    )
    assert unknown["error"] == "unauthorized_client" and unknown["error_codes"] == [700016]
    graph = msal_app(fresh).acquire_token_for_client(scopes=["https://graph.microsoft.com/.default"])
    assert graph["error"] == "invalid_resource"
    without_default = msal_app(fresh).acquire_token_for_client(
        scopes=["https://api.businesscentral.dynamics.com"]
    )
    assert without_default["error"] == "invalid_scope" and without_default["error_codes"] == [1002012]


def test_msal_raises_when_entra_is_unavailable(fresh):
    fresh.control("POST", "/faults", json={"preset": "entra-unavailable", "times": 1})
    with pytest.raises(msal.exceptions.MsalServiceError, match="503"):
        msal_app(fresh).acquire_token_for_client(scopes=[SCOPE])
    # MSAL throttles that app for Retry-After; another instance gets through
    assert "access_token" in msal_app(fresh).acquire_token_for_client(scopes=[SCOPE])


def test_a_client_that_refetches_on_401_recovers_from_an_expired_token(fresh):
    fresh.control("POST", "/faults", json={"preset": "token-expired", "times": 1})
    app = msal_app(fresh)
    first = app.acquire_token_for_client(scopes=[SCOPE])
    assert first["expires_in"] == 0
    assert fresh.get(f"{fresh.api()}/companies", first["access_token"]).status_code == 401
    second = app.acquire_token_for_client(scopes=[SCOPE])  # MSAL keeps no token about to expire
    assert second["token_source"] == "identity_provider"
    assert fresh.get(f"{fresh.api()}/companies", second["access_token"]).status_code == 200


def test_a_token_expires_on_bc_mocks_clock(start_bc_mock, tmp_path):
    ca = tmp_path / "ca.pem"
    server = start_bc_mock("--auth", "entra", "--tls-ca-out", str(ca), "--token-lifetime", "1")
    entra = Entra(server.url, str(ca))
    app = msal_app(entra)
    token = app.acquire_token_for_client(scopes=[SCOPE])["access_token"]
    assert entra.get(f"{entra.api()}/companies", token).status_code == 200
    expiry = jwt.decode(token, options={"verify_signature": False})["exp"]
    time.sleep(max(0.0, expiry - time.time()) + 0.05)  # at most two seconds
    response = entra.get(f"{entra.api()}/companies", token)
    assert response.status_code == 401 and "The token expired at " in response.headers["WWW-Authenticate"]
    fresh_token = app.acquire_token_for_client(scopes=[SCOPE])["access_token"]
    assert fresh_token != token
    assert entra.get(f"{entra.api()}/companies", fresh_token).status_code == 200


def test_moving_bc_mocks_clock_expires_tokens_and_new_ones_follow_the_clock(fresh):
    """A test need not wait an hour: the token's times are on bc_mock's clock, which it moves."""
    token = msal_app(fresh).acquire_token_for_client(scopes=[SCOPE])["access_token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert fresh.get(f"{fresh.api()}/companies", token).status_code == 200
    moved = fresh.control("POST", "/clock", json={"advanceSeconds": claims["exp"] - claims["iat"] + 1})
    assert moved.status_code == 200, moved.text
    response = fresh.get(f"{fresh.api()}/companies", token)
    assert response.status_code == 401 and "The token expired at " in response.headers["WWW-Authenticate"]
    # MSAL's cache ages on the client's clock, so a client asks again only when BC refuses it
    renewed = msal_app(fresh).acquire_token_for_client(scopes=[SCOPE])["access_token"]
    assert jwt.decode(renewed, options={"verify_signature": False})["iat"] >= claims["exp"]
    assert fresh.get(f"{fresh.api()}/companies", renewed).status_code == 200


def test_msal_with_a_tenant_guid_and_an_application_registered_there(fresh):
    tenant = "7c8f5a34-91d1-4e4b-9b3a-0a9a4f7f7f01"
    registered = {"clientId": CLIENT_ID, "clientSecret": CLIENT_SECRET, "tenant": tenant}
    assert fresh.control("POST", "/applications", json=registered).status_code == 201
    result = msal_app(fresh, tenant).acquire_token_for_client(scopes=[SCOPE])
    assert jwt.decode(result["access_token"], options={"verify_signature": False})["tid"] == tenant
    assert fresh.get(f"{fresh.api(tenant)}/companies", result["access_token"]).status_code == 200
    assert fresh.get(f"{fresh.api()}/companies", result["access_token"]).status_code == 401


def test_msal_refuses_bc_mock_without_tls(start_bc_mock):
    server = start_bc_mock("--auth", "entra")
    with pytest.raises(ValueError, match="https"):
        msal.ConfidentialClientApplication(
            CLIENT_ID,
            client_credential=CLIENT_SECRET,
            authority=f"{server.url}/default",
            instance_discovery=False,
        )
    # plain OAuth2 clients take http
    response = requests.post(
        f"{server.url}/default/oauth2/v2.0/token",
        data={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
              "scope": SCOPE},
        timeout=10,
    )  # fmt: skip
    assert response.status_code == 200
