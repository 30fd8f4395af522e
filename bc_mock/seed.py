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

A fixture document can instead register applications (BC's Microsoft Entra applications,
per tenant, for ``--auth entra``)::

    {"applications": [{"clientId": "...", "clientSecret": "...", "tenant": "default",
                       "roles": ["API.ReadWrite.All"]}]}
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bc_mock import errors, jsonio
from bc_mock.auth import applications as apps
from bc_mock.entities import REGISTRY, EntitySet
from bc_mock.entities.kinds import InvalidValue, Kind
from bc_mock.entities.rules import CompanyView, FieldError
from bc_mock.exceptions import SeedError
from bc_mock.store import Company, Store, Table

# when the seed's records were "last modified", unless a fixture says otherwise
SEED_TIME = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)


def bundled_fixtures() -> Path:
    """The folder of the bundled seed: fixtures/, shipped in the wheel as bc_mock/default_fixtures."""
    package_dir = Path(__file__).resolve().parent
    installed = package_dir / "default_fixtures"
    return installed if installed.is_dir() else package_dir.parent / "fixtures"


@dataclass(frozen=True)
class Seed:
    """What fixtures hold: the companies' data, and the registered applications."""

    store: Store
    applications: tuple[apps.Application, ...]


def load_store(path: str | Path | None = None) -> Store:
    """A Store seeded from a fixtures folder or file (default: the bundled seed)."""
    return load_seed(path).store


def load_seed(path: str | Path | None = None) -> Seed:
    """The data and applications of a fixtures folder or file (default: the bundled seed)."""
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
    return Seed(store, tuple(loader.applications.values()))


def add_seed_records(store: Store, company_id: str, set_name: str, records: Iterable[dict]) -> int:
    """Add records to a company of the seed as they are stored, without BC's business rules.

    For large data sets (benchmarks, load tests) that fixtures would take long to load through
    the rules: each record holds Python values (``Decimal``, ``datetime.date``, aware
    ``datetime.datetime``, lower-case GUID strings) under the API's property names; the
    properties it leaves out get BC's blank values. Records derived from others (customers'
    financial details) are not made for them either. Returns how many records were added.

    Call it before the store serves requests: once a namespace has copied the seed (a tenant's
    first request does), the seed's tables are shared and read-only, also after a reset, and
    adding to them raises a ``RuntimeError`` (nothing is added).
    """
    entity = REGISTRY[set_name]
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
        batch.append(entity.blank_record(**record))
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
    kinds: dict[str, Kind] = {}
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
    if unknown is None:
        return values, None
    return values, (unknown, f"unknown field{_did_you_mean(unknown, kinds)}")


