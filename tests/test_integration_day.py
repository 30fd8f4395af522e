"""An integration's day against bc_mock, as a payment sync runs it against BC: read the open
invoices, write one payment per invoice (one of them partial), post the journal, and reconcile
from salesInvoices and generalLedgerEntries alone."""

from __future__ import annotations

from decimal import Decimal

from tests.helpers import BcClient, account


def test_an_integrations_day(bc: BcClient):
    # morning: the open invoices, as the sync reads them
    invoices = bc.get(bc.company("salesInvoices?$filter=status eq 'Open' and remainingAmount gt 0")).json()[
        "value"
    ]
    assert len(invoices) == 5
    # the bank statement: every invoice paid in full, but the first one only half
    paid = {
        invoice["number"]: Decimal(str(invoice["remainingAmount"])) / (2 if index == 0 else 1)
        for index, invoice in enumerate(invoices)
    }

    # a journal of its own, balanced on the bank's G/L account
    journal = bc.post(
        bc.company("customerPaymentJournals"), {"code": "SYNC", "balancingAccountId": account(10100)}
    ).json()
    documents = {}
    for invoice in invoices:
        payment = {
            "customerId": invoice["customerId"],
            "appliesToInvoiceId": invoice["id"],
            "amount": float(-paid[invoice["number"]]),
            "postingDate": "2026-02-20",
            "externalDocumentNumber": f"STMT-{invoice['number']}",
        }
        created = bc.post(bc.payments(journal["id"]), payment)
        assert created.status_code == 201, created.text
        documents[created.json()["documentNumber"]] = invoice["number"]
    assert len(documents) == len(invoices)  # a document number per payment

    # post it: BC's bound action on journals, which finds a customer payment journal by its id
    posted = bc.post(bc.company(f"journals({journal['id']})/Microsoft.NAV.post"), {})
    assert posted.status_code == 204, posted.text
    assert bc.get(bc.payments(journal["id"])).json()["value"] == []

    # evening: reconcile from salesInvoices and generalLedgerEntries alone
    for invoice in invoices:
        after = bc.get(bc.company(f"salesInvoices({invoice['id']})")).json()
        expected = Decimal(str(invoice["remainingAmount"])) - paid[invoice["number"]]
        assert Decimal(str(after["remainingAmount"])) == expected
        assert after["status"] == ("Open" if expected else "Paid")
    numbers = " or ".join(f"documentNumber eq '{number}'" for number in documents)
    entries = bc.get(bc.company(f"generalLedgerEntries?$filter={numbers}&$orderby=entryNumber")).json()[
        "value"
    ]
    assert len(entries) == 2 * len(invoices)
    for document, invoice_number in documents.items():
        lines = [entry for entry in entries if entry["documentNumber"] == document]
        debit = sum(Decimal(str(entry["debitAmount"])) for entry in lines)
        credit = sum(Decimal(str(entry["creditAmount"])) for entry in lines)
        assert debit == credit == paid[invoice_number]  # balanced, and what the statement said
        bank = next(entry for entry in lines if entry["accountNumber"] == "10100")
        receivables = next(entry for entry in lines if entry["accountNumber"] == "10400")
        assert (bank["debitAmount"], receivables["creditAmount"]) == (float(paid[invoice_number]),) * 2
        assert {entry["postingDate"] for entry in lines} == {"2026-02-20"}
        assert {entry["documentType"] for entry in lines} == {"Payment"}
    still_open = bc.get(bc.company("salesInvoices?$filter=status eq 'Open'")).json()["value"]
    assert [invoice["number"] for invoice in still_open] == [invoices[0]["number"]]
