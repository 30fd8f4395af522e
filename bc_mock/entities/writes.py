"""The write path shared by every writable set: body -> values -> rules -> stored row.

The body is checked the way BC's OData layer does before any business logic
runs: unknown properties, types, GUIDs and lengths (by the set's marshmallow
schema). Then the set's rules build the new record, and only if nothing was
refused is it stored.
"""

from __future__ import annotations

from typing import cast

from bc_mock import errors
from bc_mock.entities.model import EntitySet
from bc_mock.entities.rules import CompanyView
from bc_mock.store import Row


def load_values(entity: EntitySet, version: str, body: dict, creating: bool) -> dict:
    """The body's properties, loaded and checked, in the body's order.

    OData clients send ``@odata.*`` annotations (ignored) and ``null`` for what
    they did not set: on create, and for read-only properties, null means "not
    given"; on update, a writable property set to null is set to its blank value.
    """
    given = {}
    for name, value in body.items():
        if name.startswith("@odata.") or "@odata." in name:
            continue
        prop = entity.prop(version, name)
        if value is None:
            if creating or prop is None or prop.read_only:
                if prop is None:
                    raise errors.unknown_property(name, entity.type_name)
                continue
            value = prop.kind.dump(prop.kind.blank)
        given[name] = value
    # marshmallow is imported with the first request body, not at start (see entities/schemas.py)
    from marshmallow import ValidationError

    from bc_mock.entities.schemas import body_schema

    try:
        loaded = body_schema(entity, version).load(given, partial=True)
    except ValidationError as error:
        # a schema's errors, keyed by field
        raise _first_error(entity, cast("dict", error.messages), list(given)) from None
    return {name: loaded[name] for name in given}


def _first_error(entity: EntitySet, messages: dict, order: list[str]) -> errors.BcError:
    name = next(n for n in order if n in messages)
    message = messages[name]
    if isinstance(message, dict) and "code" in message:
        return errors.BcError(message["status"], message["code"], message["message"])
    return errors.unknown_property(name, entity.type_name)


def _split_read_only(entity: EntitySet, version: str, values: dict, creating: bool) -> tuple[dict, dict]:
    """(values the rules may use, read-only values the client sent)."""
    writable, read_only = {}, {}
    for name, value in values.items():
        prop = entity.prop(version, name)
        assert prop is not None  # the values were loaded by the version's schema
        if prop.client_writable(version, creating):
            writable[name] = value
        else:
            read_only[name] = value
    return writable, read_only


def _check_read_only(entity: EntitySet, read_only: dict, record: dict) -> None:
    # BC accepts a read-only property given the value it ends up with
    for name, value in read_only.items():
        prop = entity.prop_named(name)
        if prop is None or not prop.kind.same(record.get(name), value):
            raise errors.read_only(name)


def create(entity: EntitySet, view: CompanyView, body: dict, parent: dict | None) -> Row:
    values = load_values(entity, view.version, body, creating=True)
    writable, read_only = _split_read_only(entity, view.version, values, creating=True)
    record = entity.rules.create(view, writable, parent)
    _check_read_only(entity, read_only, record)
    return view.put(entity.name, record)


def update(entity: EntitySet, view: CompanyView, current: dict, body: dict, parent: dict | None) -> Row:
    values = load_values(entity, view.version, body, creating=False)
    writable, read_only = _split_read_only(entity, view.version, values, creating=False)
    _check_read_only(entity, read_only, current)
    record = entity.rules.update(view, current, writable, parent)
    return view.put(entity.name, record)


def delete(entity: EntitySet, view: CompanyView, current: dict) -> None:
    entity.rules.delete(view, current)
