"""BC's weak ETags.

BC's ETag is ``W/"<base64>"`` where the base64 text decodes to
``'<n>;<token>;00;'``: in the 76 ETags of the recorded BC traffic, the token is n digits and
a final ``1``. bc_mock derives the token from
the row's version, which is unique across the store and changes on every
write, so an ETag stays the same exactly as long as the record does.
"""

from __future__ import annotations

import base64
import functools

from bc_mock import errors
from bc_mock.store import Row


def etag(row: Row) -> str:
    return _etag_of_version(row.version)


# Every record a read answers with has its ETag written, and the same records are read again
# and again: the text of the versions seen last is kept (a few hundred kB at most) rather than
# formatted and base64-encoded each time.
@functools.lru_cache(maxsize=4096)
def _etag_of_version(version: int) -> str:
    # as every recorded BC ETag is: '<n>;<n digits>1;00;' (the count leaves out a final 1)
    digits = f"{version:020d}"
    raw = f"'{len(digits)};{digits}1;00;'".encode()
    return f'W/"{base64.b64encode(raw).decode()}"'


def check_if_match(header: str | None, row: Row, required: bool) -> None:
    """Apply an If-Match header to a write of ``row``.

    Missing: 400 when ``required`` (PATCH), allowed otherwise (DELETE, as BC's
    server does). ``*`` matches anything; any other value must be the current ETag
    (a list of ETags matches if one of them does).
    """
    if header is None or not header.strip():
        if required:
            raise errors.missing_token()
        return
    current = etag(row)
    candidates = [part.strip() for part in header.split(",")]
    if "*" in candidates or current in candidates:
        return
    if not any(_well_formed(c) for c in candidates):
        raise errors.missing_token()
    raise errors.entity_changed()


def _well_formed(candidate: str) -> bool:
    text = candidate.removeprefix("W/")
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        return False
    try:
        base64.b64decode(text[1:-1], validate=True)
    except ValueError:
        return False
    return True
