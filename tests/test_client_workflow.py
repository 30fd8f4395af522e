"""A client written from BC's documentation, run unchanged against bc_mock.

It does what the docs tell an integration to do: find the company, GET a record and keep its
``@odata.etag``, PATCH and DELETE with ``If-Match``, create payments in a journal (nested, and in
v2.0 at company level with ``journalId``), and retry after a 409 with a fresh ETag. It runs on
every URL root and both API versions, with a bearer token against a server that demands one.
"""

from __future__ import annotations

import uuid
from urllib.parse import quote

import pytest
import requests


class BcApiError(Exception):
    def __init__(self, response: requests.Response):
        error = response.json()["error"]
        super().__init__(f"{response.status_code} {error['code']}: {error['message']}")
        self.status = response.status_code
        self.code = error["code"]


class BusinessCentral:
    """What a typical integration writes: a base URL, a token, JSON in and out."""

    def __init__(self, base_url: str, token: str):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})

    def _call(self, method: str, path: str, body: dict | None = None, etag: str | None = None, **kwargs):
        headers = {"Content-Type": "application/json"}  # sent on every request, even without a body
        if etag:
            headers["If-Match"] = etag
        response = self.session.request(
            method, f"{self.base_url}/{path}", json=body, headers=headers, **kwargs
        )
        if response.status_code >= 400:
            raise BcApiError(response)
        return response.json() if response.content else None

    def list(self, path: str, **params) -> list[dict]:
        return self._call("GET", path, params=params)["value"]

    def get(self, path: str) -> dict:
        return self._call("GET", path)

    def create(self, path: str, body: dict) -> dict:
        return self._call("POST", path, body)

    def update(self, path: str, record: dict, changes: dict) -> dict:
        return self._call("PATCH", path, changes, etag=record["@odata.etag"])

    def delete(self, path: str, record: dict) -> None:
        self._call("DELETE", path, etag=record["@odata.etag"])

    def company_id(self, name: str) -> str:
        return next(c["id"] for c in self.list("companies") if c["name"] == name)


@pytest.fixture(scope="module")
def auth_server(start_bc_mock_for_module):
    """A server of the module's own (the default tenant's roots write there), requiring a token."""
    return start_bc_mock_for_module("--require-auth").url


def base_urls(server: str, version: str) -> dict[str, str]:
    tenant = f"contoso-{uuid.uuid4().hex[:8]}"
    return {
        "on-prem": f"{server}/api/{version}",
        "online without tenant": f"{server}/v2.0/production/api/{version}",
        "online": f"{server}/v2.0/{tenant}/Production/api/{version}",
    }


