"""Answers carry the headers recorded BC answers carry (BC 25.4, tfenster/wiremock-demo,
wiremock/mappings: get all customers, create customer, update created customer, delete created
customer, get deleted customer): no ETag header, request-id everywhere, OData's media type and
version on GET and POST only, no caching."""

from __future__ import annotations

import uuid

from tests.helpers import BANK, GENERAL

ODATA_JSON = "application/json; odata.metadata=minimal; odata.streaming=true"


def _common(response) -> None:
    assert "ETag" not in response.headers
    assert response.headers["Cache-Control"] == "no-cache, no-store"
    assert str(uuid.UUID(response.headers["request-id"])) == response.headers["request-id"]


def test_a_get_of_a_list_and_of_a_record(bc):
    for response in (bc.get(bc.journals()), bc.get(bc.journals(f"({BANK})"))):
        assert response.status_code == 200
        _common(response)
        assert response.headers["Content-Type"] == ODATA_JSON
        assert response.headers["OData-Version"] == "4.0"


def test_a_post(bc):
    response = bc.post(bc.journals(), {"code": "HEADERS"})
    assert response.status_code == 201
    _common(response)
    assert response.headers["Content-Type"] == ODATA_JSON and response.headers["OData-Version"] == "4.0"
    assert response.headers["Location"].endswith(f"/customerPaymentJournals({response.json()['id']})")


def test_a_patch_answers_plain_json(bc):
    response = bc.patch(bc.journals(f"({GENERAL})"), {"displayName": "Headers"})
    assert response.status_code == 200
    _common(response)
    assert response.headers["Content-Type"] == "application/json"
    assert "OData-Version" not in response.headers


def test_a_delete_answers_no_content_at_all(bc):
    response = bc.delete(bc.journals(f"({BANK})"))
    assert response.status_code == 204
    _common(response)
    assert "Content-Type" not in response.headers and "OData-Version" not in response.headers


def test_an_error_names_its_request_id(bc):
    response = bc.get(bc.journals(f"({BANK})"))
    bc.delete(bc.journals(f"({BANK})"))
    gone = bc.get(bc.journals(f"({BANK})"))  # the recording's "get deleted customer"
    assert gone.status_code == 404 and response.status_code == 200
    _common(gone)
    assert gone.headers["Content-Type"] == "application/json" and "OData-Version" not in gone.headers
    assert gone.json()["error"]["message"].endswith(f"  CorrelationId:  {gone.headers['request-id']}.")


def test_each_answer_has_its_own_request_id(bc):
    ids = {bc.get("companies").headers["request-id"] for _ in range(5)}
    assert len(ids) == 5
