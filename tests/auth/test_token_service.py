"""The Microsoft Entra ID token service (--auth entra): discovery, JWKS, tokens and Entra's errors."""

from __future__ import annotations

import base64
import json
import re
import time
import uuid

import jwt
import pytest
import requests

from tests.auth.conftest import BC_AUDIENCE, CLIENT_ID, CLIENT_SECRET, SCOPE

ERROR_KEYS = [
    "error",
    "error_description",
    "error_codes",
    "timestamp",
    "trace_id",
    "correlation_id",
    "error_uri",
]


def entra_error(response: requests.Response) -> tuple[int, str, int, str]:
    """(status, error, AADSTS number, description before its trace lines), with the shape checked."""
    body = response.json()
    assert list(body) == ERROR_KEYS, body
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    (code,) = body["error_codes"]
    text, trace = body["error_description"].split("\r\nTrace ID: ")
    assert (
        trace
        == f"{body['trace_id']}\r\nCorrelation ID: {body['correlation_id']}\r\nTimestamp: {body['timestamp']}"
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ", body["timestamp"])
    assert body["error_uri"] == f"https://login.microsoftonline.com/error?code={code}"
    assert text.startswith(f"AADSTS{code}: ")
    return response.status_code, body["error"], code, text[len(f"AADSTS{code}: ") :]


# --- discovery and keys ------------------------------------------------------------------------------


def test_openid_configuration_names_the_tenants_endpoints_over_https(entra):
    for tenant in ("default", "contoso.onmicrosoft.com", str(uuid.uuid4())):
        response = entra.get(f"{entra.url}/{tenant}/v2.0/.well-known/openid-configuration")
        assert response.status_code == 200
        document = response.json()
        authority = f"{entra.url}/{tenant}"
        assert authority.startswith("https://127.0.0.1:")
        assert document["token_endpoint"] == f"{authority}/oauth2/v2.0/token"
        assert document["authorization_endpoint"] == f"{authority}/oauth2/v2.0/authorize"
        assert document["jwks_uri"] == f"{authority}/discovery/v2.0/keys"
        assert document["issuer"] == f"{authority}/v2.0"
        assert document["id_token_signing_alg_values_supported"] == ["RS256"]
        assert "client_secret_post" in document["token_endpoint_auth_methods_supported"]
        assert response.headers["Cache-Control"] == "max-age=86400, private"
        assert "request-id" not in response.headers  # BC's headers are for BC's API


def test_an_authority_with_a_trailing_slash_still_finds_the_document(entra):
    # MSAL asks {authority}/v2.0/... and so a double slash for "https://host/tenant/"
    response = entra.get(f"{entra.url}/default//v2.0/.well-known/openid-configuration")
    assert response.status_code == 200 and response.json()["token_endpoint"].endswith(
        "/default/oauth2/v2.0/token"
    )


def test_a_name_that_is_no_tenant_is_entras_invalid_tenant(entra):
    for response in (
        entra.get(f"{entra.url}/no_such_tenant/v2.0/.well-known/openid-configuration"),
        entra.get(f"{entra.url}/no_such_tenant/discovery/v2.0/keys"),
        entra.token_response("no_such_tenant"),
    ):
        status, error, code, text = entra_error(response)
        assert (status, error, code) == (400, "invalid_tenant", 90002)
        assert text.startswith("Tenant 'no_such_tenant' not found.")


def test_the_jwks_verifies_the_services_tokens(entra):
    token = entra.token()
    keys = entra.get(f"{entra.url}/default/discovery/v2.0/keys").json()["keys"]
    assert entra.get(f"{entra.url}/default/discovery/keys").json()["keys"] == keys  # the v1.0 path
    (key,) = keys
    assert {key["kty"], key["use"]} == {"RSA", "sig"} and "alg" not in key
    header = jwt.get_unverified_header(token)
    assert header == {"typ": "JWT", "alg": "RS256", "x5t": key["kid"], "kid": key["kid"]}
    assert key["x5t"] == key["kid"]
    claims = jwt.decode(token, jwt.PyJWK(key).key, algorithms=["RS256"], audience=BC_AUDIENCE)
    assert claims["tid"] == "default"
    # x5c holds the certificate of the same key, whose SHA-1 thumbprint is the kid
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    certificate = x509.load_der_x509_certificate(base64.b64decode(key["x5c"][0]))
    thumbprint = base64.urlsafe_b64encode(certificate.fingerprint(hashes.SHA1())).rstrip(b"=").decode()
    assert thumbprint == key["kid"]
    assert certificate.public_key().public_numbers() == jwt.PyJWK(key).key.public_numbers()


# --- tokens ----------------------------------------------------------------------------------------------


def test_a_token_as_entra_answers_it_and_its_claims(entra):
    before = int(time.time())
    response = entra.token_response()
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["token_type", "expires_in", "ext_expires_in", "access_token"]
    assert (body["token_type"], body["expires_in"], body["ext_expires_in"]) == ("Bearer", 3599, 3599)
    assert (
        response.headers["Cache-Control"] == "no-store, no-cache" and response.headers["Pragma"] == "no-cache"
    )
    assert "Retry-After" not in response.headers  # MSAL would replay the answer from its cache
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["aud"] == BC_AUDIENCE
    assert claims["iss"] == claims["idp"] == "https://sts.windows.net/default/"
    assert (claims["tid"], claims["appid"], claims["appidacr"]) == ("default", CLIENT_ID, "1")
    assert claims["roles"] == ["API.ReadWrite.All"]
    assert (claims["idtyp"], claims["ver"], claims["oid"]) == ("app", "1.0", claims["sub"])
    assert claims["app_displayname"] == "bc_mock test application"
    assert "scp" not in claims
    assert claims["iat"] == claims["nbf"] and before - 301 <= claims["iat"] <= int(time.time()) - 300
    assert claims["exp"] - claims["iat"] == 3599 + 301  # as Entra's: 300 s back, a second on
    assert claims["exp"] > time.time() + 3599 - 1


def test_the_token_names_the_tenant_it_was_asked_for(entra):
    for tenant in ("Contoso.onmicrosoft.com", "7c8f5a34-91d1-4e4b-9b3a-0a9a4f7f7f01"):
        claims = jwt.decode(entra.token(tenant), options={"verify_signature": False})
        assert claims["tid"] == tenant and claims["iss"] == f"https://sts.windows.net/{tenant}/"


def test_client_credentials_as_http_basic(entra):
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    response = requests.post(
        f"{entra.url}/default/oauth2/v2.0/token",
        data={"grant_type": "client_credentials", "scope": SCOPE},
        headers={"Authorization": f"Basic {basic}"},
        verify=entra.ca,
        timeout=10,
    )
    assert response.status_code == 200 and response.json()["access_token"]


def test_ignores_what_msal_adds_and_scope_case(entra):
    response = entra.token_response(client_info="1", scope=SCOPE.upper().replace("/.DEFAULT", "/.default"))
    assert response.status_code == 200
    assert "client_info" not in response.json()  # MSAL would build an account from it


@pytest.mark.parametrize(
    "options, expected",
    [
        ({"grant_type": None}, (400, "invalid_request", 900144, "'grant_type'")),
        ({"grant_type": "password"}, (400, "unsupported_grant_type", 70003, "grant type 'password'")),
        (
            {"grant_type": "authorization_code"},
            (400, "unsupported_grant_type", 70003, "'authorization_code'"),
        ),
        ({"client_id": None}, (400, "invalid_request", 900144, "'client_id'")),
        ({"client_id": str(uuid.UUID(int=7))}, (400, "unauthorized_client", 700016, "was not found")),
        ({"client_id": "not-a-guid"}, (400, "unauthorized_client", 700016, "'not-a-guid'")),
        ({"secret": None}, (401, "invalid_client", 7000216, "'client_secret'")),
        ({"secret": "wrong"}, (401, "invalid_client", 7000215, "Invalid client secret provided")),
        ({"scope": None}, (400, "invalid_request", 900144, "'scope'")),
        ({"scope": "https://api.businesscentral.dynamics.com"}, (400, "invalid_scope", 1002012, "/.default")),
        ({"scope": "openid"}, (400, "invalid_scope", 1002012, "scope openid is not valid")),
        ({"scope": f"{SCOPE} https://graph.microsoft.com/.default"}, (400, "invalid_scope", 70011, "scope")),
        (
            {"scope": "https://graph.microsoft.com/.default"},
            (400, "invalid_resource", 500011, "named https://graph.microsoft.com was not found"),
        ),
    ],
)
def test_token_errors_are_entras(entra, options, expected):
    status, error, code, words = expected
    response = entra.token_response(**options)
    got = entra_error(response)
    assert got[:3] == (status, error, code), got
    assert words in got[3]


def test_the_descriptions_of_client_errors_as_entra_writes_them(entra):
    unknown = str(uuid.UUID(int=9))
    _, _, _, text = entra_error(entra.token_response("contoso.com", client_id=unknown))
    assert text == (
        f"Application with identifier '{unknown}' was not found in the directory 'contoso.com'. This can "
        "happen if the application has not been installed by the administrator of the tenant or consented "
        "to by any user in the tenant. You may have sent your authentication request to the wrong tenant."
    )
    _, _, _, text = entra_error(entra.token_response(secret="wrong"))
    assert text == (
        "Invalid client secret provided. Ensure the secret being sent in the request is the client secret "
        f"value, not the client secret ID, for a secret added to app '{CLIENT_ID}'."
    )


def test_a_certificate_credential_is_refused(entra):
    response = entra.token_response(
        secret=None,
        client_assertion_type="urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion="eyJ.a.b",
    )
    assert entra_error(response)[:3] == (401, "invalid_client", 700027)


def test_a_get_of_the_token_endpoint_is_refused_as_entra_does(entra):
    status, error, code, text = entra_error(entra.get(f"{entra.url}/default/oauth2/v2.0/token"))
    assert (status, error, code) == (400, "invalid_request", 900561)
    assert text == "The endpoint only accepts POST, OPTIONS requests. Received a GET request."


def test_a_json_body_is_no_form(entra):
    response = requests.post(
        f"{entra.url}/default/oauth2/v2.0/token",
        json={"grant_type": "client_credentials", "client_id": CLIENT_ID},
        verify=entra.ca,
        timeout=10,
    )
    assert entra_error(response)[:3] == (400, "invalid_request", 900144)


def test_the_correlation_id_echoes_the_clients_request_id(entra):
    request_id = str(uuid.uuid4())
    response = requests.post(
        f"{entra.url}/default/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": CLIENT_ID,
            "client_secret": "x",
            "scope": SCOPE,
        },
        headers={"client-request-id": request_id},
        verify=entra.ca,
        timeout=10,
    )
    body = response.json()
    assert (
        body["correlation_id"] == request_id and f"Correlation ID: {request_id}" in body["error_description"]
    )
    other = entra.token_response(secret="x").json()
    assert uuid.UUID(other["correlation_id"]) and other["correlation_id"] != request_id


