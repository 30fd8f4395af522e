"""Request ids: version-4 GUIDs, written as uuid writes them."""

from __future__ import annotations

import random
import uuid

from bc_mock import ids


def test_a_request_id_is_the_text_uuid_gives_of_the_same_random_bits(monkeypatch):
    for seed in range(2000):
        monkeypatch.setattr(ids, "_RANDOM", random.Random(seed))
        text = ids.request_guid()
        expected = str(uuid.UUID(int=random.Random(seed).getrandbits(128), version=4))
        assert text == expected
        assert uuid.UUID(text).version == 4 and uuid.UUID(text).variant == uuid.RFC_4122


def test_guids_are_read_the_same_whether_kept_or_not():
    from bc_mock.entities.kinds import parse_guid

    guid = "c0a00001-0000-4000-8000-000000000001"
    for _ in range(2):
        assert parse_guid(guid.upper()) == guid
        assert parse_guid("{" + guid + "}") == guid
        assert parse_guid("{" + guid + "}\n") == guid  # as the regular expression's $ allows
        assert parse_guid(guid[:-1]) is None
        assert parse_guid(guid + "0" * 40) is None
        assert parse_guid(None) is None