@pytest.mark.parametrize("version", ["v1.0", "v2.0"])
@pytest.mark.parametrize("root", ["on-prem", "online without tenant", "online"])
def test_documented_workflow(auth_server, version, root):
    bc = BusinessCentral(base_urls(auth_server, version)[root], token="eyJ0eXAiOiJKV1Qi.test.token")
    company = f"companies({bc.company_id('CRONUS USA, Inc.')})"

    # a journal balanced on a bank account the API offers for direct posting
    accounts = bc.list(f"{company}/accounts")
    bank = next(
        a
        for a in accounts
        if a["category"] == "Assets"
        and not a["blocked"]
        and a.get("directPosting", True)
        and a["number"].startswith("10")
    )
    code = f"W{uuid.uuid4().hex[:8]}".upper()
    journal = bc.create(
        f"{company}/customerPaymentJournals",
        {"code": code, "displayName": "Web shop receipts", "balancingAccountId": bank["id"]},
    )
    journal_path = f"{company}/customerPaymentJournals({journal['id']})"
    assert journal["balancingAccountNumber"] == bank["number"]
    assert bc.get(journal_path)["@odata.etag"] == journal["@odata.etag"]

    # a payment of an open invoice, found by number
    invoices = bc.list(f"{company}/salesInvoices")
    open_invoice = next(i for i in invoices if i["status"] == "Open")
    payment = bc.create(
        f"{journal_path}/customerPayments",
        {
            "postingDate": "2026-03-02",
            "documentNumber": "WEB-1",
            "externalDocumentNumber": "PSP-123",
            "amount": -open_invoice["totalAmountIncludingTax"],
            "appliesToInvoiceNumber": open_invoice["number"],
        },
    )
    assert payment["lineNumber"] == 10000
    assert payment["customerNumber"] == open_invoice["customerNumber"]
    assert payment["appliesToInvoiceId"] == open_invoice["id"]
    payment_path = f"{journal_path}/customerPayments({payment['id']})"

    # update with the ETag from the GET, as the docs say
    current = bc.get(payment_path)
    updated = bc.update(payment_path, current, {"comment": "matched by PSP reference"})
    assert updated["comment"] == "matched by PSP reference"
    assert updated["@odata.etag"] != current["@odata.etag"]

    # someone else's change in between: 409, then read again and retry
    with pytest.raises(BcApiError) as stale:
        bc.update(payment_path, current, {"amount": -1})
    assert (stale.value.status, stale.value.code) == (409, "Request_EntityChanged")
    retried = bc.update(payment_path, bc.get(payment_path), {"amount": -1})
    assert retried["amount"] == -1

    # a PATCH without If-Match is refused, as BC's server refuses it
    with pytest.raises(BcApiError) as no_token:
        bc._call("PATCH", payment_path, {"amount": -2})
    assert (no_token.value.status, no_token.value.code) == (400, "BadRequest_InvalidToken")

    if version == "v2.0":
        # v2.0: payments at company level, with journalId
        top = bc.create(
            f"{company}/customerPayments",
            {"journalId": journal["id"], "customerNumber": "20000", "amount": -10},
        )
        assert top["lineNumber"] == 20000
        listed = bc.list(f"{company}/customerPayments", **{"$filter": f"journalId eq {journal['id']}"})
        assert [p["id"] for p in listed] == [payment["id"], top["id"]]
        # the same filter as a client that encodes spaces as %20
        raw = bc._call("GET", f"{company}/customerPayments?$filter={quote('journalId eq ' + journal['id'])}")
        assert len(raw["value"]) == 2
        top_path = f"{company}/customerPayments({top['id']})"
        top = bc.update(top_path, bc.get(top_path), {"description": "at company level"})
        bc.delete(top_path, top)
        with pytest.raises(BcApiError) as gone:
            bc.get(top_path)
        assert gone.value.status == 404

    # delete the payment with its ETag, then the journal
    bc.delete(payment_path, bc.get(payment_path))
    assert bc.list(f"{journal_path}/customerPayments") == []
    renamed = bc.update(journal_path, bc.get(journal_path), {"displayName": "Closed"})
    bc.delete(journal_path, renamed)
    with pytest.raises(BcApiError) as gone:
        bc.get(journal_path)
    assert (gone.value.status, gone.value.code) == (404, "BadRequest_ResourceNotFound")
    assert code not in [j["code"] for j in bc.list(f"{company}/customerPaymentJournals")]


def test_two_clients_with_one_record(server_url, tenant):
    """Optimistic concurrency between two clients, as BC documents it."""
    base = f"{server_url}/v2.0/{tenant}/production/api/v2.0"
    alice, bob = BusinessCentral(base, "a"), BusinessCentral(base, "b")
    company = f"companies({alice.company_id('CRONUS USA, Inc.')})"
    journal = alice.list(f"{company}/customerPaymentJournals")[0]
    path = f"{company}/customerPaymentJournals({journal['id']})"
    seen_by_alice, seen_by_bob = alice.get(path), bob.get(path)
    alice.update(path, seen_by_alice, {"displayName": "Alice"})
    with pytest.raises(BcApiError) as conflict:
        bob.update(path, seen_by_bob, {"displayName": "Bob"})
    assert conflict.value.status == 409
    with pytest.raises(BcApiError):
        bob.delete(path, seen_by_bob)
    assert bob.get(path)["displayName"] == "Alice"
    bob.update(path, bob.get(path), {"displayName": "Bob"})
    assert alice.get(path)["displayName"] == "Bob"
