"""Random GUIDs for what bc_mock makes on every request (request ids, CorrelationIds).

``uuid.uuid4()`` asks the kernel for 16 random bytes each time; where system calls are costly
(containers under gVisor, some CI sandboxes) that was half of a simple GET's time in bc_mock.
These ids need to be unique, not unguessable: a generator seeded once from the kernel gives the
same version-4 GUIDs without a system call. Record ids a client sees stay ``uuid.uuid4()``.
"""

from __future__ import annotations

import random
import uuid

# getrandbits is one call into C, atomic under the interpreter lock: safe from every thread
_RANDOM = random.Random(uuid.uuid4().int)


def request_guid() -> str:
    """A random version-4 GUID, as text (``6a4f3c5e-9c1b-4a47-8d8e-1d2b3c4d5e6f``)."""
    return str(uuid.UUID(int=_RANDOM.getrandbits(128), version=4))
