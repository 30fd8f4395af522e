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


def dimension_value(dimension: int, value: int, company: int = 1) -> str:
    return f"d1b0000{company}-0000-4000-8000-{dimension:06d}{value:06d}"


def test_a_dimensions_values_are_nested_under_it(bc):
    response = bc.get(bc.company(f"dimensions({AREA})/dimensionValues"))
    assert response.status_code == 200
    body = response.json()
    assert body["@odata.context"].endswith(f"/$metadata#companies({USA})/dimensions({AREA})/dimensionValues")
    assert [v["code"] for v in body["value"]] == ["10", "30", "50"]
    for value in body["value"]:
        assert list(value) == [
            "@odata.etag",
            "id",
            "code",
            "dimensionId",
            "displayName",
            "consolidationCode",
            "lastModifiedDateTime",
        ]
        assert value["dimensionId"] == AREA
    one = bc.get(bc.company(f"dimensions({AREA})/dimensionValues({dimension_value(1, 2)})")).json()
    assert (one["code"], one["displayName"]) == ("30", "Europe South")
    # a value of another dimension is not found under this one
    other = bc.get(bc.company(f"dimensions({AREA})/dimensionValues({dimension_value(4, 1)})"))
    assert error_of(other)[:2] == (404, "BadRequest_ResourceNotFound")


def test_every_dimensions_values_are_listed_at_company_level(bc):
    values = bc.get(bc.company("dimensionValues")).json()["value"]
    dimensions = {d["id"] for d in bc.get(bc.company("dimensions")).json()["value"]}
    assert len(values) == 16
    assert {v["dimensionId"] for v in values} == dimensions  # every dimension has values
    filtered = bc.get(
        bc.company("dimensionValues"), params={"$filter": f"dimensionId eq {AREA}", "$select": "code"}
    ).json()["value"]
    assert [v["code"] for v in filtered] == ["10", "30", "50"]
    assert list(filtered[0]) == ["@odata.etag", "code"]
    expanded = bc.get(bc.company(f"dimensions({AREA})"), params={"$expand": "dimensionValues"}).json()
    assert len(expanded["dimensionValues"]) == 3


def test_dimension_values_are_read_only(bc):
    url = bc.company(f"dimensionValues({dimension_value(1, 1)})")
    assert error_of(bc.patch(url, {"displayName": "x"}))[:2] == (405, "BadRequest_MethodNotAllowed")
    assert error_of(bc.delete(url))[:2] == (405, "BadRequest_MethodNotAllowed")
    nested = bc.company(f"dimensions({AREA})/dimensionValues")
    assert error_of(bc.post(nested, {"code": "NEW"}))[:2] == (405, "BadRequest_MethodNotAllowed")
