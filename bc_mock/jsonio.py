"""JSON in and out, as BC reads and writes it.

Numbers in request bodies are read as ``Decimal`` (integers of 19 digits or more too) so
amounts stay exact and no number costs more than its length to read; ``NaN`` and
``Infinity``, which are no JSON, are an invalid body. Responses keep the properties in the
order BC sends them (no key sorting) and write every decimal as its digits: a value a float
holds exactly goes through the C encoder as a float, any other as a marked string that one
pass over the encoded text turns back into its digits (see ``number``).
"""

from __future__ import annotations

import json
import re
import uuid
from decimal import Decimal, InvalidOperation

from bc_mock import errors

# A marked number: a string the encoder writes as "<tag><digits>", which `_unmark` turns into
# <digits>. The tag is random per process and never sent, so no client's string can forge one.
_TAG = uuid.uuid4().hex
_MARKED = re.compile(f'"{_TAG}([-+.0-9Ee]+)"')


class _Marked(str):
    """A number's digits, marked for ``_unmark``; its repr is the digits (for messages)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return self[len(_TAG) :]


def _mark(digits: str) -> _Marked:
    return _Marked(_TAG + digits)


def _unmark(text: str) -> str:
    # one linear pass, and none at all for the common answer that holds no marked number
    return _MARKED.sub(r"\1", text) if _TAG in text else text


def number(value: Decimal) -> object:
    """A finite ``Decimal`` as the encoder should write it: an ``int`` when it is whole (1500,
    as BC writes it), a ``float`` when that holds it exactly, else its digits, marked.

    A decimal of at most 15 significant digits survives a double and Python writes a float
    in the fewest digits that read back the same, so such a value is written as its digits;
    ``str`` of a non-whole decimal without an exponent has a point, so 16 characters hold at
    most 15 digits. Longer ones (1234567890123456.78) are marked, trailing zeros trimmed.
    """
    if not value.is_finite():
        raise ValueError(f"{value} is not JSON")
    if value.adjusted() > 30:  # whole, beyond any decimal BC holds: no int() of a thousand digits
        return _mark(str(value))
    if value == value.to_integral_value():
        return int(value)
    text = str(value)
    if len(text) <= 16 and "E" not in text:
        return float(text)
    if "E" not in text:
        text = text.rstrip("0")
    return _mark(text)


def _default(value):
    if isinstance(value, Decimal):
        return number(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


# one encoder for every response: json.dumps builds a new one per call when given options
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_default)


def dumps(value: object) -> str:
    """The JSON text of an answer; ``Decimal`` values and the kinds' marked numbers as their digits."""
    return _unmark(_ENCODER.encode(value))


class Unreadable:
    """A JSON number whose exponent not even Python's ``Decimal`` holds (beyond about 10**18):
    kept as its text, for the property it is given to refuse (no kind takes it)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__


def _exact(value: object) -> _Marked:
    if isinstance(value, (Decimal, Unreadable)):
        return _mark(str(value))
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps_exact(value: object) -> str:
    """JSON text of a parsed request body, numbers exactly as they were sent (a ``$batch``
    operation's body is sent on as a request of its own): each ``Decimal`` is written as its
    digits, not rounded through a float. ASCII only, so any string a client sent survives."""
    return _unmark(json.dumps(value, separators=(",", ":"), default=_exact, allow_nan=False))


# No BC payload nests deeper than a handful of levels ($batch > request > body > dimensions);
# a deeper one is refused before anything (the journal, a $batch operation) walks it recursively.
MAX_DEPTH = 32


def _float(text: str) -> Decimal | Unreadable:
    try:
        return Decimal(text)
    except InvalidOperation:  # an exponent beyond Decimal's own (about 10**18)
        return Unreadable(text)


def _int(text: str) -> int | Decimal:
    # int() of a long digit string costs more than its length (and is refused past 4,300
    # digits); none of 19 digits or more is an Int32 or Int64, so Decimal holds it for the
    # kinds to range-check
    return int(text) if len(text) < 19 else Decimal(text)


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _as_text(name: str) -> str:
    return name


def loads(text: str, constants_as_text: bool = False) -> object:
    """JSON text parsed as bc_mock reads every document (bodies, fixtures): numbers as above;
    NaN and Infinity (no JSON) a ValueError, or kept as the strings "NaN", "Infinity" and
    "-Infinity" (``constants_as_text``: a record of what a client sent). ValueError (or
    RecursionError) when it is no JSON."""
    constant = _as_text if constants_as_text else _no_constant
    return json.loads(text, parse_float=_float, parse_int=_int, parse_constant=constant)


def loads_body(raw: bytes) -> object:
    """The parsed body, or None when there is none; malformed JSON is BC's 400."""
    if not raw.strip():
        return None
    try:
        value = loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise errors.invalid_body() from None
    if not within_depth(value, MAX_DEPTH):
        raise errors.invalid_body()
    return value


def within_depth(value: object, limit: int) -> bool:
    """Whether no array or object in ``value`` is nested more than ``limit`` deep (no recursion)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return False
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return True
