"""Unit tests of the store: indexed tables, nested transactions, namespaces, large data in the seed."""

from __future__ import annotations

import pytest

from bc_mock.app import create_app
from bc_mock.config import Settings
from bc_mock.seed import add_seed_records, load_store
from bc_mock.store import Company, Store, Table
from tests.helpers import USA


def _store() -> tuple[Store, Table]:
    store = Store([])
    table = Table((("journalId",), ("journalId", "lineNumber")))
    company = Company(store.new_row({"id": "c1"}), {"customerPayments": table})
    store.add_seed_company(company)
    return store, table


def _line(key: str, journal: str, line: int) -> dict:
    return {"id": key, "journalId": journal, "lineNumber": line}


def test_index_follows_puts_replacements_and_removals():
    store, table = _store()
    with store.transaction() as tx:
        tx.put(table, _line("a", "j1", 10000))
        tx.put(table, _line("b", "j1", 20000))
        tx.put(table, _line("c", "j2", 10000))
        tx.put(table, _line("b", "j2", 20000))  # moved to another journal
        tx.remove(table, "a")
    assert [r.data["id"] for r in table.lookup(journalId="j1")] == []
    assert sorted(r.data["id"] for r in table.lookup(journalId="j2")) == ["b", "c"]
    assert [r.data["id"] for r in table.lookup(journalId="j2", lineNumber=20000)] == ["b"]
    assert table.lookup(lineNumber=10000) is None  # no index on that field alone


def test_failed_transaction_undoes_rows_and_indexes():
    store, table = _store()
    with store.transaction() as tx:
        tx.put(table, _line("a", "j1", 10000))
    before = dict(table)
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.put(table, _line("a", "j2", 10000))
        tx.put(table, _line("b", "j1", 20000))
        raise RuntimeError("refused")
    assert table == before
    assert [r.data["id"] for r in table.lookup(journalId="j1")] == ["a"]
    assert table.lookup(journalId="j2") == []


def test_inner_transaction_failure_keeps_the_outer_ones_writes():
    store, table = _store()
    with store.transaction() as outer:
        outer.put(table, _line("a", "j1", 10000))
        with pytest.raises(RuntimeError), store.transaction() as inner:
            inner.put(table, _line("b", "j1", 20000))
            raise RuntimeError("refused")
        assert set(table) == {"a"}
        outer.rollback()
    assert set(table) == set()


def test_namespaces_are_copies_of_the_seed_and_reset_forgets_them():
    store, seed_table = _store()
    with store.transaction() as tx:
        tx.put(seed_table, _line("seeded", "j1", 10000))
    mine = store.namespace("Tenant", "Production").companies["c1"].writable("customerPayments")
    with store.transaction() as tx:
        tx.put(mine, _line("new", "j1", 20000))
    assert set(seed_table) == {"seeded"}
    assert store.namespace("tenant", "production").companies["c1"].tables["customerPayments"] is mine
    assert len(seed_table.lookup(journalId="j1")) == 1
    store.reset()
    fresh = store.namespace("tenant", "production").companies["c1"].tables["customerPayments"]
    assert set(fresh) == {"seeded"}


def test_highest_follows_additions_renames_removals_and_rollbacks():
    store, table = _store()
    with store.transaction() as tx:
        assert table.highest("lineNumber", journalId="j1") is None
        tx.put(table, _line("a", "j1", 10000))
        tx.put(table, _line("b", "j1", 20000))
        assert table.highest("lineNumber", journalId="j1").data["id"] == "b"
        tx.put(table, _line("c", "j1", 30000))
        assert table.highest("lineNumber", journalId="j1").data["id"] == "c"
        tx.put(table, _line("c", "j1", 5000))  # renamed below the others
        assert table.highest("lineNumber", journalId="j1").data["id"] == "b"
        tx.remove(table, "b")
        assert table.highest("lineNumber", journalId="j1").data["id"] == "a"
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.put(table, _line("d", "j1", 90000))
        assert table.highest("lineNumber", journalId="j1").data["id"] == "d"
        raise RuntimeError("refused")
    assert table.highest("lineNumber", journalId="j1").data["id"] == "a"
    copy = table.copy()
    with store.transaction() as tx:
        tx.put(copy, _line("e", "j1", 50000))
    assert copy.highest("lineNumber", journalId="j1").data["id"] == "e"
    assert table.highest("lineNumber", journalId="j1").data["id"] == "a"


def test_a_namespace_shares_the_seed_tables_until_it_writes_to_one():
    store, seed_table = _store()
    with store.transaction() as tx:
        tx.put(seed_table, _line("seeded", "j1", 10000))
    company = store.namespace("t", "production").companies["c1"]
    assert company.tables["customerPayments"] is seed_table  # no copy for reading
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.put(seed_table, _line("stray", "j1", 20000))  # the shared seed table cannot change
    mine = company.writable("customerPayments")
    assert mine is not seed_table and company.writable("customerPayments") is mine
    with store.transaction() as tx:
        tx.put(mine, _line("new", "j1", 20000))
        tx.put(mine, _line("third", "j1", 30000))
    assert [r.data["id"] for r in mine.lookup(journalId="j1", lineNumber=20000)] == ["new"]
    assert sorted(r.data["id"] for r in mine.lookup(journalId="j1")) == ["new", "seeded", "third"]
    assert set(seed_table) == {"seeded"} and len(seed_table.lookup(journalId="j1")) == 1


def test_matching_uses_an_index_when_one_covers_the_fields_and_scans_otherwise():
    store, table = _store()
    with store.transaction() as tx:
        tx.put(table, _line("a", "j1", 10000))
        tx.put(table, _line("b", "j2", 10000))
        tx.put(table, _line("c", "j1", 20000))
    assert sorted(r.data["id"] for r in table.matching(journalId="j1")) == ["a", "c"]  # index
    assert sorted(r.data["id"] for r in table.matching(lineNumber=10000)) == ["a", "b"]  # scan
    assert len(table.matching()) == 3


def test_add_seed_records_fills_in_blanks_and_refuses_once_namespaces_share_the_seed():
    store = load_store()
    customer = "c5000000-0000-4000-8000-000000000001"
    records = [{"id": customer, "number": "BIG-1", "displayName": "Big Customer"}]
    assert add_seed_records(store, USA, "customers", records) == 1
    client = create_app(Settings(), store=store).test_client()
    answer = client.get(f"/api/v2.0/companies({USA})/customers({customer})")  # a fresh namespace
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body = answer.get_json()
    assert (body["number"], body["displayName"]) == ("BIG-1", "Big Customer")
    blank_guid = "00000000-0000-0000-0000-000000000000"
    assert (body["email"], body["balanceDue"], body["currencyId"]) == ("", 0, blank_guid)  # BC's blanks
    later = [{"id": "c5000000-0000-4000-8000-000000000002", "number": "BIG-2"}]
    with pytest.raises(RuntimeError, match="add seed records before the store serves any"):
        add_seed_records(store, USA, "customers", later)
    store.reset()  # the namespaces go, but the seed stays shared: still refused
    with pytest.raises(RuntimeError, match="is shared with namespaces"):
        add_seed_records(store, USA, "customers", later)
    assert later[0]["id"] not in store.seed_company(USA).tables["customers"]
