"""Property test: $filter and $orderby (and paging) agree with a plain-Python reference.

The data is generated (a fixtures folder with one journal of many payments, with
repeated amounts, dates and texts so that comparisons and ties matter) and served
by a server of its own. Hypothesis writes filters and orderings; the reference
evaluates the same conditions over the records read back without any option.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import random
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

COMPANY = "c0a00009-0000-4000-8000-000000000009"
JOURNAL = "da000009-0000-4000-8000-000000000001"
OTHER_JOURNAL = "da000009-0000-4000-8000-000000000002"
CUSTOMERS = ["10000", "20000", "30000", "40000", "50000"]
WORDS = ["Alpha", "alpha", "Beta payment", "it's done", "Gamma", "delta-7", "Épsilon", "ZETA", "beta"]
TEXT_PROPS = ("description",)
CODE_PROPS = ("customerNumber", "externalDocumentNumber")


def _payments(rng: random.Random, count: int, journal: int) -> list[dict]:
    amounts = [Decimal(rng.randrange(-50000, 5000)) / 100 for _ in range(12)] + [Decimal(0), Decimal(-100)]
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(0, 40)) for _ in range(10)]
    line_numbers = rng.sample(range(1, 1000), count)
    return [
        {
            "id": f"ba000009-0000-4000-8000-{journal * 10**6 + index:012d}",
            "lineNumber": line_numbers[index] * 100,
            "customerNumber": rng.choice(CUSTOMERS),
            "postingDate": rng.choice(days).isoformat(),
            "documentNumber": f"D{rng.randrange(1, 6):04d}",
            "externalDocumentNumber": rng.choice(["", "WIRE-1", "wire-2", "CHK-10", "ACH-7"]),
            "amount": float(rng.choice(amounts)),
            "description": " ".join(rng.sample(WORDS, rng.randrange(0, 3))),
        }
        for index in range(count)
    ]


def _fixture(rng: random.Random) -> dict:
    bundled = json.loads((Path(__file__).resolve().parents[2] / "fixtures" / "cronus-usa.json").read_text())
    company = dict(bundled["company"], id=COMPANY, name="Generated Co", displayName="Generated Co")
    journals = [
        {"id": JOURNAL, "code": "GEN", "displayName": "Generated", "customerPayments": _payments(rng, 90, 1)},
        {"id": OTHER_JOURNAL, "code": "OTHER", "customerPayments": _payments(rng, 5, 2)},
    ]
    return {
        "company": company,
        "accounts": bundled["accounts"],
        "customerPostingGroups": bundled["customerPostingGroups"],
        # the payment terms and methods the customers name
        "paymentTerms": bundled["paymentTerms"],
        "paymentMethods": bundled["paymentMethods"],
        "customers": bundled["customers"],
        "salesInvoices": bundled["salesInvoices"],
        "customerPaymentJournals": journals,
    }


@pytest.fixture(scope="module")
def served(tmp_path_factory, start_bc_mock_for_module):
    folder = tmp_path_factory.mktemp("generated-fixtures")
    (folder / "generated.json").write_text(json.dumps(_fixture(random.Random(20260105))))
    url = start_bc_mock_for_module("--fixtures", str(folder)).url
    session = requests.Session()
    base = f"{url}/api/v2.0/companies({COMPANY})/customerPaymentJournals({JOURNAL})/customerPayments"
    everything = session.get(base).json(parse_float=Decimal)["value"]
    assert len(everything) == 90
    return session, base, everything


# --- conditions: an OData text and a Python predicate for each -----------------

OPERATORS = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}
# property -> values seen in the data or near it (generated with the same seed, so known here)
_SAMPLE = _fixture(random.Random(20260105))["customerPaymentJournals"][0]["customerPayments"]
VALUES = {
    "amount": [*sorted({Decimal(str(p["amount"])) for p in _SAMPLE}), Decimal("0.01"), Decimal("-99.995")],
    "lineNumber": [*sorted({p["lineNumber"] for p in _SAMPLE})[:20], 0, 50, 99999],
    "postingDate": [*sorted({p["postingDate"] for p in _SAMPLE}), "2025-12-31", "2026-03-01"],
    "customerNumber": [*CUSTOMERS, "99999", "1000"],
    "externalDocumentNumber": ["", "WIRE-1", "WIRE-2", "wire-1", "CHK-10", "ACH-7", "ZZZ"],
    "description": ["", "Alpha", "alpha", "it's done", "Gamma Alpha", "beta", "ZETA", "Épsilon", "b"],
}


def literal(prop: str, value) -> str:
    if isinstance(value, str) and prop != "postingDate":
        return "'" + value.replace("'", "''") + "'"
    return str(value)


def stored(prop: str, record: dict):
    return record[prop]


def as_stored(prop: str, value):
    """A literal as BC compares it with the property: Code values upper-cased."""
    return value.strip().upper() if prop in CODE_PROPS else value


@st.composite
def comparison(draw, prop: str):
    op = draw(st.sampled_from(sorted(OPERATORS)))
    value = draw(st.sampled_from(VALUES[prop]))
    target = as_stored(prop, value)
    return (f"{prop} {op} {literal(prop, value)}", lambda r: OPERATORS[op](stored(prop, r), target))


@st.composite
def membership(draw, prop: str):
    values = draw(st.lists(st.sampled_from(VALUES[prop]), min_size=1, max_size=4))
    targets = [as_stored(prop, v) for v in values]
    text = f"{prop} in ({','.join(literal(prop, v) for v in values)})"
    return text, lambda r: stored(prop, r) in targets


@st.composite
def text_function(draw):
    prop = draw(st.sampled_from(TEXT_PROPS + CODE_PROPS))
    name = draw(st.sampled_from(["startswith", "endswith", "contains", "tolower", "toupper"]))
    needle = draw(st.sampled_from(["a", "A", "Al", "ha", "it's", "1", "WIRE", "e", ""]))
    if name in ("tolower", "toupper"):
        convert = str.lower if name == "tolower" else str.upper
        value = draw(st.sampled_from(VALUES[prop]))
        return (f"{name}({prop}) eq {literal(prop, value)}", lambda r: convert(r[prop]) == value)
    target = as_stored(prop, needle)
    test = {"startswith": str.startswith, "endswith": str.endswith, "contains": lambda a, b: b in a}[name]
    return f"{name}({prop},{literal(prop, needle)})", lambda r: test(r[prop], target)


@st.composite
def clause(draw):
    """One condition, or an `or` of conditions on one property (BC refuses `or` across properties)."""
    kind = draw(st.sampled_from(["compare", "or", "in", "function"]))
    prop = draw(st.sampled_from(sorted(VALUES)))
    if kind == "compare":
        text, test = draw(comparison(prop))
    elif kind == "in":
        text, test = draw(membership(prop))
    elif kind == "function":
        text, test = draw(text_function())
    else:
        parts = draw(st.lists(comparison(prop), min_size=2, max_size=3))
        text = "(" + " or ".join(p[0] for p in parts) + ")"
        tests = [p[1] for p in parts]

        def test(r, tests=tests):
            return any(t(r) for t in tests)

    if draw(st.booleans()) and kind != "function":
        return f"not ({text})", lambda r: not test(r)
    return text, test


filters = st.lists(clause(), min_size=1, max_size=3).map(
    lambda clauses: (" and ".join(c[0] for c in clauses), lambda r: all(c[1](r) for c in clauses))
)
orderings = st.lists(
    st.tuples(st.sampled_from(sorted(VALUES)), st.booleans()),
    min_size=0,
    max_size=3,
    unique_by=lambda k: k[0],
)


def reference_order(records: list[dict], keys: list[tuple[str, bool]]) -> list[dict]:
    """Plain Python: by the keys in turn, then by id; default order is (journal, line number, id)."""
    if not keys:
        return sorted(records, key=lambda r: (r["journalDisplayName"], r["lineNumber"], r["id"]))
    result = sorted(records, key=lambda r: r["id"])
    for prop, descending in reversed(keys):
        result.sort(key=lambda r, prop=prop: r[prop], reverse=descending)
    return result


def fetch_all(session: requests.Session, base: str, params: dict, page_size: int) -> list[dict]:
    headers = {"Prefer": f"odata.maxpagesize={page_size}"}
    response = session.get(base, params=params, headers=headers)
    records = []
    while True:
        assert response.status_code == 200, response.text
        body = response.json(parse_float=Decimal)
        records += body["value"]
        if "@odata.nextLink" not in body:
            return records
        response = session.get(body["@odata.nextLink"], headers=headers)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(condition=filters, keys=orderings, page_size=st.sampled_from([7, 25, 1000]))
def test_filter_and_orderby_agree_with_the_reference(served, condition, keys, page_size):
    session, base, everything = served
    text, predicate = condition
    params = {"$filter": text}
    if keys:
        params["$orderby"] = ",".join(f"{prop} {'desc' if desc else 'asc'}" for prop, desc in keys)
    got = fetch_all(session, base, params, page_size)
    expected = reference_order([r for r in everything if predicate(r)], keys)
    assert [r["id"] for r in got] == [r["id"] for r in expected], params
