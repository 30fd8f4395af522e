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