# --- the journal -------------------------------------------------------------------------------------


def test_token_requests_are_journaled_without_secrets_or_tokens(fresh):
    fresh.token()
    fresh.token_response(secret="wrong")
    fresh.get(f"{fresh.url}/default/v2.0/.well-known/openid-configuration")
    entries = fresh.control("GET", "/requests", params={"path": "*/oauth2/v2.0/token"}).json()["value"]
    assert [entry["status"] for entry in entries] == [200, 401]
    for entry in entries:
        assert entry["method"] == "POST" and entry["path"] == "/default/oauth2/v2.0/token"
        assert (entry["tenant"], entry["environment"], entry["apiPath"]) == ("default", None, None)
        assert "client_secret=[redacted]" in entry["body"] and CLIENT_SECRET not in json.dumps(entry)
        assert "wrong" not in json.dumps(entry)
    assert entries[0]["responseBody"]["access_token"] == "[redacted]"
    assert entries[0]["responseBody"]["expires_in"] == 3599
    assert entries[1]["responseBody"]["error"] == "invalid_client"
    everything = fresh.control("GET", "/requests").json()["value"]
    assert [entry["path"] for entry in everything][-1] == "/default/v2.0/.well-known/openid-configuration"


def test_a_tenant_reset_clears_its_token_requests(fresh):
    fresh.token("tenant-a")
    fresh.token("tenant-b")
    assert fresh.control("POST", "/reset", params={"tenant": "tenant-a"}).status_code == 200
    tenants = [entry["tenant"] for entry in fresh.control("GET", "/requests").json()["value"]]
    assert tenants == ["tenant-b"]


# --- the token lifetime ------------------------------------------------------------------------------


def test_token_lifetime_sets_expires_in_and_exp(start_bc_mock):
    server = start_bc_mock("--auth", "entra", "--token-lifetime", "120")
    response = requests.post(
        f"{server.url}/default/oauth2/v2.0/token",
        data={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
              "scope": SCOPE},
        timeout=10,
    )  # fmt: skip
    assert server.url.startswith("http://")  # --auth entra without --tls: plain OAuth clients, curl
    body = response.json()
    assert (body["expires_in"], body["ext_expires_in"]) == (120, 120)
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 120 + 301


def test_without_auth_there_is_no_token_service(server_url):
    assert requests.post(f"{server_url}/default/oauth2/v2.0/token", timeout=10).status_code == 404
    assert (
        requests.get(f"{server_url}/default/v2.0/.well-known/openid-configuration", timeout=10).status_code
        == 404
    )
    assert requests.post(f"{server_url}/_mock/tokens", json={}, timeout=10).status_code == 400
