"""JSON in and out, as BC reads and writes it.

Numbers in request bodies are read as ``Decimal`` so amounts stay exact;
responses keep the properties in the order BC sends them (no key sorting).
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

from bc_mock import errors


def _default(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


# one encoder for every response: json.dumps builds a new one per call when given options
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_default)


def dumps(value: object) -> str:
    return _ENCODER.encode(value)


def dumps_exact(value: object) -> str:
    """JSON text of a parsed request body, numbers exactly as they were sent (a ``$batch``
    operation's body is sent on as a request of its own): each ``Decimal`` is written as its
    digits, not rounded through a float. ASCII only, so any string a client sent survives."""
    numbers: dict[str, str] = {}
    tag = uuid.uuid4().hex

    def mark(number):
        if not isinstance(number, Decimal):
            raise TypeError(f"{type(number).__name__} is not JSON serializable")
        key = f'"{tag}:{len(numbers)}"'
        numbers[key] = str(number)
        return key[1:-1]

    text = json.dumps(value, separators=(",", ":"), default=mark)
    for key, digits in numbers.items():
        text = text.replace(key, digits, 1)
    return text


# No BC payload nests deeper than a handful of levels ($batch > request > body > dimensions);
# a deeper one is refused before anything (the journal, a $batch operation) walks it recursively.
MAX_DEPTH = 32


def loads_body(raw: bytes) -> object:
    """The parsed body, or None when there is none; malformed JSON is BC's 400."""
    if not raw.strip():
        return None
    try:
        text = raw.decode("utf-8")
        value = json.loads(text, parse_float=Decimal)
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
