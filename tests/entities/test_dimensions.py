"""dimensions (v2.0): BC's read-only Dimension page, served from the seed."""

from __future__ import annotations

from tests.helpers import USA, error_of

AREA = "d1a00001-0000-4000-8000-000000000001"


def test_the_seed_dimensions_are_listed_in_code_order(bc):
    response = bc.get(bc.company("dimensions"))
    assert response.status_code == 200
    codes = [dimension["code"] for dimension in response.json()["value"]]
    assert codes == ["AREA", "BUSINESSGROUP", "CUSTOMERGROUP", "DEPARTMENT", "PROJECT", "SALESCAMPAIGN"]


def test_a_dimension_has_bcs_properties_in_bcs_order(bc):
    body = bc.get(bc.company(f"dimensions({AREA})")).json()
    assert list(body) == [
        "@odata.context",
        "@odata.etag",
        "id",
        "code",
        "displayName",
        "consolidationCode",
        "lastModifiedDateTime",
    ]
    assert body["@odata.context"].endswith(f"/$metadata#companies({USA})/dimensions/$entity")
    assert (body["code"], body["displayName"], body["consolidationCode"]) == ("AREA", "Area", "")


def test_dimensions_are_read_only(bc):
    status, code, _ = error_of(bc.post(bc.company("dimensions"), {"code": "NEW"}))
    assert (status, code) == (405, "BadRequest_MethodNotAllowed")
    status, code, _ = error_of(bc.patch(bc.company(f"dimensions({AREA})"), {"displayName": "x"}))
    assert (status, code) == (405, "BadRequest_MethodNotAllowed")


def test_dimensions_are_a_v2_set(bc1):
    status, code, _ = error_of(bc1.get(bc1.company("dimensions")))
    assert (status, code) == (404, "BadRequest_NotFound")


def test_metadata_and_openapi_declare_dimensions(bc):
    metadata = bc.get("$metadata").text
    assert '<EntityType Name="dimension">' in metadata
    assert '<EntitySet Name="dimensions" EntityType="Microsoft.NAV.dimension"' in metadata
    document = bc.session.get(f"{bc.server_url}/_mock/openapi.json").json()
    assert "/api/v2.0/companies({companyId})/dimensions" in document["paths"]
