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
from odata import metadata as odata_metadata
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


def _parse_with_python_enum_names(parse):
    """python-odata makes a Python Enum of each EnumType; BC's v2.0 blank member is ``_x0020_``,
    a name Python's enum reserves (``_sunder_``): against BC as against bc_mock, a python-odata
    client needs this one adapter, which renames such members (their values stay)."""

    def parse_document(self, document):
        schemas, *rest = parse(self, document)
        for schema in schemas:
            for enum_type in schema["enum_types"]:
                for member in enum_type["members"]:
                    if member["name"].startswith("_"):
                        member["name"] = "blank" + member["name"]
        return (schemas, *rest)

    return parse_document


@pytest.fixture
def service(server_url, tenant, monkeypatch) -> ODataService:
    parse = odata_metadata.MetaData.parse_document
    monkeypatch.setattr(odata_metadata.MetaData, "parse_document", _parse_with_python_enum_names(parse))
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