class _Loader:
    def __init__(self, store: Store):
        self.store = store
        self.kinds = {name: _superset_kinds(entity) for name, entity in REGISTRY.items()}
        # the sets at the top of a company's fixture, in the registry's order: a set's references
        # (an invoice's customer) are declared, and so loaded, before it
        self.top_sets = [
            name for name, entity in REGISTRY.items() if entity.company_scoped and entity.nested_in is None
        ]
        self.applications: dict[tuple[str, str], apps.Application] = {}  # by (tenant, client id)

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
            document = jsonio.loads(text)
        except (ValueError, RecursionError) as error:
            raise SeedError(f"{file}: not valid JSON: {error}") from None
        for index, doc in enumerate(document if isinstance(document, list) else [document]):
            where = f"{file}" if not isinstance(document, list) else f"{file}: [{index}]"
            if isinstance(doc, dict) and "applications" in doc and "company" not in doc:
                self._load_applications(where, doc)
            else:
                self._load_company(where, doc)

    def _load_applications(self, where: str, doc: dict) -> None:
        unknown = [key for key in doc if key != "applications"]
        if unknown:
            raise SeedError(
                f"{where}: unknown key '{unknown[0]}': an applications document holds \"applications\" only "
                '(companies go in documents of their own, {"company": ...})'
            )
        if not isinstance(doc["applications"], list):
            raise SeedError(f"{where}: applications must be a list of applications")
        for index, raw in enumerate(doc["applications"]):
            label = f"applications[{index}]"
            if isinstance(raw, dict) and isinstance(raw.get("clientId"), str):
                label += f" (clientId {raw['clientId'][:40]})"
            try:
                application = apps.parse(raw)
            except apps.ApplicationError as error:
                raise SeedError(f"{where}: {label}: {error}") from None
            key = (application.tenant.lower(), application.client_id)
            if key in self.applications:
                raise SeedError(
                    f"{where}: {label}: field 'clientId': registered in tenant '{application.tenant}' already"
                )
            self.applications[key] = application

    def _load_company(self, where: str, doc: object) -> None:
        if not isinstance(doc, dict) or not isinstance(doc.get("company"), dict):
            raise SeedError(
                f'{where}: a fixture is a JSON object with a "company" object (or with "applications": '
                "a list of registered applications)"
            )
        unknown = [k for k in doc if k != "company" and k not in self.top_sets]
        if unknown:
            raise SeedError(
                f"{where}: unknown entity set '{unknown[0]}'{_did_you_mean(unknown[0], self.top_sets)} "
                f"(expected one of {', '.join(self.top_sets)})"
            )
        companies = REGISTRY["companies"]
        company_data = companies.blank_record(**self._values(where, "company", companies, doc["company"]))
        if company_data["id"] in self.store.seed_company_ids():
            raise SeedError(f"{where}: company: field 'id': duplicate id {company_data['id']}")
        tables = {name: Table(entity.indexes) for name, entity in REGISTRY.items() if entity.company_scoped}
        company = Company(self.store.new_row(company_data), tables)
        self.store.add_seed_company(company)
        with self.store.transaction() as tx:
            view = CompanyView(company, tx, "v2.0")
            view.now = SEED_TIME
            for set_name in self.top_sets:
                self._load_records(where, view, set_name, doc.get(set_name, []), parent=None)

    def _load_records(self, where: str, view: CompanyView, set_name: str, records: object, parent) -> None:
        label = set_name if parent is None else f"{parent[0]} > {set_name}"
        if not isinstance(records, list):
            raise SeedError(f"{where}: {label} must be a list of records")
        for index, raw in enumerate(records):
            self._load_record(where, view, set_name, f"{label}[{index}]", raw, parent)

    def _load_record(self, where: str, view: CompanyView, set_name: str, label: str, raw, parent) -> None:
        entity = REGISTRY[set_name]
        children = [child for child in REGISTRY.values() if child.nested_in == set_name]
        nested = {child.name: raw.pop(child.name, []) for child in children} if isinstance(raw, dict) else {}
        values = self._values(where, label, entity, raw)
        label += f" (id {values['id']})"
        if view.get(set_name, values["id"]):
            raise SeedError(f"{where}: {label}: field 'id': duplicate id")
        record = self._made(where, label, view, entity, values, parent[1] if parent else None)
        view.put(set_name, record)
        for child_name, child_records in nested.items():
            self._load_records(where, view, child_name, child_records, parent=(label, record))

    def _values(self, where: str, label: str, entity: EntitySet, raw) -> dict:
        """The record's values as given (loaded by their kinds); ``id`` is required."""
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
        return values

    def _made(self, where, label, view: CompanyView, entity: EntitySet, values: dict, parent) -> dict:
        """The record the set's rules make of the fixture's values, exactly as a POST would (for
        a writable set) or as BC derives it (for a read-only one)."""
        try:
            record = entity.rules.seed(view, values, parent)
        except errors.BcError as error:
            culprit = (
                error.field
                if isinstance(error, FieldError)
                else _culprit(entity, view, values, parent, error)
            )
            field = f"field '{culprit}': " if culprit else ""
            raise SeedError(f"{where}: {label}: {field}{error.message}") from None
        for name, value in values.items():
            prop = entity.prop_named(name)
            assert prop is not None  # the values were loaded by the set's properties
            if not prop.versions:  # a fixture-only property (no API version shows it): as given
                record[name] = value
                continue
            if prop.read_only and name not in ("id", "lastModifiedDateTime") and record[name] != value:
                raise SeedError(
                    f"{where}: {label}: field '{name}': is derived, and would be "
                    f"{prop.kind.dump(record[name])!r}, not {prop.kind.dump(value)!r}"
                )
        if "lastModifiedDateTime" in record:
            record["lastModifiedDateTime"] = values.get("lastModifiedDateTime", SEED_TIME)
        return record


def _did_you_mean(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    if not close:
        close = [known_name for known_name in known if known_name.lower() == name.lower()]
    return f" (did you mean '{close[0]}'?)" if close else ""


def _culprit(entity: EntitySet, view: CompanyView, values: dict, parent: dict | None, error) -> str | None:
    """The fixture field a rule refused: the one BC's message quotes, else the one whose absence
    makes the refusal go away (mismatched references), else the one whose absence changes it (a
    duplicate code: without it, the code is missing instead)."""
    quoted = [name for name in re.findall(r'"(\w+)"', error.message) if name in values]
    if quoted:
        return quoted[0]
    outcomes: dict[str, str | None] = {}
    for name in values:
        if name == "id":
            continue
        try:
            entity.rules.seed(view, {k: v for k, v in values.items() if k != name}, parent)
            outcomes[name] = None
        except errors.BcError as other:
            outcomes[name] = other.message
    gone = [name for name, message in outcomes.items() if message is None]
    changed = [name for name, message in outcomes.items() if message is not None and message != error.message]
    return next(iter(gone or changed), None)
