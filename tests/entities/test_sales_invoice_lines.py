"""salesInvoiceLines (v2.0): the lines of an invoice, as BC's page 30043 serves them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.helpers import USA, error_of, invoice

# APIV2SalesInvoiceLines.Page.al, field order
LINE_FIELDS = [
    "id", "documentId", "sequence", "itemId", "accountId", "lineType", "lineObjectNumber", "description",
    "description2", "unitOfMeasureId", "unitOfMeasureCode", "quantity", "unitPrice", "discountAmount",
    "discountPercent", "discountAppliedBeforeTax", "amountExcludingTax", "taxCode", "taxPercent",
    "totalTaxAmount", "amountIncludingTax", "invoiceDiscountAllocation", "netAmount", "netTaxAmount",
    "netAmountIncludingTax", "shipmentDate", "itemVariantId", "locationId",
]  # fmt: skip


def _lines(bc, number: int) -> list[dict]:
    response = bc.get(bc.company(f"salesInvoices({invoice(number)})/salesInvoiceLines"))
    assert response.status_code == 200, response.text
    return response.json()["value"]


def test_an_invoices_lines_in_bcs_shape(bc):
    first, second = _lines(bc, 103001)
    assert list(first) == ["@odata.etag", *LINE_FIELDS]
    assert (first["sequence"], second["sequence"]) == (10000, 20000)
    assert first["documentId"] == invoice(103001) and first["lineType"] == "Account"
    assert (first["quantity"], first["unitPrice"], first["amountExcludingTax"]) == (10, 250, 2500)


@pytest.mark.parametrize("company", [1, 2])
def test_the_seed_lines_add_up_to_each_invoices_totals(bc, company):
    company_id = USA if company == 1 else "c0a00002-0000-4000-8000-000000000002"
    invoices = bc.get(bc.company("salesInvoices", company_id)).json()["value"]
    for header in invoices:
        lines = bc.get(bc.company(f"salesInvoices({header['id']})/salesInvoiceLines", company_id)).json()[
            "value"
        ]
        assert lines, header["number"]
        total = sum(Decimal(str(line["netAmount"])) for line in lines)
        tax = sum(Decimal(str(line["netTaxAmount"])) for line in lines)
        including = sum(Decimal(str(line["netAmountIncludingTax"])) for line in lines)
        assert total == Decimal(str(header["totalAmountExcludingTax"])), header["number"]
        assert tax == Decimal(str(header["totalTaxAmount"])), header["number"]
        assert including == Decimal(str(header["totalAmountIncludingTax"])), header["number"]


def test_invoices_expand_their_lines(bc):
    response = bc.get(
        bc.company(f"salesInvoices({invoice(103005)})"), params={"$expand": "salesInvoiceLines"}
    )
    lines = response.json()["salesInvoiceLines"]
    assert [line["description"] for line in lines] == ["Implementation, fixed price", "Data migration"]


def test_a_company_level_list_needs_the_invoice(bc):
    status, code, message = error_of(bc.get(bc.company("salesInvoiceLines")))
    assert (status, code, message) == (
        400,
        "Application_DialogException",
        "You must specify an Id or a Document Id to get the lines.",
    )
    by_document = bc.get(
        bc.company("salesInvoiceLines"), params={"$filter": f"documentId eq {invoice(103003)}"}
    )
    assert [line["sequence"] for line in by_document.json()["value"]] == [10000, 20000]


def test_lines_are_read_only_and_v2_only(bc, bc1):
    url = bc.company(f"salesInvoices({invoice(103001)})/salesInvoiceLines")
    assert error_of(bc.post(url, {"description": "x"}))[:2] == (405, "BadRequest_MethodNotAllowed")
    assert bc1.get(bc1.company(f"salesInvoices({invoice(103001)})/salesInvoiceLines")).status_code == 404


def test_metadata_declares_the_lines_and_their_line_type(bc):
    text = bc.get("$metadata").text
    assert (
        '<NavigationProperty Name="salesInvoiceLines" Type="Collection(Microsoft.NAV.salesInvoiceLine)"'
        in text
    )
    assert '<Property Name="lineType" Type="Microsoft.NAV.invoiceLineAggLineType"' in text
    assert '<Member Name="Allocation_x0020_Account" Value="10" />' in text
