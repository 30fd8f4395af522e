"""Failing authentication on purpose: the token-expired, token-invalid and entra-unavailable presets,
and fault rules on the token service's paths."""

from __future__ import annotations

import time

import jwt
import pytest
import requests

from tests.auth.test_api_auth import assert_bc_401
from tests.auth.test_token_service import entra_error


def add_rule(server, **rule) -> dict:
    response = server.control("POST", "/faults", json=rule)
    assert response.status_code == 201, response.text
    return response.json()


def rules(server) -> list[dict]:
    return server.control("GET", "/faults", params={"tenant": "*"}).json()["value"]


def test_token_expired_issues_the_next_token_already_expired(fresh):
    rule = add_rule(fresh, preset="token-expired", times=1)
    response = fresh.token_response()
    assert response.status_code == 200
    body = response.json()
    assert body["expires_in"] == body["ext_expires_in"] == 0
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["exp"] < time.time() and claims["exp"] - claims["iat"] == 3599 + 301
    assert_bc_401(fresh.get(f"{fresh.api()}/companies", body["access_token"]), "The token expired at ")
    # the rule fired once: the next token is a good one
    assert fresh.get(f"{fresh.api()}/companies", fresh.token()).status_code == 200
    assert [(r["id"], r["hits"], r["expired"]) for r in rules(fresh)] == [(rule["id"], 1, True)]
    (entry, _) = fresh.control("GET", "/requests", params={"path": "*/oauth2/v2.0/token"}).json()["value"]
    assert entry["fault"] == rule["id"]


def test_token_expired_does_not_touch_the_api_or_discovery(fresh):
    add_rule(fresh, preset="token-expired")
    token = fresh.made_token()  # made to order, not issued by the token endpoint
    assert fresh.get(f"{fresh.api()}/companies", token).status_code == 200
    assert fresh.get(f"{fresh.url}/default/v2.0/.well-known/openid-configuration").status_code == 200
    assert rules(fresh)[0]["hits"] == 0


def test_token_invalid_answers_the_api_401_as_for_a_bad_signature(fresh):
    token = fresh.token()
    rule = add_rule(fresh, preset="token-invalid", times=1)
    response = fresh.get(f"{fresh.api()}/companies", token)
    assert_bc_401(response, "The token's signature is not valid.")
    assert fresh.get(f"{fresh.api()}/companies", token).status_code == 200
    assert rules(fresh)[0]["hits"] == 1
    # it targets the BC API: the token endpoint is untouched
    add_rule(fresh, preset="token-invalid")
    assert fresh.token_response().status_code == 200
    (entry,) = [e for e in fresh.control("GET", "/requests").json()["value"] if e["fault"] == rule["id"]]
    assert entry["status"] == 401


def test_token_invalid_works_without_auth_too(server_url, tenant):
    added = requests.post(
        f"{server_url}/_mock/faults", json={"preset": "token-invalid", "tenant": tenant, "times": 1}
    )
    assert added.status_code == 201
    response = requests.get(f"{server_url}/v2.0/{tenant}/production/api/v2.0/companies", timeout=10)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "Authentication_InvalidCredentials"
    assert f"/{tenant}/oauth2/authorize" in response.headers["WWW-Authenticate"]


def test_entra_unavailable_answers_the_token_endpoint_503(fresh):
    add_rule(fresh, preset="entra-unavailable", times=1)
    response = fresh.token_response()
    status, error, code, text = entra_error(response)
    assert (status, error, code) == (503, "temporarily_unavailable", 90006)
    assert text == "The service is temporarily unavailable."
    assert response.headers["Retry-After"] == "1"
    assert fresh.token_response().status_code == 200
    # discovery, keys and the API are not the token endpoint
    add_rule(fresh, preset="entra-unavailable")
    assert fresh.get(f"{fresh.url}/default/v2.0/.well-known/openid-configuration").status_code == 200
    assert fresh.get(f"{fresh.url}/default/discovery/v2.0/keys").status_code == 200
    assert fresh.get(f"{fresh.api()}/companies", fresh.made_token()).status_code == 200
    assert fresh.token_response().status_code == 503


def test_rules_reach_the_token_service_by_its_paths_only(fresh):
    add_rule(fresh, status=503)  # no path: the BC API only
    assert fresh.token_response().status_code == 200
    assert fresh.get(f"{fresh.api()}/companies", fresh.made_token()).status_code == 503
    fresh.control("DELETE", "/faults")
    add_rule(
        fresh, path="*/oauth2/v2.0/token", status=500, error={"message": "AADSTS50000: Down for a test."}
    )
    status, error, code, text = entra_error(fresh.token_response())
    assert (status, error, code, text) == (500, "server_error", 50000, "Down for a test.")
    fresh.control("DELETE", "/faults")
    add_rule(fresh, path="/default/v2.0/.well-known/openid-configuration", status=404, times=1)
    assert fresh.get(f"{fresh.url}/default/v2.0/.well-known/openid-configuration").status_code == 404
    fresh.control("DELETE", "/faults")
    add_rule(fresh, path="*", status=429, tenant="contoso.com")  # "*": everything, the token service too
    assert entra_error(fresh.token_response("contoso.com"))[:2] == (429, "temporarily_unavailable")
    assert fresh.token_response("default").status_code == 200  # another tenant's token endpoint


def test_a_delay_on_the_token_endpoint_holds_no_worker(fresh):
    add_rule(fresh, path="*/oauth2/v2.0/token", delayMs=300, times=1)
    started = time.monotonic()
    assert fresh.token_response().status_code == 200
    assert time.monotonic() - started >= 0.3
    (entry,) = fresh.control("GET", "/requests", params={"path": "*/token"}).json()["value"]
    assert entry["durationMs"] >= 300 and entry["fault"]


def test_a_dropped_token_request_gets_no_answer(fresh):
    add_rule(fresh, path="*/oauth2/v2.0/token", drop=True, times=1)
    with pytest.raises(requests.ConnectionError):
        fresh.token_response()
    assert fresh.token_response().status_code == 200


def test_a_whole_path_rule_must_be_a_path_that_exists(fresh):
    assert (
        fresh.control(
            "POST", "/faults", json={"path": "/default/oauth2/v2.0/token", "status": 503}
        ).status_code
        == 201
    )
    refused = fresh.control("POST", "/faults", json={"path": "/default/oauth2/token", "status": 503})
    assert refused.status_code == 400 and "never matches" in refused.json()["error"]["message"]


def test_unknown_presets_list_the_auth_ones(fresh):
    refused = fresh.control("POST", "/faults", json={"preset": "token-revoked"})
    message = refused.json()["error"]["message"]
    assert refused.status_code == 400
    assert "token-invalid, token-expired, entra-unavailable" in message
