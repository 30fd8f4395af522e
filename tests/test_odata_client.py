"""A generic OData v4 client (python-odata, from PyPI) that knows only $metadata works against bc_mock.

The client reflects the entity types and sets from ``$metadata``, then lists,
filters, expands, creates, updates and deletes journals and payments, the way an
integration built on a generic OData library would.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests
from odata import ODataService
from odata.exceptions import ODataError
from odata.flags import ODataServerFlags

from tests.helpers import BANK, GENERAL, USA


class CompanySession(requests.Session):
    """Adds ``?company=`` to every request, as a BC integration configures a generic client.

    BC's entity sets hang off a company; a client that addresses ``customerPaymentJournals``
    at the service root names the company in the query string.
    """

    def request(self, method, url, *args, **kwargs):
        if not url.endswith("$metadata"):
            url = f"{url}{'&' if '?' in url else '?'}company={USA}"
        return super().request(method, url, *args, **kwargs)


@pytest.fixture
def service(server_url, tenant) -> ODataService:
    return ODataService(
        f"{server_url}/v2.0/{tenant}/production/api/v2.0/",
        reflect_entities=True,
        session=CompanySession(),
        quiet_progress=True,
        # BC reads a missing property as "not given", not null
        server_flags=ODataServerFlags(skip_null_properties=True),
    )


def test_reflects_the_sets_and_types(service):
    assert {"companies", "customerPaymentJournals", "customerPayments", "accounts"} <= set(service.entities)
    journal = service.entities["customerPaymentJournals"]
    assert journal.__odata_type__ == "Microsoft.NAV.customerPaymentJournal"
    assert journal.customerPayments.is_collection


def test_lists_filters_orders_and_expands(service):
    Journal = service.entities["customerPaymentJournals"]
    Payment = service.entities["customerPayments"]
    assert [j.code for j in service.query(Journal).order_by(Journal.code.desc()).all()] == ["GENERAL", "BANK"]
    bank = service.query(Journal).filter(Journal.code == "BANK").expand(Journal.customerPayments).first()
    assert bank.id == BANK
    assert [p.lineNumber for p in bank.customerPayments] == [10000, 20000, 30000]
    big = service.query(Payment).filter(Payment.journalId == GENERAL).filter(Payment.amount < -500).all()
    assert sorted(p.amount for p in big) == [Decimal(-4000), Decimal(-1000)]
    assert service.query(Journal).get(GENERAL).displayName == "General cash receipts"


def test_creates_updates_and_deletes_journals_and_payments(service):
    Journal = service.entities["customerPaymentJournals"]
    Payment = service.entities["customerPayments"]
    # python-odata leaves out a property that a navigation's referential constraint names
    # (expecting an @odata.bind instead); BC's API takes journalId itself
    Payment.customerPaymentJournal.foreign_key = None

    journal = Journal()
    journal.code = "client"
    journal.displayName = "From a generic client"
    service.save(journal)
    assert journal.code == "CLIENT" and journal.id

    journal.displayName = "Renamed"
    service.default_context.save(journal, extra_headers={"If-Match": journal.__odata__.data["@odata.etag"]})
    assert service.query(Journal).get(journal.id).displayName == "Renamed"

    payment = Payment()
    payment.journalId = journal.id
    payment.customerNumber = "20000"
    payment.amount = Decimal("-12.5")
    service.save(payment)
    assert (payment.lineNumber, payment.journalDisplayName, payment.amount) == (
        10000,
        "CLIENT",
        Decimal("-12.5"),
    )

    payment.amount = Decimal(-13)
    service.default_context.save(payment, extra_headers={"If-Match": "*"})
    listed = service.query(Payment).filter(Payment.journalId == journal.id).all()
    assert [(p.id, p.amount) for p in listed] == [(payment.id, Decimal(-13))]

    # BC refuses a PATCH without If-Match, and the client reports BC's error
    payment.amount = Decimal(-14)
    with pytest.raises(ODataError) as refused:
        service.save(payment)
    assert refused.value.code == "BadRequest_InvalidToken"

    service.delete(payment)
    service.delete(journal)
    assert [j.code for j in service.query(Journal).all()] == ["BANK", "GENERAL"]
