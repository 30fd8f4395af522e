"""Settings, from command-line arguments or BC_MOCK_* environment variables."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

TRUE_WORDS = ("1", "true", "yes", "on")
DEFAULT_MAX_BODY = 16 * 1024 * 1024

_SIZE = re.compile(r"^\s*(\d+)\s*([kmg]i?b?|b)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def parse_size(text: str) -> int:
    """Bytes from ``16777216``, ``16M``, ``16MB``, ``512k``, ``1GiB``; ValueError otherwise."""
    match = _SIZE.match(str(text))
    if match is None:
        raise ValueError(f"expected a size in bytes such as 16777216, 16M or 512K, not {text!r}")
    number, unit = match.groups()
    return int(number) * _UNITS[(unit or "")[:1].lower()]


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    fixtures: str | None = None  # a folder or a JSON file; None: the bundled seed
    require_auth: bool = False
    page_size: int = 20_000  # the most records in one page of a list, as BC Online
    faults: str | None = None  # a JSON file of fault rules loaded at start-up (and on reset)
    rate_limit: str | None = None  # "N/SECONDS": at most N requests per tenant in any SECONDS
    journal_size: int = 10_000  # the request journal keeps this many most recent requests
    max_body: int = DEFAULT_MAX_BODY  # bytes; a larger request body is answered 413

    @classmethod
    def from_env(cls, environ: dict | None = None) -> Settings:
        env = os.environ if environ is None else environ
        settings = cls()
        settings.host = env.get("BC_MOCK_HOST", settings.host)
        if env.get("BC_MOCK_PORT"):
            settings.port = _number(env, "BC_MOCK_PORT")
        settings.fixtures = env.get("BC_MOCK_FIXTURES") or None
        settings.require_auth = env.get("BC_MOCK_REQUIRE_AUTH", "").strip().lower() in TRUE_WORDS
        if env.get("BC_MOCK_PAGE_SIZE"):
            settings.page_size = _number(env, "BC_MOCK_PAGE_SIZE")
        settings.faults = env.get("BC_MOCK_FAULTS") or None
        settings.rate_limit = env.get("BC_MOCK_RATE_LIMIT") or None
        if env.get("BC_MOCK_JOURNAL_SIZE"):
            settings.journal_size = _number(env, "BC_MOCK_JOURNAL_SIZE")
        if env.get("BC_MOCK_MAX_BODY"):
            try:
                settings.max_body = parse_size(env["BC_MOCK_MAX_BODY"])
            except ValueError as error:
                raise ValueError(f"BC_MOCK_MAX_BODY: {error}") from None
        return settings


def _number(env, name: str) -> int:
    """A whole number from the environment; a wrong one is a ValueError saying which variable."""
    text = env[name].strip()
    if not text.isdigit():
        raise ValueError(f"{name} must be a whole number, not {env[name]!r}")
    return int(text)
