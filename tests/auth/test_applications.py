"""Registered applications: /_mock/applications, the seed's test application, reset, fixtures."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
import requests

from tests.auth.conftest import CLIENT_ID, CLIENT_SECRET
from tests.helpers import failed_start

FIXTURES = Path(__file__).parents[2] / "fixtures"
SEED_APP = {
    "clientId": CLIENT_ID,
    "clientSecret": CLIENT_SECRET,
    "tenant": "default",
    "roles": ["API.ReadWrite.All"],
    "displayName": "bc_mock test application",
}


def applications(server, tenant: str | None = None) -> list[dict]:
    params = {"tenant": tenant} if tenant else {}
    response = server.control("GET", "/applications", params=params)
    assert response.status_code == 200
    return response.json()["value"]


def test_the_seed_registers_the_documented_test_application(fresh):
    assert applications(fresh) == [SEED_APP]
    assert fresh.control("GET", "/health").json()["applications"] == 1


def test_register_use_and_remove_an_application(fresh):
    client_id = str(uuid.uuid4()).upper()  # any case: kept lower-case, as Entra shows client ids
    added = fresh.control("POST", "/applications", json={"clientId": client_id, "clientSecret": "pa55"})
    assert added.status_code == 201
    registered = {"clientId": client_id.lower(), "clientSecret": "pa55", "tenant": "default",
                  "roles": ["API.ReadWrite.All"]}  # fmt: skip
    assert added.json() == registered
    assert applications(fresh) == [SEED_APP, registered]
    token = fresh.token(client_id=client_id, secret="pa55")
    assert fresh.get(f"{fresh.api()}/companies", token).status_code == 200
    assert fresh.control("DELETE", f"/applications/{client_id}").status_code == 204
    assert applications(fresh) == [SEED_APP]
    assert fresh.token_response(client_id=client_id, secret="pa55").json()["error"] == "unauthorized_client"
    assert fresh.control("DELETE", f"/applications/{client_id}").status_code == 404


def test_applications_per_tenant(fresh):
    client_id = str(uuid.uuid4())
    for tenant in ("tenant-a", "tenant-b"):
        body = {"clientId": client_id, "clientSecret": f"secret-{tenant}", "tenant": tenant}
        assert fresh.control("POST", "/applications", json=body).status_code == 201
    assert [app["tenant"] for app in applications(fresh, "tenant-a")] == ["tenant-a"]
    assert len(applications(fresh)) == 3
    # each tenant's token endpoint checks the secret registered there
    assert fresh.token_response("tenant-a", client_id=client_id, secret="secret-tenant-a").status_code == 200
    assert fresh.token_response("tenant-a", client_id=client_id, secret="secret-tenant-b").status_code == 401
    gone = fresh.control("DELETE", f"/applications/{client_id}", params={"tenant": "tenant-a"})
    assert gone.status_code == 204
    assert [app["tenant"] for app in applications(fresh) if app["clientId"] == client_id] == ["tenant-b"]
    duplicate = {"clientId": client_id, "clientSecret": "x", "tenant": "TENANT-B"}
    refused = fresh.control("POST", "/applications", json=duplicate)
    assert (
        refused.status_code == 400
        and "registered in tenant 'TENANT-B' already" in refused.json()["error"]["message"]
    )


@pytest.mark.parametrize(
    "body, words",
    [
        ({"clientSecret": "x"}, "field 'clientId': required"),
        ({"clientId": "app-1", "clientSecret": "x"}, "field 'clientId'"),
        ({"clientId": str(uuid.uuid4())}, "field 'clientSecret': required"),
        ({"clientId": str(uuid.uuid4()), "clientSecret": ""}, "field 'clientSecret'"),
        ({"clientId": str(uuid.uuid4()), "clientSecret": "a\nb"}, "field 'clientSecret'"),
        ({"clientId": str(uuid.uuid4()), "clientSecret": "x", "tenant": "no_such"}, "field 'tenant'"),
        ({"clientId": str(uuid.uuid4()), "clientSecret": "x", "roles": "API.ReadWrite.All"}, "field 'roles'"),
        (
            {"clientId": str(uuid.uuid4()), "clientSecret": "x", "role": []},
            "field 'role': unknown field (did you mean 'roles'?)",
        ),
        ([], "a JSON object"),
    ],
)
def test_a_malformed_application_is_a_400_naming_the_field(fresh, body, words):
    response = fresh.control("POST", "/applications", json=body)
    assert response.status_code == 400
    assert words in response.json()["error"]["message"]
    assert applications(fresh) == [SEED_APP]


def test_a_reset_puts_the_seeds_applications_back(fresh):
    fresh.control("DELETE", f"/applications/{CLIENT_ID}")
    fresh.control("POST", "/applications", json={"clientId": str(uuid.uuid4()), "clientSecret": "x"})
    fresh.control(
        "POST", "/applications", json={"clientId": str(uuid.uuid4()), "clientSecret": "x", "tenant": "t2"}
    )
    assert fresh.control("POST", "/reset", params={"tenant": "t2"}).status_code == 200
    assert [app["tenant"] for app in applications(fresh)] == ["default"]  # t2's went; default's stays
    assert applications(fresh)[0]["clientId"] != CLIENT_ID
    assert fresh.control("POST", "/reset", params={"tenant": "default"}).status_code == 200
    assert applications(fresh) == [SEED_APP]


def test_the_registry_works_without_auth_too(server_url):
    response = requests.get(f"{server_url}/_mock/applications", timeout=10)
    assert response.status_code == 200 and SEED_APP in response.json()["value"]


# --- from fixtures ------------------------------------------------------------------------------------


def _company(tmp_path: Path) -> None:
    (tmp_path / "company.json").write_text((FIXTURES / "cronus-usa.json").read_text())


def test_applications_from_a_fixtures_folder(tmp_path, start_bc_mock):
    _company(tmp_path)
    apps = [
        {"clientId": "11111111-2222-4333-8444-555555555555", "clientSecret": "one", "tenant": "contoso.com"},
        {"clientId": "11111111-2222-4333-8444-666666666666", "clientSecret": "two", "roles": []},
    ]
    (tmp_path / "applications.json").write_text(json.dumps({"applications": apps}))
    server = start_bc_mock("--fixtures", str(tmp_path), "--auth", "entra")
    listed = requests.get(f"{server.url}/_mock/applications", timeout=10).json()["value"]
    assert [(app["clientId"], app["tenant"], app["roles"]) for app in listed] == [
        (apps[0]["clientId"], "contoso.com", ["API.ReadWrite.All"]),
        (apps[1]["clientId"], "default", []),
    ]


def test_a_single_fixture_file_may_hold_companies_and_applications(tmp_path, start_bc_mock):
    seed = json.loads((FIXTURES / "cronus-usa.json").read_text())
    document = [seed, {"applications": [{"clientId": str(uuid.uuid4()), "clientSecret": "s"}]}]
    path = tmp_path / "all.json"
    path.write_text(json.dumps(document))
    server = start_bc_mock("--fixtures", str(path))
    assert len(requests.get(f"{server.url}/_mock/applications", timeout=10).json()["value"]) == 1
    assert len(requests.get(f"{server.url}/api/v2.0/companies", timeout=10).json()["value"]) == 1


def test_fixtures_without_applications_register_none(tmp_path, start_bc_mock):
    _company(tmp_path)
    server = start_bc_mock("--fixtures", str(tmp_path))
    assert requests.get(f"{server.url}/_mock/applications", timeout=10).json()["value"] == []


APP_ID = "11111111-2222-4333-8444-555555555555"


@pytest.mark.parametrize(
    "document, words",
    [
        ({"applications": {}}, "applications must be a list of applications"),
        ({"applications": [], "companies": []}, "unknown key 'companies'"),
        ({"applications": [{"clientId": "x", "clientSecret": "s"}]}, "[0] (clientId x): field 'clientId'"),
        (
            {"applications": [{"clientId": APP_ID, "clientSecret": "s", "tenant": "a_b"}]},
            f"applications[0] (clientId {APP_ID}): field 'tenant'",
        ),
        (
            {
                "applications": [
                    {"clientId": APP_ID, "clientSecret": "s"},
                    {"clientId": APP_ID, "clientSecret": "t"},
                ]
            },
            f"applications[1] (clientId {APP_ID}): field 'clientId': registered in tenant 'default' already",
        ),
    ],
)
def test_a_wrong_applications_fixture_stops_start_up_naming_file_record_and_field(tmp_path, document, words):
    _company(tmp_path)
    (tmp_path / "applications.json").write_text(json.dumps(document))
    result = failed_start("--fixtures", str(tmp_path))
    assert result is not None and result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"bc-mock: error: {tmp_path / 'applications.json'}: ")
    assert words in line, line
