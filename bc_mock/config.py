"""Settings, from command-line arguments or BC_MOCK_* environment variables."""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass

from bc_mock.clock import parse_clock_option

TRUE_WORDS = ("1", "true", "yes", "on")
DEFAULT_MAX_BODY = 16 * 1024 * 1024
# the request journal's bounds in bytes: each body it keeps, and all its entries together
DEFAULT_JOURNAL_BODY_LIMIT = 64 * 1024
DEFAULT_JOURNAL_BUDGET = 64 * 1024 * 1024
MIN_JOURNAL_BODY_LIMIT = 1024
DEFAULT_MAX_FAULT_RULES = 1_000
MAX_WEBHOOK_SECONDS = 3600  # the longest webhook delay or timeout: an hour
DEFAULT_TOKEN_LIFETIME = 3599  # seconds, as Microsoft Entra ID's client-credentials tokens
AUTH_MODES = ("entra",)  # --auth: Microsoft Entra ID's tokens, as BC Online takes them

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
    threads: int = 8  # waitress's worker threads: requests served at once
    # open connections at once (idle keep-alive ones included); beyond it new ones wait to be accepted
    connection_limit: int = 1000
    channel_timeout: int = 60  # seconds a connection may stay silent (mid-request or idle) before it closes
    max_tenants: int = 10_000  # (tenant, environment) data sets held at once
    # bytes of each request and response body the journal keeps (the rest is cut, and marked)
    journal_body_limit: int = DEFAULT_JOURNAL_BODY_LIMIT
    # bytes all journal entries may hold together: the oldest go beyond it
    journal_budget: int = DEFAULT_JOURNAL_BUDGET
    max_fault_rules: int = DEFAULT_MAX_FAULT_RULES  # fault rules at once; adding more is a 400
    # host names /_mock answers besides IP addresses, localhost and names without a dot
    allowed_hosts: tuple[str, ...] = ()
    # "fixed:<ISO time>" starts bc_mock's clock frozen at that time; None (or "real"): real time
    clock: str | None = None
    webhook_delay: float = 30.0  # seconds of the clock between a change and its notification
    webhook_collection_threshold: int = 1000  # notifications per subscription before one "collection"
    webhook_timeout: float = 30.0  # seconds a subscriber has to answer a notification
    webhook_handshake_timeout: float = 5.0  # seconds a subscriber has to answer the handshake
    # "entra": BC API requests need a token of bc_mock's Microsoft Entra ID token service
    auth: str | None = None
    token_lifetime: int = DEFAULT_TOKEN_LIFETIME  # seconds a token of the token service is valid
    tls: bool = False  # serve https (implied by the tls_* files below)
    tls_cert: str | None = None  # a PEM certificate (chain) to serve instead of a generated one
    tls_key: str | None = None  # its private key (PEM), unless tls_cert holds it
    tls_ca_out: str | None = None  # write the generated certificate's CA here (PEM)
    tls_hostnames: tuple[str, ...] = ()  # names the generated certificate holds besides the local ones

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Refuse values no server can run with, naming the setting (a ValueError)."""
        if not 0 <= self.port <= 65535:  # waitress would silently take the port modulo 65536
            raise ValueError(f"port must be between 0 and 65535, not {self.port}")
        wholes = (
            ("page_size", 1),
            ("journal_size", 0),
            ("max_body", 1),
            ("threads", 1),
            ("connection_limit", 1),
            ("channel_timeout", 1),
            ("max_tenants", 1),
            ("max_fault_rules", 1),
        )
        for name, lowest in wholes:
            _check_whole(name, getattr(self, name), lowest)
        _check_whole("webhook_collection_threshold", self.webhook_collection_threshold, 1)
        seconds: tuple[tuple[str, float, float], ...] = (
            ("webhook_delay", 0, MAX_WEBHOOK_SECONDS),
            ("webhook_timeout", 0.001, MAX_WEBHOOK_SECONDS),
            ("webhook_handshake_timeout", 0.001, MAX_WEBHOOK_SECONDS),
        )
        for name, low, high in seconds:
            _check_seconds(name, getattr(self, name), low, high)
        parse_clock_option(self.clock)
        if self.rate_limit is not None:
            parse_limit(self.rate_limit)
        self._validate_journal_bytes()
        self.allowed_hosts = parse_hosts(self.allowed_hosts)
        self._validate_auth_and_tls()

    def _validate_auth_and_tls(self) -> None:
        self.auth = parse_auth(self.auth)
        _check_whole("token_lifetime", self.token_lifetime, 1)
        self.tls_hostnames = parse_tls_hostnames(self.tls_hostnames)
        if self.tls_key and not self.tls_cert:
            raise ValueError(
                "tls_key (--tls-key) needs tls_cert (--tls-cert), the certificate it is the key of"
            )
        if self.tls_cert and self.tls_ca_out:
            raise ValueError(
                "tls_ca_out (--tls-ca-out) writes the CA of the certificate bc-mock generates; with "
                "tls_cert (--tls-cert) the certificate and its CA are yours"
            )
        if self.tls_cert and self.tls_hostnames:
            raise ValueError(
                "tls_hostnames (--tls-hostnames) names the certificate bc-mock generates; with "
                "tls_cert (--tls-cert) the certificate is yours"
            )
        # a certificate to serve or a CA to write means https
        self.tls = bool(self.tls or self.tls_cert or self.tls_ca_out or self.tls_hostnames)

    def _validate_journal_bytes(self) -> None:
        """Each body the journal keeps at least 1 KB; all entries at least one whole body."""
        _check_whole("journal_body_limit", self.journal_body_limit, MIN_JOURNAL_BODY_LIMIT)
        _check_whole("journal_budget", self.journal_budget, MIN_JOURNAL_BODY_LIMIT)
        if self.journal_budget < self.journal_body_limit:
            raise ValueError(
                f"journal_budget ({self.journal_budget}) must be at least journal_body_limit "
                f"({self.journal_body_limit}): the journal could not keep one whole entry"
            )

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
        if env.get("BC_MOCK_THREADS"):
            settings.threads = _number(env, "BC_MOCK_THREADS")
        if env.get("BC_MOCK_CONNECTION_LIMIT"):
            settings.connection_limit = _number(env, "BC_MOCK_CONNECTION_LIMIT")
        if env.get("BC_MOCK_MAX_TENANTS"):
            settings.max_tenants = _number(env, "BC_MOCK_MAX_TENANTS")
        if env.get("BC_MOCK_CHANNEL_TIMEOUT"):
            settings.channel_timeout = _number(env, "BC_MOCK_CHANNEL_TIMEOUT")
        if env.get("BC_MOCK_MAX_BODY"):
            try:
                settings.max_body = parse_size(env["BC_MOCK_MAX_BODY"])
            except ValueError as error:
                raise ValueError(f"BC_MOCK_MAX_BODY: {error}") from None
        for name in ("journal_body_limit", "journal_budget"):
            variable = f"BC_MOCK_{name.upper()}"
            if env.get(variable):
                try:
                    setattr(settings, name, parse_size(env[variable]))
                except ValueError as error:
                    raise ValueError(f"{variable}: {error}") from None
        if env.get("BC_MOCK_MAX_FAULT_RULES"):
            settings.max_fault_rules = _number(env, "BC_MOCK_MAX_FAULT_RULES")
        settings._auth_and_tls_from_env(env)
        if env.get("BC_MOCK_ALLOWED_HOSTS"):
            try:
                settings.allowed_hosts = parse_hosts(env["BC_MOCK_ALLOWED_HOSTS"])
            except ValueError as error:
                raise ValueError(f"BC_MOCK_ALLOWED_HOSTS: {error}") from None
        settings.clock = env.get("BC_MOCK_CLOCK") or None
        if env.get("BC_MOCK_WEBHOOK_COLLECTION_THRESHOLD"):
            settings.webhook_collection_threshold = _number(env, "BC_MOCK_WEBHOOK_COLLECTION_THRESHOLD")
        for name in ("webhook_delay", "webhook_timeout", "webhook_handshake_timeout"):
            variable = f"BC_MOCK_{name.upper()}"
            if env.get(variable):
                setattr(settings, name, _seconds(env, variable))
        settings.validate()
        return settings

    def _auth_and_tls_from_env(self, env) -> None:
        if env.get("BC_MOCK_AUTH"):
            try:
                self.auth = parse_auth(env["BC_MOCK_AUTH"])
            except ValueError as error:
                raise ValueError(f"BC_MOCK_AUTH: {error}") from None
        if env.get("BC_MOCK_TOKEN_LIFETIME"):
            self.token_lifetime = _number(env, "BC_MOCK_TOKEN_LIFETIME")
        self.tls = env.get("BC_MOCK_TLS", "").strip().lower() in TRUE_WORDS
        self.tls_cert = env.get("BC_MOCK_TLS_CERT") or None
        self.tls_key = env.get("BC_MOCK_TLS_KEY") or None
        self.tls_ca_out = env.get("BC_MOCK_TLS_CA_OUT") or None
        if env.get("BC_MOCK_TLS_HOSTNAMES"):
            try:
                self.tls_hostnames = parse_tls_hostnames(env["BC_MOCK_TLS_HOSTNAMES"])
            except ValueError as error:
                raise ValueError(f"BC_MOCK_TLS_HOSTNAMES: {error}") from None


def parse_auth(value: object) -> str | None:
    """``"entra"`` (any case), or None for no authentication (None, ``""`` or ``"none"``)."""
    if value is None:
        return None
    text = value.strip().lower() if isinstance(value, str) else None
    if text in ("", "none"):
        return None
    if text not in AUTH_MODES:
        raise ValueError(f"auth must be one of {', '.join(AUTH_MODES)} (or none), not {value!r}")
    return text


def parse_limit(text: str) -> tuple[int, float]:
    """``"600/60"`` -> (600, 60.0): at most N requests in any window of SECONDS; ``"600"`` alone
    means per 60 seconds (BC's limits are per minute). ValueError, readable, when malformed."""
    count, _, seconds = str(text).partition("/")
    try:
        limit, window = int(count), float(seconds or "60")
    except ValueError:
        raise ValueError(f"rate limit must look like N/SECONDS (e.g. 600/60), not {text!r}") from None
    if limit < 1 or not 0 < window < float("inf"):
        raise ValueError(f"rate limit must be at least 1 request per a positive number of seconds: {text!r}")
    return limit, window


# a DNS name a certificate can hold (a leading "*." for a domain's names)
_DNS_NAME = re.compile(
    r"^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)
_HOST_NAME = re.compile(
    r"^(\*|(\*\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*)$"
)


def parse_hosts(value: object) -> tuple[str, ...]:
    """Host names from ``"mock.test, *.internal"`` (or a list of them), lower-cased: a name, a
    ``*.`` suffix (any name ending so), or ``*`` (any host). ValueError for anything else."""
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, (list, tuple)):
        raise ValueError(f"allowed hosts must be names separated by commas, not {value!r}")
    hosts = []
    for name in names:
        host = name.strip().lower() if isinstance(name, str) else None
        if host == "":
            continue  # "a,,b", or "" for none
        if host is None or not _HOST_NAME.match(host):
            raise ValueError(
                f"allowed hosts must be host names (mock.example.test), suffixes (*.example.test) "
                f"or *, separated by commas; not {name!r}"
            )
        hosts.append(host)
    return tuple(hosts)


def parse_tls_hostnames(value: object) -> tuple[str, ...]:
    """Names for the certificate from ``"bc-mock, mock.internal, 10.0.0.5"`` (or a list): DNS
    names (``*.`` for a domain's names) or IP addresses, lower-cased. ValueError otherwise."""
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, (list, tuple)):
        raise ValueError(f"TLS host names must be names separated by commas, not {value!r}")
    parsed = []
    for name in names:
        text = name.strip().lower() if isinstance(name, str) else None
        if text == "":
            continue
        if text is None or not (_is_address(text) or (len(text) <= 253 and _DNS_NAME.match(text))):
            raise ValueError(
                "TLS host names must be DNS names (bc-mock, mock.example.test, *.example.test) or "
                f"IP addresses, separated by commas; not {name!r}"
            )
        parsed.append(text)
    return tuple(parsed)


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _check_whole(name: str, value: object, lowest: int) -> None:
    """A ValueError naming the setting unless ``value`` is a whole number of at least ``lowest``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
        raise ValueError(f"{name} must be a whole number of at least {lowest}, not {value!r}")


def _check_seconds(name: str, value: object, lowest: float, highest: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lowest <= value <= highest:
        # (NaN fails both comparisons)
        raise ValueError(f"{name} must be a number of seconds from {lowest:g} to {highest:g}, not {value!r}")


def parse_seconds(text: str) -> float:
    """Seconds from ``30``, ``0.5``; ValueError otherwise."""
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError(f"expected a number of seconds such as 30 or 0.5, not {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"expected a number of seconds such as 30 or 0.5, not {text!r}")
    return value


def _seconds(env, name: str) -> float:
    try:
        return parse_seconds(env[name])
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None


def _number(env, name: str) -> int:
    """A whole number from the environment; a wrong one is a ValueError saying which variable."""
    text = env[name].strip()
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"{name} must be a whole number, not {env[name]!r}")
    return int(text)
