"""A client that PATCHes back the record it just read (annotations, and read-only properties at
the values it read, included) succeeds, on every writable entity set, in both versions: what a
generic OData client or a read-modify-write sync does."""

from __future__ import annotations

import pytest

from bc_mock.entities import REGISTRY, EntitySet
from bc_mock.entities.kinds import Code, Enum, Option, Text
from tests.helpers import BcClient

# a company's sets, in each version that lists them at company level or under a parent record;
# subscriptions take a PATCH as a renewal (tests/webhooks), and dimensionSetLines (found under
# several parents, with no text of their own to change) have PATCH tests of their own
WRITABLE = [
    (entity, version)
    for entity in REGISTRY.values()
    if "PATCH" in entity.methods and entity.company_scoped
    for version in entity.top_level_versions
]


# a record to create first in a set the seed leaves empty
FIRST_RECORD = {"journalLines": {"accountNumber": "60100", "amount": 1}}


def _list_url(client: BcClient, entity: EntitySet) -> str:
    """Where the records of ``entity`` are listed: under the first record of the set they sit
    in (a journal's payments), else at company level."""
    if entity.nested_in is None:
        return client.company(entity.name)
    parent = client.get(client.company(entity.nested_in)).json()["value"][0]
    return client.company(f"{entity.nested_in}({parent['id']})/{entity.name}")


def _text_property(entity: EntitySet, version: str) -> str:
    """A writable text property to change (a description, a display name)."""
    return next(
        p.name
        for p in entity.props_for(version)
        if isinstance(p.kind, Text)
        and not isinstance(p.kind, (Code, Enum, Option))
        and p.client_writable(version, False)
    )


@pytest.mark.parametrize(
    ("entity", "version"), WRITABLE, ids=[f"{entity.name}-{version}" for entity, version in WRITABLE]
)
def test_a_record_read_changed_and_written_back_whole_is_taken(server_url, tenant, entity, version):
    bcv = BcClient(server_url, tenant, version)
    url = _list_url(bcv, entity)
    if entity.name in FIRST_RECORD and not bcv.get(url).json()["value"]:
        assert bcv.post(url, FIRST_RECORD[entity.name]).status_code == 201  # the seed has none
    record = bcv.get(url).json()["value"][0]
    record_url = f"{url}({record['id']})"
    name = _text_property(entity, bcv.version)
    for round_trip in range(2):  # the second on a record the API itself last changed
        read = bcv.get(record_url)
        assert read.status_code == 200
        body = read.json()  # @odata.context, @odata.etag and every property, as read
        body[name] = f"Round trip {round_trip}"
        written = bcv.patch(record_url, body, etag=body["@odata.etag"])
        assert written.status_code == 200, written.text
        after = bcv.get(record_url).json()
        assert after[name] == f"Round trip {round_trip}"
        unchanged = {
            k: v for k, v in body.items() if k not in (name, "lastModifiedDateTime") and not k.startswith("@")
        }
        assert {k: after[k] for k in unchanged} == unchanged


def test_a_journal_created_through_the_api_survives_a_round_trip(bcv):
    created = bcv.post(bcv.journals(), {"code": "ROUNDTRIP"}).json()
    url = bcv.journals(f"({created['id']})")
    read = bcv.get(url).json()
    assert read["lastModifiedDateTime"] == created["lastModifiedDateTime"]  # kept as shown: milliseconds
    assert bcv.patch(url, read, etag=read["@odata.etag"]).status_code == 200
