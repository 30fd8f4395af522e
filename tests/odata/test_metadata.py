"""$metadata: a CSDL (EDMX 4.0) document generated from the registry, per API version."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import requests

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
    assert v1["dimensions"]["Type"] == "Collection(Microsoft.NAV.dimensiontype)"
    assert v2["amount"]["Type"] == "Edm.Decimal" and v2["postingDate"]["Type"] == "Edm.Date"
    dimension = metadata(bc1).find("edmx:DataServices/edm:Schema/edm:ComplexType[@Name='dimensiontype']", NS)
    assert set(properties(dimension)) == {"code", "displayName", "valueCode", "valueDisplayName"}
    v2_navs = {
        n.get("Name")
        for n in entity_type(metadata(bc), "customerPayment").findall("edm:NavigationProperty", NS)
    }
    v1_navs = {
        n.get("Name")
        for n in entity_type(metadata(bc1), "customerPayment").findall("edm:NavigationProperty", NS)
    }
    assert v2_navs == {"customer", "customerPaymentJournal", "dimensionSetLines"} and v1_navs == {"customer"}


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


# --- as BC declares them: Microsoft's v1.0 contract (shared/reference/bc-api-v1.0-openapi-subset.yaml)
# and the v2.0 resource pages (dev-itpro/api-reference/v2.0/resources/) -----------------------------


def _enum_type(doc: ET.Element, name: str) -> list[tuple[str, str]]:
    found = doc.find(f"edmx:DataServices/edm:Schema/edm:EnumType[@Name='{name}']", NS)
    assert found is not None, f"no enum type {name}"
    return [(m.get("Name"), m.get("Value")) for m in found.findall("edm:Member", NS)]


def test_v2_declares_bcs_enums_as_enum_types(bc):
    doc = metadata(bc)
    # the v2.0 resource pages: customer type NAV.contactType, blocked NAV.customerBlocked; account
    # category NAV.glAccountCategory, accountType NAV.glAccountType; salesInvoice status
    # NAV.invoiceEntityAggregateStatus. Members and values from the AL enums (5050, 139, 15, 16, 5477)
    customer = properties(entity_type(doc, "customer"))
    assert customer["type"]["Type"] == "Microsoft.NAV.contactType"
    assert customer["blocked"]["Type"] == "Microsoft.NAV.customerBlocked"
    account = properties(entity_type(doc, "account"))
    assert account["category"]["Type"] == "Microsoft.NAV.glAccountCategory"
    assert account["accountType"]["Type"] == "Microsoft.NAV.glAccountType"
    assert (
        properties(entity_type(doc, "salesInvoice"))["status"]["Type"]
        == "Microsoft.NAV.invoiceEntityAggregateStatus"
    )
    assert _enum_type(doc, "contactType") == [("Company", "0"), ("Person", "1")]
    assert _enum_type(doc, "customerBlocked") == [
        ("_x0020_", "0"),
        ("Ship", "1"),
        ("Invoice", "2"),
        ("All", "3"),
    ]
    members = ["Posting", "Heading", "Total", "Begin_x002D_Total", "End_x002D_Total"]
    assert _enum_type(doc, "glAccountType") == [(name, str(value)) for value, name in enumerate(members)]
    assert _enum_type(doc, "invoiceEntityAggregateStatus")[:3] == [
        ("_x0020_", "0"),
        ("Draft", "1"),
        ("In_x0020_Review", "2"),
    ]
    assert ("Cost_x0020_of_x0020_Goods_x0020_Sold", "5") in _enum_type(doc, "glAccountCategory")
    # an AL Option, not an enum, stays a string
    assert account["consolidationTranslationMethod"]["Type"] == "Edm.String"


def test_v1_declares_options_as_strings(bc1):
    doc = metadata(bc1)
    assert properties(entity_type(doc, "customer"))["type"]["Type"] == "Edm.String"
    assert doc.findall("edmx:DataServices/edm:Schema/edm:EnumType", NS) == []


def test_max_length_only_where_bc_stores_the_value_in_a_field_of_that_length(bc, bc1):
    v1_payment = properties(entity_type(metadata(bc1), "customerPayment"))
    v2_payment = properties(entity_type(metadata(bc), "customerPayment"))
    # the v1.0 contract: journalDisplayName and appliesToInvoiceNumber have no maxLength (page
    # variables); customerNumber has 20, documentNumber 20, description 100
    assert "MaxLength" not in v1_payment["journalDisplayName"]
    assert "MaxLength" not in v1_payment["appliesToInvoiceNumber"]
    assert (
        v1_payment["customerNumber"]["MaxLength"] == "20" and v1_payment["description"]["MaxLength"] == "100"
    )
    # v2.0's journalDisplayName is the field "Journal Batch Name", Code[10]
    assert v2_payment["journalDisplayName"]["MaxLength"] == "10"
    v1_customer = properties(entity_type(metadata(bc1), "customer"))
    assert (
        "MaxLength" not in v1_customer["currencyCode"]
        and "MaxLength" not in v1_customer["taxAreaDisplayName"]
    )
    assert v1_customer["displayName"]["Nullable"] == "false"  # the contract: nullable: false
    assert "MaxLength" not in properties(entity_type(metadata(bc1), "salesInvoice"))["currencyCode"]


def test_v1_complex_types_as_the_contract_names_them(bc1):
    doc = metadata(bc1)
    address = doc.find("edmx:DataServices/edm:Schema/edm:ComplexType[@Name='postaladdresstype']", NS)
    members = properties(address)
    assert list(members) == ["street", "city", "state", "countryLetterCode", "postalCode"]
    assert [members[name].get("MaxLength") for name in members] == ["152", "30", "30", "10", "20"]
    dimension = properties(
        doc.find("edmx:DataServices/edm:Schema/edm:ComplexType[@Name='dimensiontype']", NS)
    )
    assert dimension["code"]["Nullable"] == "false" and dimension["valueCode"]["Nullable"] == "false"
    assert "Nullable" not in dimension["displayName"]
    assert all("MaxLength" not in member for member in dimension.values())


def test_a_journal_declares_its_bound_action_post_in_v2_only(bc, bc1, server_url):
    actions = metadata(bc).findall("edmx:DataServices/edm:Schema/edm:Action", NS)
    assert [(a.get("Name"), a.get("IsBound")) for a in actions] == [("post", "true")]
    [parameter] = actions[0].findall("edm:Parameter", NS)
    assert (parameter.get("Name"), parameter.get("Type")) == ("bindingParameter", "Microsoft.NAV.journal")
    assert metadata(bc1).findall("edmx:DataServices/edm:Schema/edm:Action", NS) == []
    paths = requests.get(f"{server_url}/_mock/openapi.json", timeout=10).json()["paths"]
    action = "/api/v2.0/companies({companyId})/journals({journalId})/Microsoft.NAV.post"
    assert "post" in paths[action]
    assert "204" in paths[action]["post"]["responses"]
    assert not any("Microsoft.NAV" in path for path in paths if path.startswith("/api/v1.0"))
