"""bc_mock: an in-memory emulator of the Dynamics 365 Business Central REST API."""

from __future__ import annotations

__version__ = "0.1.0"

from bc_mock.app import create_app  # noqa: E402
from bc_mock.config import Settings  # noqa: E402
from bc_mock.seed import SeedError  # noqa: E402
from bc_mock.server import MockServer  # noqa: E402

__all__ = ["__version__", "create_app", "MockServer", "Settings", "SeedError"]
