"""Settings, from command-line arguments or BC_MOCK_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass

TRUE_WORDS = ("1", "true", "yes", "on")


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    fixtures: str | None = None  # a folder or a JSON file; None: the bundled seed
    require_auth: bool = False

    @classmethod
    def from_env(cls, environ: dict | None = None) -> Settings:
        env = os.environ if environ is None else environ
        settings = cls()
        settings.host = env.get("BC_MOCK_HOST", settings.host)
        if env.get("BC_MOCK_PORT"):
            settings.port = int(env["BC_MOCK_PORT"])
        settings.fixtures = env.get("BC_MOCK_FIXTURES") or None
        settings.require_auth = env.get("BC_MOCK_REQUIRE_AUTH", "").strip().lower() in TRUE_WORDS
        return settings
