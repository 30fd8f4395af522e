"""JSON in and out, as BC reads and writes it.

Numbers in request bodies are read as ``Decimal`` so amounts stay exact;
responses keep the properties in the order BC sends them (no key sorting).
"""

from __future__ import annotations

import json
from decimal import Decimal

from bc_mock import errors


def _default(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_default)


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
