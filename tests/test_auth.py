"""--require-auth and BC_MOCK_REQUIRE_AUTH: BC's 401 without credentials, /_mock stays open."""

from __future__ import annotations

import base64

import pytest
import requests

from tests.helpers import BANK, USA, error_of, start_server, stop_server

JOURNALS = f"api/v2.0/companies({USA})/customerPaymentJournals"


@pytest.fixture(scope="module", params=["flag", "env"])
def auth_server(request):
    if request.param == "flag":
        process, url = start_server("--require-auth")
    else:
        process, url = start_server(env={"BC_MOCK_REQUIRE_AUTH": "1"})
    yield url
    stop_server(process)


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Token abc", "Negotiate abc"],
)
def test_bc_requests_without_credentials_get_401(auth_server, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    for method, path in (
        ("GET", JOURNALS),
        ("GET", "api/v1.0/companies"),
        ("POST", JOURNALS),
        ("GET", f"v2.0/t1/production/{JOURNALS}"),
        ("GET", f"v2.0/production/{JOURNALS}"),
    ):
        response = requests.request(method, f"{auth_server}/{path}", headers=headers, json={"code": "NOPE"})
        status, code, message = error_of(response)
        assert (status, code) == (401, "Authentication_InvalidCredentials")
        assert message == "The server has rejected the client credentials."
        assert response.headers["Content-Type"].startswith("application/json")
        assert "WWW-Authenticate" in response.headers
    # nothing was created by the refused POSTs
    codes = [j["code"] for j in requests.get(f"{auth_server}/{JOURNALS}", headers=_bearer()).json()["value"]]
    assert "NOPE" not in codes


def _bearer() -> dict:
    return {"Authorization": "Bearer eyJ0eXAiOiJKV1QifQ.any.token"}


def test_any_bearer_token_is_accepted(auth_server):
    response = requests.get(f"{auth_server}/{JOURNALS}", headers=_bearer())
    assert response.status_code == 200
    assert [j["code"] for j in response.json()["value"]][:1] == ["BANK"]
    response = requests.get(
        f"{auth_server}/{JOURNALS}", headers={"Authorization": "bearer lower-case-scheme"}
    )
    assert response.status_code == 200


def test_basic_credentials_are_accepted(auth_server):
    token = base64.b64encode(b"ADMIN:web-service-access-key").decode()
    response = requests.get(f"{auth_server}/{JOURNALS}({BANK})", headers={"Authorization": f"Basic {token}"})
    assert response.status_code == 200
    response = requests.get(f"{auth_server}/{JOURNALS}({BANK})", auth=("ADMIN", "key"))
    assert response.status_code == 200


def test_writes_work_with_credentials(auth_server):
    headers = {**_bearer(), "If-Match": "*"}
    tenant_journals = f"{auth_server}/v2.0/auth-writes/production/{JOURNALS}"
    created = requests.post(tenant_journals, json={"code": "AUTH"}, headers=_bearer())
    assert created.status_code == 201, created.text
    patched = requests.patch(
        f"{tenant_journals}({created.json()['id']})", json={"displayName": "x"}, headers=headers
    )
    assert patched.status_code == 200


def test_control_endpoints_stay_open(auth_server):
    assert requests.get(f"{auth_server}/_mock/health").status_code == 200
    assert requests.post(f"{auth_server}/_mock/reset").status_code == 200


@pytest.mark.parametrize("value", ["0", "", "false", "no"])
def test_auth_is_off_by_default_and_when_the_variable_says_no(value):
    process, url = start_server(env={"BC_MOCK_REQUIRE_AUTH": value})
    try:
        assert requests.get(f"{url}/{JOURNALS}").status_code == 200
    finally:
        stop_server(process)
