"""$metadata: a CSDL (EDMX 4.0) document generated from the registry, per API version."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

NS = {"edmx": "http://docs.oasis-open.org/odata/ns/edmx", "edm": "http://docs.oasis-open.org/odata/ns/edm"}


def metadata(client) -> ET.Element:
    response = client.get("$metadata")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/xml")
    assert response.headers["OData-Version"] == "4.0"
    return ET.fromstring(response.content)


def entity_type(doc: ET.Element, name: str) -> ET.Element:
    found = doc.find(f"edmx:DataServices/edm:Schema/edm:EntityType[@Name='{name}']", NS)
    assert found is not None, f"no entity type {name}"
    return found


def properties(element: ET.Element) -> dict[str, dict]:
    return {p.get("Name"): dict(p.attrib) for p in element.findall("edm:Property", NS)}


def test_an_edmx_4_document_in_namespace_microsoft_nav(bcv):
    doc = metadata(bcv)
    assert doc.tag == f"{{{NS['edmx']}}}Edmx" and doc.get("Version") == "4.0"
    schemas = doc.findall("edmx:DataServices/edm:Schema", NS)
    assert [s.get("Namespace") for s in schemas] == ["Microsoft.NAV"]
    assert len(schemas[0].findall("edm:EntityContainer", NS)) == 1


def test_the_journal_type_keys_types_lengths_and_nullability(bcv):
    journal = entity_type(metadata(bcv), "customerPaymentJournal")
    assert [ref.get("Name") for ref in journal.findall("edm:Key/edm:PropertyRef", NS)] == ["id"]
    props = properties(journal)
    assert list(props) == [
        "id",
        "code",
        "displayName",
        "lastModifiedDateTime",
        "balancingAccountId",
        "balancingAccountNumber",
    ]
    assert props["id"]["Type"] == "Edm.Guid" and props["id"]["Nullable"] == "false"
    assert props["code"] == {"Name": "code", "Type": "Edm.String", "Nullable": "false", "MaxLength": "10"}
    assert props["displayName"]["MaxLength"] == "100"
    assert props["lastModifiedDateTime"]["Type"] == "Edm.DateTimeOffset"
    assert props["balancingAccountNumber"]["MaxLength"] == "20"


def test_version_differences_show(bc, bc1):
    v2 = properties(entity_type(metadata(bc), "customerPayment"))
    v1 = properties(entity_type(metadata(bc1), "customerPayment"))
    assert "journalId" in v2 and "journalId" not in v1
    assert "contactId" in v1 and "contactId" not in v2
    assert v1["dimensions"]["Type"] == "Collection(Microsoft.NAV.dimension)"
    assert v2["amount"]["Type"] == "Edm.Decimal" and v2["postingDate"]["Type"] == "Edm.Date"
    dimension = metadata(bc1).find("edmx:DataServices/edm:Schema/edm:ComplexType[@Name='dimension']", NS)
    assert set(properties(dimension)) == {"code", "displayName", "valueCode", "valueDisplayName"}
    v2_navs = {
        n.get("Name")
        for n in entity_type(metadata(bc), "customerPayment").findall("edm:NavigationProperty", NS)
    }
    v1_navs = {
        n.get("Name")
        for n in entity_type(metadata(bc1), "customerPayment").findall("edm:NavigationProperty", NS)
    }
    assert v2_navs == {"customer", "customerPaymentJournal"} and v1_navs == {"customer"}


def test_navigation_properties(bcv):
    doc = metadata(bcv)
    navs = {
        n.get("Name"): n
        for n in entity_type(doc, "customerPaymentJournal").findall("edm:NavigationProperty", NS)
    }
    assert navs["customerPayments"].get("Type") == "Collection(Microsoft.NAV.customerPayment)"
    assert navs["customerPayments"].get("ContainsTarget") == "true"
    assert navs["account"].get("Type") == "Microsoft.NAV.account"
    constraint = navs["account"].find("edm:ReferentialConstraint", NS)
    assert constraint.attrib == {"Property": "balancingAccountId", "ReferencedProperty": "id"}
    company_navs = {n.get("Name") for n in entity_type(doc, "company").findall("edm:NavigationProperty", NS)}
    assert {"customerPaymentJournals", "customerPayments", "accounts", "customers"} <= company_navs


def test_read_only_properties_are_marked_computed(bc):
    props = entity_type(metadata(bc), "customerPaymentJournal").findall("edm:Property", NS)
    computed = {
        p.get("Name")
        for p in props
        if p.find("edm:Annotation[@Term='Org.OData.Core.V1.Computed']", NS) is not None
    }
    assert computed == {"lastModifiedDateTime", "balancingAccountNumber"}


def test_entity_sets_in_the_container(bcv):
    container = metadata(bcv).find("edmx:DataServices/edm:Schema/edm:EntityContainer", NS)
    sets = {s.get("Name"): s.get("EntityType") for s in container.findall("edm:EntitySet", NS)}
    assert sets["companies"] == "Microsoft.NAV.company"
    assert sets["customerPaymentJournals"] == "Microsoft.NAV.customerPaymentJournal"
    assert sets["customerPayments"] == "Microsoft.NAV.customerPayment"
    assert sets["accounts"] == "Microsoft.NAV.account"


@pytest.mark.parametrize(
    "root", ["/api/v2.0", "/v2.0/production/api/v1.0", "/v2.0/some-tenant/sandbox/api/v2.0"]
)
def test_served_at_every_api_root(bc, root):
    response = bc.session.get(f"{bc.server_url}{root}/$metadata")
    assert response.status_code == 200 and b"Microsoft.NAV" in response.content


def test_only_get(bc):
    assert bc.post("$metadata", {}).status_code in (404, 405)
