"""The exceptions bc_mock raises to its users, under one root: ``BcMockError``.

    try:
        mock.faults.add(path="*", status=200)
    except bc_mock.BcMockError as error:
        ...

(What a BC client sees over HTTP is never an exception: it is BC's error body, see errors.py.)
"""

from __future__ import annotations


class BcMockError(Exception):
    """The root of every exception bc_mock raises to its users."""


class SeedError(BcMockError):
    """A fixture is wrong; the message says where (file, record, field) and why."""


class RuleError(BcMockError, ValueError):
    """A malformed fault rule (over HTTP: a 400 in BC's error format, naming the problem)."""

    @property
    def message(self) -> str:
        return str(self)


class ServerUnavailableError(BcMockError, ConnectionError):
    """No bc_mock answers at the URL a MockServer was asked to attach to."""


class ControlError(BcMockError, RuntimeError):
    """A control call (reset, faults, journal) that the mock refused, e.g. an unknown rule id."""
