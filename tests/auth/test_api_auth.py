"""BC's check of the Bearer token (--auth entra): every 401 case, with BC's body, and what stays open."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tests.auth.conftest import CLIENT_ID
from tests.helpers import GENERAL, USA

BC_MESSAGE = "The server has rejected the client credentials."
JOURNALS = f"companies({USA})/customerPaymentJournals"


def assert_bc_401(response: requests.Response, reason: str | None = None) -> None:
    """BC's 401: its code and text with a CorrelationId, and a Bearer challenge (``reason`` in it)."""
    assert response.status_code == 401, response.text
    error = response.json()["error"]
    assert error["code"] == "Authentication_InvalidCredentials"
    text, _, correlation = error["message"].partition("  CorrelationId:  ")
    assert text == BC_MESSAGE
    assert correlation == f"{response.headers['request-id']}."  # two spaces either side, a final period
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer authorization_uri="https://127.0.0.1:')
    assert 'resource_id="https://api.businesscentral.dynamics.com"' in challenge
    if reason is None:
        assert "error=" not in challenge  # no token was sent (RFC 6750)
    else:
        assert 'error="invalid_token"' in challenge
        assert reason in challenge, challenge


def test_a_valid_token_opens_every_root_and_version(fresh):
    token = fresh.token()
    for url in (
        f"{fresh.api()}/companies",
        f"{fresh.api(version='v1.0')}/companies",
        f"{fresh.url}/v2.0/production/api/v2.0/companies",
        f"{fresh.url}/v2.0/sandbox/api/v2.0/{JOURNALS}",
        f"{fresh.api('default')}/{JOURNALS}({GENERAL})/customerPayments",
        f"{fresh.api('DEFAULT')}/companies",  # tenant names are case-insensitive
    ):
        response = fresh.get(url, token)
        assert response.status_code == 200, (url, response.text)
    created = requests.post(
        f"{fresh.api()}/{JOURNALS}",
        json={"code": "AUTH"},
        headers={"Authorization": f"Bearer {token}"},
        verify=fresh.ca,
        timeout=10,
    )
    assert created.status_code == 201


def test_no_token_is_a_401_with_bcs_body_and_a_challenge(fresh):
    response = fresh.get(f"{fresh.api()}/companies")
    assert_bc_401(response)
    assert response.headers["WWW-Authenticate"] == (
        f'Bearer authorization_uri="{fresh.url}/default/oauth2/authorize", '
        'resource_id="https://api.businesscentral.dynamics.com"'
    )
    challenge = fresh.get(f"{fresh.api('contoso.com')}/companies").headers["WWW-Authenticate"]
    assert f'authorization_uri="{fresh.url}/contoso.com/oauth2/authorize"' in challenge


