"""bc_mock: an in-memory emulator of the Dynamics 365 Business Central REST API."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

__all__ = ["MockServer", "SeedError", "Settings", "__version__", "create_app"]

# The public names load on first use: the pytest plugin imports this package in every pytest
# run where bc_mock is installed, and should not pull in Flask until a test asks for the mock.
_LAZY = {
    "create_app": "bc_mock.app",
    "MockServer": "bc_mock.server",
    "Settings": "bc_mock.config",
    "SeedError": "bc_mock.seed",
}

if TYPE_CHECKING:
    from bc_mock.app import create_app
    from bc_mock.config import Settings
    from bc_mock.seed import SeedError
    from bc_mock.server import MockServer


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'bc_mock' has no attribute {name!r}")
