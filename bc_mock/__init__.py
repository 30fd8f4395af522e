"""bc_mock: an in-memory emulator of the Dynamics 365 Business Central REST API.

The public surface is what ``__all__`` lists; every other module is bc_mock's own business.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from bc_mock.contracts import FaultRule, JournalEntry
from bc_mock.exceptions import BcMockError, ControlError, RuleError, SeedError, ServerUnavailableError

__version__ = "0.2.0"

__all__ = [
    "BcMockError",
    "ControlError",
    "FaultRule",
    "JournalEntry",
    "MockServer",
    "RuleError",
    "SeedError",
    "ServerUnavailableError",
    "Settings",
    "__version__",
    "create_app",
]

# These load on first use: the pytest plugin imports this package in every pytest run where
# bc_mock is installed, and should not pull in Flask until a test asks for the mock.
_LAZY = {
    "create_app": "bc_mock.app",
    "MockServer": "bc_mock.server",
    "Settings": "bc_mock.config",
}

if TYPE_CHECKING:
    from bc_mock.app import create_app
    from bc_mock.config import Settings
    from bc_mock.server import MockServer


def __getattr__(name: str) -> object:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'bc_mock' has no attribute {name!r}")