@pytest.mark.parametrize(
    "authorization, reason",
    [
        ("Bearer", "Authorization: Bearer <token>"),
        ("Bearer    ", "Authorization: Bearer <token>"),
        ("Basic " + base64.b64encode(b"ADMIN:web-service-key").decode(), "Bearer token"),
        ("Token abc", "Bearer token"),
        ("Bearer not-a-jwt", "The token is not a JWT."),
        ("Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "not signed by this token service"),
    ],
)
def test_a_malformed_authorization_is_a_401(fresh, authorization, reason):
    assert_bc_401(fresh.get(f"{fresh.api()}/companies", headers={"Authorization": authorization}), reason)


def _claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def test_a_token_signed_by_another_key_is_a_401(fresh):
    genuine = fresh.token()
    header = jwt.get_unverified_header(genuine)
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(_claims_of(genuine), forger, algorithm="RS256", headers={"kid": header["kid"]})
    assert_bc_401(fresh.get(f"{fresh.api()}/companies", forged), "The token's signature is not valid.")
    # the genuine token's claims with its signature cut off, or another token's signature
    payload_swapped = ".".join([*forged.split(".")[:2], genuine.split(".")[2]])
    assert_bc_401(fresh.get(f"{fresh.api()}/companies", payload_swapped), "signature is not valid")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_tokens_of_other_algorithms_are_refused(fresh):
    token = fresh.token()
    claims, kid = _claims_of(token), jwt.get_unverified_header(token)["kid"]
    unsigned = jwt.encode(claims, None, algorithm="none", headers={"kid": kid})
    assert_bc_401(fresh.get(f"{fresh.api()}/companies", unsigned), "not signed by this token service")
    # HS256 keyed with the service's public key, the JWKS's (the algorithm confusion attack); made
    # by hand, as PyJWT refuses a public key as an HMAC secret
    (key,) = fresh.get(f"{fresh.url}/default/discovery/v2.0/keys").json()["keys"]
    public_pem = jwt.PyJWK(key).key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    body = _b64(json.dumps(claims).encode())
    signature = _b64(hmac.new(public_pem, f"{head}.{body}".encode(), hashlib.sha256).digest())
    assert_bc_401(fresh.get(f"{fresh.api()}/companies", f"{head}.{body}.{signature}"), "alg 'HS256'")


def test_an_expired_token_is_a_401(fresh):
    expired = fresh.made_token(exp=int(time.time()) - 1)
    assert_bc_401(fresh.get(f"{fresh.api()}/companies", expired), "The token expired at ")
    no_expiry = fresh.made_token(exp=None)
    assert_bc_401(fresh.get(f"{fresh.api()}/companies", no_expiry), "The token has no expiry (exp).")


def test_a_token_not_yet_valid_is_a_401(fresh):
    later = int(time.time()) + 120
    token = fresh.made_token(nbf=later)
    assert_bc_401(fresh.get(f"{fresh.api()}/companies", token), "The token is not valid before ")
    assert (
        fresh.get(f"{fresh.api()}/companies", fresh.made_token(nbf=int(time.time()) - 1)).status_code == 200
    )


def test_a_token_for_another_audience_is_a_401(fresh):
    for audience in ("https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000", None):
        token = fresh.made_token(aud=audience)
        assert_bc_401(fresh.get(f"{fresh.api()}/companies", token), "not Business Central's")


def test_a_token_of_another_issuer_is_a_401(fresh):
    token = fresh.made_token(iss="https://sts.windows.net/someone-else/")
    assert_bc_401(fresh.get(f"{fresh.api()}/companies", token), "issuer")
    v2 = fresh.made_token(iss="https://login.microsoftonline.com/default/v2.0")  # a v2.0 token's
    assert fresh.get(f"{fresh.api()}/companies", v2).status_code == 200


def test_a_token_of_one_tenant_opens_that_tenants_roots_only(fresh):
    # the app is registered in tenant-a as well as in default
    app = {"clientId": CLIENT_ID, "clientSecret": "bc-mock-test-secret", "tenant": "tenant-a"}
    assert fresh.control("POST", "/applications", json=app).status_code == 201
    token_a = fresh.token("tenant-a")
    assert fresh.get(f"{fresh.api('tenant-a')}/companies", token_a).status_code == 200
    assert fresh.get(f"{fresh.api('Tenant-A')}/companies", token_a).status_code == 200
    for url in (
        f"{fresh.api()}/companies",
        f"{fresh.api('default')}/companies",
        f"{fresh.api('tenant-b')}/companies",
    ):
        assert_bc_401(
            fresh.get(url, token_a), "The token is for tenant 'tenant-a', not for this URL's tenant"
        )
    token_default = fresh.token()
    assert_bc_401(fresh.get(f"{fresh.api('tenant-a')}/companies", token_default), "not for this URL's tenant")


def test_an_app_not_registered_in_the_tenant_gets_a_token_but_bcs_401(fresh):
    # Entra issues the token (the client and its secret are known); BC does not know the app there
    token = fresh.token("contoso.onmicrosoft.com")
    assert _claims_of(token)["tid"] == "contoso.onmicrosoft.com"
    assert_bc_401(
        fresh.get(f"{fresh.api('contoso.onmicrosoft.com')}/companies", token),
        f"The application '{CLIENT_ID}' is not registered in tenant 'contoso.onmicrosoft.com'",
    )
    # registered there (BC's Microsoft Entra applications page), the same token opens it
    app = {"clientId": CLIENT_ID, "clientSecret": "bc-mock-test-secret", "tenant": "contoso.onmicrosoft.com"}
    assert fresh.control("POST", "/applications", json=app).status_code == 201
    assert fresh.get(f"{fresh.api('contoso.onmicrosoft.com')}/companies", token).status_code == 200


def test_an_app_removed_from_bc_is_refused_with_its_old_token(fresh):
    token = fresh.token()
    assert fresh.control("DELETE", f"/applications/{CLIENT_ID}").status_code == 204
    assert_bc_401(fresh.get(f"{fresh.api()}/companies", token), "is not registered in tenant 'default'")


def test_an_app_without_the_api_role_is_a_401(fresh):
    app = {
        "clientId": str(uuid.uuid4()),
        "clientSecret": "s3cret",
        "roles": ["Automation.ReadWrite.All"],
    }
    assert fresh.control("POST", "/applications", json=app).status_code == 201
    token = fresh.token(client_id=app["clientId"], secret="s3cret")
    assert _claims_of(token)["roles"] == ["Automation.ReadWrite.All"]
    assert_bc_401(fresh.get(f"{fresh.api()}/companies", token), "do not include API.ReadWrite.All")
    for roles in (None, "API.ReadWrite.All", []):
        made = fresh.made_token(roles=roles)
        assert_bc_401(fresh.get(f"{fresh.api()}/companies", made), "do not include API.ReadWrite.All")


def test_a_token_without_an_app_id_is_a_401(fresh):
    assert_bc_401(fresh.get(f"{fresh.api()}/companies", fresh.made_token(appid=None)), "is not registered")
    v2 = fresh.made_token(appid=None, azp=CLIENT_ID)  # v2.0 tokens name the client azp
    assert fresh.get(f"{fresh.api()}/companies", v2).status_code == 200


def test_metadata_and_the_service_document_need_a_token_as_in_bc(fresh):
    for path in ("$metadata", "", "$batch"):
        assert_bc_401(fresh.get(f"{fresh.api()}/{path}"))
    token = fresh.token()
    metadata = fresh.get(f"{fresh.api()}/$metadata", token)
    assert metadata.status_code == 200 and metadata.text.startswith("<?xml")


def test_a_refused_write_changes_nothing(fresh):
    token = fresh.token()
    before = fresh.get(f"{fresh.api()}/{JOURNALS}", token).json()["value"]
    refused = requests.post(f"{fresh.api()}/{JOURNALS}", json={"code": "NOPE"}, verify=fresh.ca, timeout=10)
    assert_bc_401(refused)
    assert fresh.get(f"{fresh.api()}/{JOURNALS}", token).json()["value"] == before


def test_batch_operations_are_checked_with_the_batchs_token(fresh):
    token = fresh.token()
    batch = {
        "requests": [
            {"id": "1", "method": "GET", "url": "companies"},
            {"id": "2", "method": "GET", "url": "/v2.0/tenant-x/production/api/v2.0/companies"},
        ]
    }
    response = requests.post(
        f"{fresh.api()}/$batch",
        json=batch,
        headers={"Authorization": f"Bearer {token}", "Prefer": "odata.continue-on-error"},
        verify=fresh.ca,
        timeout=10,
    )
    assert response.status_code == 200
    statuses = [operation["status"] for operation in response.json()["responses"]]
    assert statuses == [200, 401]  # the token opens its own tenant only, in a batch too


def test_the_control_endpoints_stay_open(fresh):
    assert fresh.control("GET", "/health").json()["auth"] == "entra"
    assert fresh.control("GET", "/requests").status_code == 200
    assert fresh.control("GET", "/faults").status_code == 200
    assert fresh.control("GET", "/applications").status_code == 200
    assert fresh.control("POST", "/reset").status_code == 200


def test_refused_requests_are_journaled_without_their_tokens(fresh):
    token = fresh.token()
    fresh.get(f"{fresh.api()}/companies", f"{token}x")
    (entry,) = fresh.control("GET", "/requests", params={"path": "companies"}).json()["value"]
    assert entry["status"] == 401 and entry["headers"]["Authorization"] == "Bearer [redacted]"
    assert entry["responseBody"]["error"]["code"] == "Authentication_InvalidCredentials"


def test_require_auth_beside_entra_changes_nothing(start_bc_mock):
    server = start_bc_mock("--auth", "entra", "--require-auth")  # any token passes --require-auth alone
    response = requests.get(
        f"{server.url}/api/v2.0/companies", headers={"Authorization": "Bearer any"}, timeout=10
    )
    assert response.status_code == 401 and "error=" in response.headers["WWW-Authenticate"]
