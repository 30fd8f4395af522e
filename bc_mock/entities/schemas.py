"""The marshmallow adapter: request bodies are validated by a marshmallow schema per set and version.

Built from the registry's kinds on the first write (not at start: marshmallow's import alone
costs a server's start-up about a fifth). A kind refuses a value with ``InvalidValue``; its
field turns that into a marshmallow error carrying BC's status, code and message, which
``bc_mock.entities.writes`` answers.
"""

from __future__ import annotations

import functools

from marshmallow import RAISE, Schema, ValidationError, fields

from bc_mock.entities.kinds import InvalidValue, Kind
from bc_mock.entities.model import EntitySet


class KindField(fields.Field):
    """A marshmallow field that delegates to its kind."""

    def __init__(self, kind: Kind, **kwargs):
        super().__init__(**kwargs)
        self.kind = kind

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return self.kind.load(value)
        except InvalidValue as invalid:
            error = invalid.error
            message = {"status": error.status, "code": error.code, "message": error.message}
            raise ValidationError(message) from None

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else self.kind.dump(value)


@functools.cache
def body_schema(entity: EntitySet, version: str) -> Schema:
    """A schema that loads a request body of ``entity`` in ``version``; an unknown property is an error."""
    schema_class = Schema.from_dict(
        {prop.name: KindField(prop.kind) for prop in entity.props_for(version)},
        name=f"{entity.type_name}_{version.replace('.', '_')}",
    )
    return schema_class(unknown=RAISE)
