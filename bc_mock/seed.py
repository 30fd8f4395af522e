"""Fixtures: JSON files -> the seed of a Store, checked as strictly as the API checks requests.

A fixture file describes one company (or holds a list of such descriptions)::

    {
      "company": {"id": "...", "name": "...", "displayName": "..."},
      "accounts": [...], "customers": [...], "salesInvoices": [...],
      "customerPaymentJournals": [
        {"id": "...", "code": "GENERAL", ..., "customerPayments": [{"id": "...", ...}]}
      ]
    }

Records use the API's property names (v1.0 and v2.0 alike). Journals and payments
go through the same business rules as a POST, so references resolve (a payment's
customerNumber from its customerId, say) and a dangling one is refused. Any
mistake stops loading with one ``SeedError`` naming the file, the record and the
field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from bc_mock import errors
from bc_mock.entities import REGISTRY, EntitySet
from bc_mock.entities.kinds import BLANK_GUID, InvalidValue, Kind
from bc_mock.entities.reference_data import v1_address
from bc_mock.entities.rules import CompanyView
from bc_mock.store import Company, Store, Table

# when the seed's records were "last modified", unless a fixture says otherwise
SEED_TIME = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)
SET_ORDER = ("accounts", "customers", "salesInvoices", "customerPaymentJournals")
NESTED = {"customerPaymentJournals": "customerPayments"}


# fields of the read-only sets that copy a referenced record's field:
# (field, reference field, target set, target field, must equal it if given)
COPIED = {
    "salesInvoices": (
        ("customerNumber", "customerId", "customers", "number", True),
        # an invoice may carry another name than the customer card's today: only filled when missing
        ("customerName", "customerId", "customers", "displayName", False),
    ),
}


class SeedError(Exception):
    """A fixture is wrong; the message says where and why."""


def bundled_fixtures() -> Path:
    """The folder of the bundled seed: fixtures/, shipped in the wheel as bc_mock/default_fixtures."""
    package_dir = Path(__file__).resolve().parent
    installed = package_dir / "default_fixtures"
    return installed if installed.is_dir() else package_dir.parent / "fixtures"


def load_store(path: str | Path | None = None) -> Store:
    """A Store seeded from a fixtures folder or file (default: the bundled seed)."""
    path = Path(path) if path else bundled_fixtures()
    if path.is_dir():
        files = fixture_files(path)
        if not files:
            raise SeedError(f"{path}: no *.json fixture files in this folder")
    elif path.is_file():
        files = [path]
    else:
        raise SeedError(f"{path}: no such fixtures file or folder")
    store = Store([])
    loader = _Loader(store)
    for file in files:
        loader.load_file(file)
    return store


def add_seed_records(store: Store, company_id: str, set_name: str, records: Iterable[dict]) -> int:
    """Add records to a company of the seed as they are stored, without BC's business rules.

    For large data sets (benchmarks, load tests) that fixtures would take long to load through
    the rules: each record holds Python values (``Decimal``, ``datetime.date``, aware
    ``datetime.datetime``, lower-case GUID strings) under the API's property names; the
    properties it leaves out get BC's blank values. Returns how many records were added.

    Call it before the store serves requests: once a namespace has copied the seed (a tenant's
    first request does), the seed's tables are shared and read-only, also after a reset, and
    adding to them raises a ``RuntimeError`` (nothing is added).
    """
    entity = REGISTRY[set_name]
    blank = {prop.name: prop.kind.blank for prop in entity.props}
    table = store.seed_company(company_id).tables[set_name]
    if table.frozen:
        raise RuntimeError(
            f"add_seed_records: the seed's {set_name} of company {company_id} is shared with namespaces "
            "(the store has served requests) and can no longer change: add seed records before the "
            "store serves any"
        )
    added = 0
    batch: list[dict] = []
    for record in records:
        batch.append({**blank, **record})
        if len(batch) == 10_000:  # a transaction per chunk: its undo log stays bounded
            added += _put_all(store, table, batch)
            batch = []
    return added + _put_all(store, table, batch)


def _put_all(store: Store, table: Table, records: list[dict]) -> int:
    with store.transaction() as tx:
        for record in records:
            tx.put(table, record)
    return len(records)


def fixture_files(folder: Path) -> list[Path]:
    """The folder's ``*.json`` files, in name order. Other files (a README, .gitkeep) and
    subfolders are not fixtures and are left alone; so are hidden files (``.*.json``: editors'
    lock and backup files, macOS's ``._`` companions), which are no one's fixtures either."""
    files = []
    for candidate in sorted(folder.glob("*.json")):
        if candidate.name.startswith("."):
            continue
        if candidate.is_dir():
            raise SeedError(f"{candidate}: a folder, not a fixture file (fixtures are *.json files)")
        files.append(candidate)
    return files


def _superset_kinds(entity: EntitySet) -> dict[str, Kind]:
    """Every property of every version; a fixture may set read-only ones too."""
    kinds = {}
    for prop in entity.props:
        kinds.setdefault(prop.name, prop.kind)
    return kinds


def _load_values(kinds: dict[str, Kind], raw: dict) -> tuple[dict, tuple[str, str] | None]:
    """The record's values loaded by their kinds (as a request body's are, without marshmallow:
    a server starts without importing it), and the first (field, message) refused: a value
    its kind refuses, in property order, else a property the set does not have."""
    values = {}
    for name, kind in kinds.items():
        if name in raw:
            try:
                values[name] = kind.load(raw[name])
            except InvalidValue as invalid:
                return values, (name, invalid.error.message)
    unknown = next((name for name in raw if name not in kinds), None)
    return values, (unknown, "unknown field") if unknown is not None else None


class _Loader:
    def __init__(self, store: Store):
        self.store = store
        self.kinds = {name: _superset_kinds(entity) for name, entity in REGISTRY.items()}

    def load_file(self, file: Path) -> None:
        try:
            # utf-8-sig: editors on Windows like to start a file with a byte-order mark
            text = file.read_text(encoding="utf-8-sig")
        except OSError as error:
            raise SeedError(f"{file}: cannot be read: {error.strerror or error}") from None
        except UnicodeDecodeError as error:
            raise SeedError(
                f"{file}: not a fixture: not UTF-8 text ({error.reason} at byte {error.start})"
            ) from None
        if not text.strip():
            raise SeedError(f"{file}: not a fixture: the file is empty")
        try:
            document = json.loads(text, parse_float=Decimal)
        except (ValueError, RecursionError) as error:
            raise SeedError(f"{file}: not valid JSON: {error}") from None
        for index, company_doc in enumerate(document if isinstance(document, list) else [document]):
            where = f"{file}" if not isinstance(document, list) else f"{file}: [{index}]"
            self._load_company(where, company_doc)

    def _load_company(self, where: str, doc: object) -> None:
        if not isinstance(doc, dict) or not isinstance(doc.get("company"), dict):
            raise SeedError(f'{where}: a fixture is a JSON object with a "company" object')
        unknown = [k for k in doc if k != "company" and k not in SET_ORDER]
        if unknown:
            raise SeedError(
                f"{where}: unknown entity set '{unknown[0]}' (expected one of {', '.join(SET_ORDER)})"
            )
        company_data = self._record(where, "company", REGISTRY["companies"], doc["company"])
        if company_data["id"] in self.store.seed_company_ids():
            raise SeedError(f"{where}: company: field 'id': duplicate id {company_data['id']}")
        tables = {name: Table(entity.indexes) for name, entity in REGISTRY.items() if entity.company_scoped}
        company = Company(self.store.new_row(company_data), tables)
        self.store.add_seed_company(company)
        with self.store.transaction() as tx:
            view = CompanyView(company, tx, "v2.0")
            view.now = SEED_TIME
            for set_name in SET_ORDER:
                records = doc.get(set_name, [])
                if not isinstance(records, list):
                    raise SeedError(f"{where}: {set_name} must be a list of records")
                for index, raw in enumerate(records):
                    self._load_record(where, view, set_name, index, raw, parent=None)

    def _load_record(self, where, view: CompanyView, set_name: str, index: int, raw, parent) -> None:
        entity = REGISTRY[set_name]
        label = f"{set_name}[{index}]"
        if parent is not None:
            label = f"{parent[0]} > {label}"
        children_name = NESTED.get(set_name)
        children = raw.pop(children_name, []) if isinstance(raw, dict) and children_name else []
        data = self._record(where, label, entity, raw)
        label += f" (id {data['id']})"
        if view.get(set_name, data["id"]):
            raise SeedError(f"{where}: {label}: field 'id': duplicate id")
        if entity.rules:
            data = self._through_rules(where, label, view, entity, raw, data, parent)
        else:
            self._check_references(where, label, view, entity, raw, data)
        view.put(set_name, data)
        if not isinstance(children, list):
            raise SeedError(f"{where}: {label}: {children_name} must be a list of records")
        for child_index, child in enumerate(children):
            self._load_record(where, view, children_name, child_index, child, parent=(label, data))

    def _record(self, where: str, label: str, entity: EntitySet, raw) -> dict:
        if not isinstance(raw, dict):
            raise SeedError(f"{where}: {label}: a record must be a JSON object")
        # null means "not given", as in a POST
        raw = {name: value for name, value in raw.items() if value is not None}
        values, refused = _load_values(self.kinds[entity.name], raw)
        if refused:
            name, text = refused
            raise SeedError(f"{where}: {label}: field '{name}': {text}")
        if "id" not in values:
            raise SeedError(f"{where}: {label}: field 'id': required")
        record = {p.name: p.kind.blank for p in entity.props}
        if "lastModifiedDateTime" in record:
            record["lastModifiedDateTime"] = SEED_TIME
        record.update(values)
        return record

    def _check_references(self, where, label, view, entity: EntitySet, raw: dict, data: dict) -> None:
        """A read-only record's references must resolve (an invoice's customer, say)."""
        for nav in entity.navigations:
            ref = data.get(nav.source_field)
            if nav.many or ref in (None, BLANK_GUID):
                continue
            if view.get(nav.target, ref) is None:
                target = REGISTRY[nav.target].type_name
                raise SeedError(f"{where}: {label}: field '{nav.source_field}': no {target} with id {ref}")
        if entity.name == "customers" and "address" not in raw:
            data["address"] = v1_address(data)
        for field, ref_field, target_set, target_field, strict in COPIED.get(entity.name, ()):
            if data[ref_field] == BLANK_GUID:
                continue
            expected = view.get(target_set, data[ref_field])[target_field]
            if strict and raw.get(field) is not None and data[field] != expected:
                raise SeedError(
                    f"{where}: {label}: field '{field}': is {data[field]!r}, but the record "
                    f"{ref_field} names has {expected!r}"
                )
            if raw.get(field) is None:
                data[field] = expected

    def _through_rules(self, where, label, view, entity: EntitySet, raw: dict, data: dict, parent) -> dict:
        """Journals and payments: resolve references exactly as a POST would."""
        given = {
            name: data[name]
            for name in raw
            if not entity.prop("v2.0", name) or not entity.prop("v2.0", name).read_only
        }
        given["id"] = data["id"]
        try:
            result = entity.rules.create(view, given, parent[1] if parent else None)
        except errors.BcError as error:
            culprit = _culprit(entity, view, given, parent[1] if parent else None, error)
            field = f"field '{culprit}': " if culprit else ""
            raise SeedError(f"{where}: {label}: {field}{error.message}") from None
        for name, value in raw.items():
            prop = entity.prop("v2.0", name) or entity.prop("v1.0", name)
            if prop is None or not prop.read_only or name in ("id", "lastModifiedDateTime") or value is None:
                continue  # not a derived field (or a nested set: a journal's customerPayments)
            if result[name] != data[name]:
                raise SeedError(
                    f"{where}: {label}: field '{name}': is derived, and would be "
                    f"{prop.kind.dump(result[name])!r}, not {value!r}"
                )
        result["lastModifiedDateTime"] = data["lastModifiedDateTime"]
        return result


def _culprit(entity: EntitySet, view: CompanyView, given: dict, parent: dict | None, error) -> str | None:
    """The fixture field a rule refused: the one BC's message quotes, else the one whose absence
    makes the refusal go away (mismatched references), else the one whose absence changes it (a
    duplicate code: without it, the code is missing instead)."""
    quoted = [name for name in re.findall(r'"(\w+)"', error.message) if name in given]
    if quoted:
        return quoted[0]
    outcomes = {}
    for name in given:
        if name == "id":
            continue
        try:
            entity.rules.create(view, {k: v for k, v in given.items() if k != name}, parent)
            outcomes[name] = None
        except errors.BcError as other:
            outcomes[name] = other.message
    gone = [name for name, message in outcomes.items() if message is None]
    changed = [name for name, message in outcomes.items() if message is not None and message != error.message]
    return (gone or changed or [None])[0]
