"""Payload shapes: a record with its ETag, and the envelope of a single entity.

Reads build on ``record`` in ``render`` (adding $select and $expand); writes answer with
``entity_payload``.
"""

from __future__ import annotations

from bc_mock.entities import EntitySet
from bc_mock.odata.etag import etag
from bc_mock.store import Row


def context_url(api_root: str, path: str) -> str:
    return f"{api_root}/$metadata#{path}"


def record(entity: EntitySet, version: str, row: Row) -> dict:
    """One record as it appears in a collection: its ETag, then its properties."""
    if not entity.etag:
        return entity.dump(version, row.data)
    return {"@odata.etag": etag(row), **entity.dump(version, row.data)}


def entity_payload(api_root: str, context: str, entity: EntitySet, version: str, row: Row) -> dict:
    return {"@odata.context": context_url(api_root, f"{context}/$entity"), **record(entity, version, row)}
