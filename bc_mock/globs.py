"""Globs, as fault rules and the request journal's filters take them: ``*`` matches any run of
characters (``/`` included); every other character matches itself.

Matched without regular expressions, in time linear in the text: the pattern's literal parts
are found left to right, each at its first place after the one before (for globs whose only
wildcard is ``*``, the first place is always a right choice). A regular expression built
from ``*a*a*a*a*!`` backtracks exponentially on a long text, and a rule's glob is matched
against every request.
"""

from __future__ import annotations

import functools


@functools.lru_cache(maxsize=1024)
def _parts(pattern: str, ignore_case: bool) -> tuple[str, ...]:
    return tuple((pattern.lower() if ignore_case else pattern).split("*"))


def glob_match(pattern: str, text: str, ignore_case: bool = False) -> bool:
    """Whether ``text`` matches ``pattern`` as a whole."""
    parts = _parts(pattern, ignore_case)
    if ignore_case:
        text = text.lower()
    if len(parts) == 1:
        return text == parts[0]
    first, *middle, last = parts
    if len(text) < len(first) + len(last) or not text.startswith(first) or not text.endswith(last):
        return False
    position, end = len(first), len(text) - len(last)
    for part in middle:
        found = text.find(part, position, end)
        if found < 0:
            return False
        position = found + len(part)
    return True


def is_literal(pattern: str) -> bool:
    """A glob without a wildcard: it matches only the text equal to it."""
    return "*" not in pattern
