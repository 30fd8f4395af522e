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


# the bits of a version-4 GUID that are not random: the variant (RFC 4122) and the version
_FIXED_MASK = ~((0xC000 << 48) | (0xF000 << 64))
_FIXED_BITS = (0x8000 << 48) | (4 << 76)


def request_guid() -> str:
    """A random version-4 GUID, as text (``6a4f3c5e-9c1b-4a47-8d8e-1d2b3c4d5e6f``).

    The text ``str(uuid.UUID(int=..., version=4))`` gives, written directly: the UUID object's
    checks and its attribute setting were most of the cost, and this runs for every request.
    """
    text = "%032x" % (_RANDOM.getrandbits(128) & _FIXED_MASK | _FIXED_BITS)
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
