"""Posting a journal notifies what it changed: invoices and customers updated, G/L entries created;
a refused post notifies nothing."""

from __future__ import annotations

from tests.helpers import BANK, GENERAL, USA, invoice


def _post(hooks, journal: str):
    return hooks.post(hooks.company(f"journals({journal})/Microsoft.NAV.post", USA), {})


def test_a_post_notifies_invoices_updated_and_entries_created(hooks, subscriber):
    hooks.subscribe(subscriber.url, "salesInvoices")
    hooks.subscribe(subscriber.url, "generalLedgerEntries")
    hooks.subscribe(subscriber.url, "customers")
    hooks.advance(2)
    assert _post(hooks, BANK).status_code == 204
    assert hooks.flush()["delivered"] >= 1
    items = subscriber.items()
    invoices = {i["resource"] for i in items if "/salesInvoices(" in i["resource"]}
    assert invoices == {
        f"{hooks.resource('salesInvoices')}({invoice(number)})" for number in (103003, 103004, 103005)
    }
    entries = [i for i in items if "/generalLedgerEntries(" in i["resource"]]
    assert len(entries) == 6 and {i["changeType"] for i in entries} == {"created"}
    customers = [i for i in items if "/customers(" in i["resource"]]
    assert len(customers) == 3 and {i["changeType"] for i in customers} == {"updated"}
    assert {i["lastModifiedDateTime"] for i in items} == {"2026-01-05T09:00:02Z"}


def test_a_refused_post_notifies_nothing(hooks, subscriber):
    hooks.subscribe(subscriber.url, "salesInvoices")
    hooks.subscribe(subscriber.url, "generalLedgerEntries")
    assert _post(hooks, GENERAL).status_code == 400  # out of balance
    assert hooks.flush() == {"delivered": 0, "failed": 0}
    assert subscriber.requests == []
