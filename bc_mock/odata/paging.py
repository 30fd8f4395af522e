"""Order and server-driven paging of a collection.

Order: the request's ``$orderby``, else the set's ``sort_key`` (BC's primary key
order), and always the record's id last, so that the order is total and stable.

Paging: a page holds at most the page size (``--page-size``, 20,000 as BC Online,
or less with ``Prefer: odata.maxpagesize=N``). The ``$skiptoken`` of the next link
encodes the position reached, the sort values of the page's last record, rather
than an offset: the next page starts after that position, so following the links
yields every record exactly once even when records are added or deleted between
pages (a record added behind the position is not seen, as with a database cursor).

A token is checked before it is used: it must hold values of the very types the order
compares (a decimal where the order has a decimal, a UTC date-time where it has one, ...),
within their range (no NaN, no decimal beyond .NET's, no integer beyond Int64), else it is
BC's 400 "The skip token value '...' is not valid." (a position no page could have ended on).

Where bc_mock differs: BC's skiptoken is the last record's id alone (BC pages in
primary key order); bc_mock's is an opaque base64 text. Text sorts by code point.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from bc_mock import errors
from bc_mock.entities import EntitySet
from bc_mock.entities.kinds import INT64_MAX, within_decimal_range
from bc_mock.store import Row

MAX_PAGE_SIZE = 20_000


@functools.total_ordering
class _Descending:
    """Reverses the order of the value it wraps."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __eq__(self, other) -> bool:
        return self.value == other.value

    def __lt__(self, other) -> bool:
        return other.value < self.value


def _nulls_first(value: object) -> tuple:
    return (value is not None, value)


def sort_values(entity: EntitySet, orderby: tuple[tuple[str, bool], ...]) -> Callable[[dict], tuple]:
    """The values a record is ordered by, its key last."""
    key = entity.key
    if orderby:
        names = [name for name, _ in orderby]
        return lambda data: (*(data.get(name) for name in names), data[key])
    return lambda data: (entity.sort_key(data), data[key])


def order_key(orderby: tuple[tuple[str, bool], ...]) -> Callable[[tuple], tuple]:
    """Turns sort values into a key Python can compare (descending keys reversed)."""
    descending = [desc for _, desc in orderby] + [False]

    def key(values: tuple) -> tuple:
        if not orderby:
            return tuple(_nulls_first(value) for value in values)
        return tuple(
            _Descending(_nulls_first(value)) if desc else _nulls_first(value)
            for value, desc in zip(values, descending, strict=True)
        )

    return key


def ordered(rows: list[Row], entity: EntitySet, orderby: tuple[tuple[str, bool], ...]) -> list[Row]:
    values, key = sort_values(entity, orderby), order_key(orderby)
    return sorted(rows, key=lambda row: key(values(row.data)))


def after(rows: list[Row], token: str, entity: EntitySet, orderby: tuple[tuple[str, bool], ...]) -> list[Row]:
    """The rows (already ordered) that come after the position ``token`` encodes."""
    values, key = sort_values(entity, orderby), order_key(orderby)
    position = decode_token(token)
    # what a position of this order holds: the sort values of a blank record, by type
    model = values(entity.blank_record(**{entity.key: ""}))
    if not _fits(position, model):
        raise invalid_token(token)
    try:
        mark = key(position)
        return [row for row in rows if key(values(row.data)) > mark]
    except (TypeError, ArithmeticError):  # kept as a guard: _fits lets no such value through
        raise invalid_token(token) from None


def _fits(position: tuple, model: tuple) -> bool:
    """Whether ``position`` holds, member by member, values of the types of ``model`` (None
    standing for any), each within its type's range: then it compares with any record's sort
    values, and at once (a decimal of any exponent compares without being converted)."""
    if len(position) != len(model):
        return False
    for value, like in zip(position, model, strict=True):
        if value is None:
            continue
        if isinstance(like, tuple):
            if not isinstance(value, tuple) or not _fits(value, like):
                return False
        elif type(value) is not type(like) or not _in_range(value):
            return False
    return True


def _in_range(value: object) -> bool:
    if isinstance(value, Decimal):
        return within_decimal_range(value)  # no NaN (which does not compare), nor 1e999999999
    if type(value) is int:
        return -INT64_MAX - 1 <= value <= INT64_MAX
    if isinstance(value, dt.datetime):
        return value.utcoffset() == dt.timedelta(0)  # bc_mock's tokens hold UTC; naive ones do not compare
    return True


def position_of(row: Row, entity: EntitySet, orderby: tuple[tuple[str, bool], ...]) -> str:
    return encode_token(sort_values(entity, orderby)(row.data))


@dataclass
class Page:
    rows: list[Row]
    next_position: str | None  # the $skiptoken of the next page; None on the last one
    top_left: int | None  # what is left of $top after this page (None: no $top)


def take_page(rows: list[Row], entity: EntitySet, query, size: int) -> Page:
    """One page of the matching ``rows``, as $orderby, $skiptoken (or $skip) and $top ask."""
    rows = ordered(rows, entity, query.orderby)
    if query.skiptoken is not None:
        rows = after(rows, query.skiptoken, entity, query.orderby)
    elif query.skip:
        rows = rows[query.skip :]
    wanted = len(rows) if query.top is None else min(query.top, len(rows))
    page = rows[: min(size, wanted)]
    top_left = None if query.top is None else query.top - len(page)
    more = wanted > len(page)
    return Page(page, position_of(page[-1], entity, query.orderby) if more else None, top_left)


def invalid_token(token: str) -> errors.BcError:
    return errors.bad_request(f"The skip token value '{token}' is not valid.")


# --- the token: the sort values as typed JSON, base64url ------------------------


def _encode_value(value: object) -> object:
    if isinstance(value, tuple):
        return {"t": [_encode_value(v) for v in value]}
    if isinstance(value, Decimal):
        return {"d": str(value)}
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    return value


_DECODERS: dict[str, Callable[[str], object]] = {
    "d": Decimal,
    "dt": dt.datetime.fromisoformat,
    "date": dt.date.fromisoformat,
}


def _decode_value(value: object) -> object:
    if isinstance(value, dict):
        ((tag, text),) = value.items()
        if tag == "t":
            return tuple(_decode_value(v) for v in text)
        return _DECODERS[tag](text)
    return value


def encode_token(values: tuple) -> str:
    text = json.dumps([_encode_value(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_token(token: str) -> tuple:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        values = json.loads(text)
        if not isinstance(values, list):
            raise TypeError(text)
        return tuple(_decode_value(v) for v in values)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError, ArithmeticError):
        # ArithmeticError: decimal.InvalidOperation, of a decimal that is no number ({"d": "x"})
        raise invalid_token(token) from None


def requested_page_size(prefer: str | None, server_max: int) -> tuple[int, int | None]:
    """(page size, the odata.maxpagesize preference honoured or None)."""
    for preference in (prefer or "").split(","):
        name, _, value = preference.strip().partition("=")
        value = value.strip()
        # ASCII digits only ("²".isdigit() is true); a size beyond any page is the server's page
        if name.strip().lower() == "odata.maxpagesize" and value.isascii() and value.isdigit():
            digits = value.lstrip("0")
            if not digits:
                continue  # 0 asks for no page size
            size = server_max if len(digits) > 12 else min(int(digits), server_max)
            return size, size
    return server_max, None
