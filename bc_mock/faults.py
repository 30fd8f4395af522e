"""Fault rules: which BC API requests fail on purpose, how, and when.

A rule is plain JSON (the same keys from HTTP, a ``--faults`` file and Python)::

    {"method": "POST", "path": "*/customerPayments*", "preset": "throttled", "times": 2}

* Matching: ``method``, ``path`` (a glob, ``*`` matches anything, ``/`` included, on the path
  after the API root, e.g. ``companies(...)/customerPayments``), ``tenant`` and ``environment``
  (globs, case-insensitive as BC's are) and ``header`` (``{"Name": "value glob"}``).
* Effects: ``status`` with BC's error body (``error`` overrides code and message) and
  ``headers``; ``delayMs`` (a number or ``[min, max]``) before answering; ``drop`` closes the
  connection with no answer; ``preset`` names one of BC's documented failures (``PRESETS``).
* Webhooks: a rule with ``webhook`` (``notification``, ``handshake`` or ``*``) acts on bc_mock's
  own requests to subscribers instead, matched by ``url`` (a glob) and tenant: ``delayMs`` holds
  the request back, ``status`` answers for the subscriber (it is not sent), ``drop`` loses it (a
  notification counts as delivered, a handshake gets no answer).
* Triggers: ``times`` (fire on the first N matches, then expire), ``after`` (let the first N
  matches through), ``every`` (fire on every Nth match), ``probability`` with ``seed`` (a
  seeded generator per rule, so a run repeats the same sequence).

A rule with only ``delayMs`` is latency: it slows the request and lets it through; every
latency rule that fires adds its delay. Failing rules (status or drop) are tried in the order
they were added: the first that fires decides the answer, and the later ones do not count the
request as a match.

A rule is checked whole when it is added, so that a rule that is accepted can always be
applied: header names must be HTTP tokens and values Latin-1 without control characters (a
CR or LF would split the answer), and ``headers`` cannot set what the server frames the
answer with (``Content-Length``, ``Transfer-Encoding``, ``Connection`` and the other
hop-by-hop headers). A rule holds at most ``MAX_RULE_BYTES``, and a set added to over HTTP
at most ``--max-fault-rules`` rules, so rules cannot grow without bound.

With ``--auth entra`` the token service's requests are matched too, but only by a rule whose
``path`` matches theirs (``*/oauth2/v2.0/token``): a rule without ``path`` is for the BC API.
The presets ``token-expired`` and ``entra-unavailable`` target the token endpoint unless the
rule names a path; their errors there are rendered in Entra's format (``ENTRA_ERRORS``).

A rule with a ``tenant`` belongs to that tenant: ``list``, ``remove`` and ``clear`` take the
scope they work in, a tenant's name, ``NO_TENANT`` (the rules without a tenant) or
``EVERY_TENANT`` (all of them).
"""

from __future__ import annotations

import itertools
import json
import random
import re
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bc_mock import errors
from bc_mock.exceptions import RuleError
from bc_mock.globs import glob_match, is_literal

MATCH_KEYS = ("method", "path", "tenant", "environment", "header", "webhook", "url")
# what a rule with ``webhook`` matches: bc_mock's own requests to a subscriber, not the API's
WEBHOOK_KINDS = ("notification", "handshake", "*")
EFFECT_KEYS = ("status", "error", "headers", "delayMs", "drop", "preset")
TRIGGER_KEYS = ("times", "after", "every", "probability", "seed")
RULE_KEYS = MATCH_KEYS + EFFECT_KEYS + TRIGGER_KEYS

# the scopes of list, remove and clear besides a tenant's name
NO_TENANT = ""  # the rules without a tenant
EVERY_TENANT = None  # every rule, whatever its tenant

MAX_RULE_BYTES = 64 * 1024  # a rule's JSON, at most
# what frames an answer, or concerns one connection only: the server sets them, a rule cannot
FRAMING_HEADERS = (
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "upgrade",
    "te",
    "trailer",
)
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")

# BC's documented failures (bc-api-facts.md §7.3, §7.8). The exact texts BC sends for 408, 503
# and 504 are not documented; those messages are bc_mock's own (noted in the README).
PRESETS: dict[str, dict] = {
    "throttled": {"status": 429, "headers": {"Retry-After": "1"}},
    "timeout": {"status": 408},
    "gateway-timeout": {"status": 504},
    "unavailable": {"status": 503, "headers": {"Retry-After": "1"}},
    "conflict": {"status": 409},
    "server-error": {"status": 500},
    "drop": {"drop": True},
    # authentication (--auth entra): BC's 401 as for a token whose signature is wrong ...
    "token-invalid": {"status": 401},
    # ... the token service's next tokens issued already expired (they then get BC's 401) ...
    "token-expired": {"expireToken": True},
    # ... or the token service down
    "entra-unavailable": {"status": 503, "headers": {"Retry-After": "1"}},
}
# The token service's endpoint, which the Entra presets target unless the rule names a path.
TOKEN_PATH = "*/oauth2/v2.0/token"
PRESET_TARGETS: dict[str, dict] = {
    "token-expired": {"path": TOKEN_PATH},
    "entra-unavailable": {"path": TOKEN_PATH},
}
API = "api"  # a BC API request; "entra": a request to the token service (--auth entra)

# The code and message BC answers per status, used when a rule gives no ``error``.
DEFAULT_ERRORS: dict[int, tuple[str, str]] = {
    400: ("BadRequest", "Bad Request"),
    401: ("Authentication_InvalidCredentials", "The server has rejected the client credentials."),
    403: ("Authorization_InsufficientPermissions", "You do not have permission to perform this action."),
    404: ("BadRequest_NotFound", "No HTTP resource was found that matches the request URI '{url}'."),
    408: ("Request_Timeout", "The operation has timed out."),
    409: ("Request_EntityChanged", "Another user has already changed the record."),
    429: ("Application_TooManyRequests", errors.throttled_message(actual=601, maximum=600)),
    500: ("Internal_ServerError", "An unexpected error occurred on the server."),
    502: ("Internal_ServerError", "Bad Gateway"),
    503: ("Internal_TenantUnavailable", "The tenant '{tenant}' is not accessible"),
    504: ("GatewayTimeout", "The request took longer than 10 minutes to complete and was aborted."),
}
# The same for a token service request: an OAuth error and its description (an AADSTS number
# first, as Entra's); Entra's texts for its outages are not recorded: these are bc_mock's own.
ENTRA_ERRORS: dict[int, tuple[str, str]] = {
    400: ("invalid_request", "The request failed."),
    401: ("invalid_client", "The client could not be authenticated."),
    429: ("temporarily_unavailable", "AADSTS50196: The server terminated an operation because it "
          "encountered a client request loop. Please contact your app vendor."),
    500: ("server_error", "AADSTS50000: There was an error issuing a token or an issue with our "
          "sign-in service."),
    503: ("temporarily_unavailable", "AADSTS90006: The service is temporarily unavailable."),
    504: ("temporarily_unavailable", "AADSTS90006: The service is temporarily unavailable."),
}  # fmt: skip


@dataclass
class RequestInfo:
    """What a rule can match on, taken from one BC API request."""

    method: str
    api_path: str  # after the API root: companies(...)/customerPayments
    path: str  # the URL's whole path
    tenant: str
    environment: str
    headers: dict[str, str]  # names lower-cased
    in_batch: bool = False  # a $batch operation: it has no connection of its own to drop
    webhook: str | None = None  # bc_mock's request to a subscriber: "notification" or "handshake"
    url: str = ""  # that request's URL
    service: str = API  # "entra": a token service request (matched only by a rule's path)


@dataclass
class Decision:
    """What the faults ask of one request: a delay, then maybe an error or a drop."""

    delay_ms: float = 0.0
    error: errors.BcError | None = None
    drop: bool = False
    rule_id: str | None = None  # the failing rule, else the first latency rule that fired
    fired: list[str] = field(default_factory=list)
    expire_tokens: bool = False  # the token-expired preset: the token issued is already expired


class Rule:
    """One validated rule with its counters. Mutated only under FaultSet's lock."""

    def __init__(self, spec: dict, rule_id: str):
        self.spec = _validate(spec)
        self.id = rule_id
        preset = _preset(self.spec)
        merged = {**preset, **self.spec}
        merged["headers"] = {**preset.get("headers", {}), **self.spec.get("headers", {})}
        self.effect = merged
        # what it matches: the rule's keys, or its preset's target (the token endpoint) by default
        self.match = {**PRESET_TARGETS.get(self.spec.get("preset", ""), {}), **self.spec}
        self.matches = 0  # requests that matched (fired or not)
        self.hits = 0  # times it fired
        self._random = random.Random(self.spec.get("seed"))

    @property
    def fails(self) -> bool:
        return bool(self.effect.get("drop")) or "status" in self.effect

    @property
    def expired(self) -> bool:
        return "times" in self.spec and self.hits >= self.spec["times"]

    def matches_request(self, info: RequestInfo) -> bool:
        spec = self.match
        if info.in_batch and self.effect.get("drop"):
            return False
        kind = spec.get("webhook")
        if (kind is None) != (info.webhook is None) or kind not in (None, "*", info.webhook):
            return False  # an API rule never fires on a webhook, nor a webhook rule on the API
        if "url" in spec and not glob_match(spec["url"], info.url):
            return False
        if info.service != API and "path" not in spec:
            return False  # the token service is reached only by naming its path
        if "method" in spec and info.method.upper() not in _methods(spec["method"]):
            return False
        if "path" in spec and not (
            glob_match(spec["path"], info.api_path) or glob_match(spec["path"], info.path)
        ):
            return False
        if "tenant" in spec and not glob_match(spec["tenant"], info.tenant, ignore_case=True):
            return False
        if "environment" in spec and not glob_match(spec["environment"], info.environment, True):
            return False
        for name, value_glob in spec.get("header", {}).items():
            value = info.headers.get(name.lower())
            if value is None or not glob_match(value_glob, value):
                return False
        return True

    def triggers(self) -> bool:
        """Count one match and say whether the rule fires on it."""
        if self.expired:
            return False
        self.matches += 1
        eligible = self.matches - self.spec.get("after", 0)
        if eligible <= 0:
            return False
        if "every" in self.spec and eligible % self.spec["every"]:
            return False
        # drawn on every eligible match, so the sequence depends only on the seed and the count
        if "probability" in self.spec and self._random.random() >= self.spec["probability"]:
            return False
        self.hits += 1
        return True

    def delay_ms(self) -> float:
        delay = self.effect.get("delayMs", 0)
        if isinstance(delay, list):
            return self._random.uniform(delay[0], delay[1])
        return float(delay)

    def error(self, info: RequestInfo, url: str) -> errors.BcError:
        status = self.effect["status"]
        table = DEFAULT_ERRORS if info.service == API else ENTRA_ERRORS
        fallback = ("Unknown", f"The request failed with status {status}.")
        code, message = table.get(status, fallback if info.service == API else ("server_error", fallback[1]))
        override = self.effect.get("error") or {}
        message = override.get("message", message.format(url=url, tenant=info.tenant))
        headers = dict(self.effect["headers"])
        if self.spec.get("preset") == "token-invalid":
            parts = urlsplit(url)
            reason = "The token's signature is not valid. (fault rule: token-invalid)"
            challenge = errors.bearer_challenge(f"{parts.scheme}://{parts.netloc}", info.tenant, reason)
            headers.setdefault("WWW-Authenticate", challenge)
        return errors.BcError(status, override.get("code", code), message, headers)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            **self.spec,
            "hits": self.hits,
            "matches": self.matches,
            "expired": self.expired,
        }


class FaultSet:
    """The active rules, in the order they were added; thread-safe.

    ``tenant`` in ``list``, ``remove`` and ``clear`` is the scope: a tenant's name (the rules
    whose ``tenant`` is that name), ``NO_TENANT`` (the rules without one) or ``EVERY_TENANT``
    (None, the default: every rule, as the server's owner sees them).

    ``add`` and ``add_many`` take a ``limit``: the most rules the set may then hold (the
    ``--max-fault-rules`` of rules added over /_mock or with MockServer).
    """

    def __init__(self) -> None:
        self._rules: list[Rule] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    @property
    def empty(self) -> bool:
        """No rule at all (read without the lock: a request racing with an add may miss it)."""
        return not self._rules

    def __len__(self) -> int:
        return len(self._rules)

    def add(self, spec: dict, limit: int | None = None) -> Rule:
        """Add one rule; with ``limit``, only while the set holds fewer rules (RuleError else)."""
        return self.add_many([spec], limit, numbered=False)[0]

    def add_many(self, specs: list, limit: int | None = None, numbered: bool = True) -> list[Rule]:
        """All or none: one bad rule, or one rule beyond ``limit`` rules in all, adds nothing."""
        if not isinstance(specs, list):
            raise RuleError("Expected a fault rule (a JSON object) or a list of them.")
        if limit is not None and len(specs) > limit:  # refused before checking each of them
            raise RuleError(too_many_rules(len(self._rules), len(specs), limit))
        rules = []
        for index, spec in enumerate(specs):  # checked outside the lock: requests wait on it
            try:
                rules.append(Rule(spec, ""))
            except RuleError as error:
                raise RuleError(f"Rule {index}: {error.message}" if numbered else error.message) from None
        with self._lock:
            if limit is not None and len(self._rules) + len(rules) > limit:
                raise RuleError(too_many_rules(len(self._rules), len(rules), limit))
            for rule in rules:
                rule.id = f"f{next(self._ids)}"
            self._rules.extend(rules)
            return rules

    def list(self, tenant: str | None = EVERY_TENANT) -> list[dict]:
        with self._lock:
            return [rule.to_json() for rule in self._rules if _in_scope(rule, tenant)]

    def remove(self, rule_id: str, tenant: str | None = EVERY_TENANT) -> bool:
        """Remove the rule ``rule_id`` if it is in the scope ``tenant``; whether it was."""
        with self._lock:
            before = len(self._rules)
            self._rules = [rule for rule in self._rules if rule.id != rule_id or not _in_scope(rule, tenant)]
            return len(self._rules) < before

    def clear(self, tenant: str | None = EVERY_TENANT) -> None:
        """Remove the rules in the scope ``tenant`` (by default, every rule)."""
        with self._lock:
            self._rules = [rule for rule in self._rules if not _in_scope(rule, tenant)]

    def decide(self, info: RequestInfo, url: str) -> Decision:
        decision = Decision()
        with self._lock:
            for rule in self._rules:
                if rule.fails and (decision.error or decision.drop):
                    continue  # decided: later failing rules neither fire nor count this match
                if not rule.matches_request(info) or not rule.triggers():
                    continue
                decision.fired.append(rule.id)
                decision.delay_ms += rule.delay_ms()
                if rule.effect.get("expireToken"):
                    decision.expire_tokens = True
                if rule.fails:
                    decision.rule_id = rule.id
                    if rule.effect.get("drop"):
                        decision.drop = True
                    else:
                        decision.error = rule.error(info, url)
                elif decision.rule_id is None:
                    decision.rule_id = rule.id
        return decision


def too_many_rules(held: int, adding: int, limit: int) -> str:
    return (
        f"Too many fault rules: this server holds {held} and keeps at most {limit} "
        f"(--max-fault-rules); {adding} more would not fit. Remove rules first "
        "(DELETE /_mock/faults, with ?tenant= for a tenant's rules, or POST /_mock/reset)."
    )


def _in_scope(rule: Rule, tenant: str | None) -> bool:
    """Whether the rule belongs to the scope ``tenant`` (see FaultSet); ``NO_TENANT`` is the
    tenant of a rule without one, since no rule's tenant is empty."""
    return tenant is EVERY_TENANT or rule.spec.get("tenant", "").lower() == tenant.lower()


def _methods(value) -> set[str]:
    return {m.upper() for m in ([value] if isinstance(value, str) else value)}


def _validate(spec: object) -> dict:
    """The rule as given, checked; a precise RuleError for the first problem."""
    if not isinstance(spec, dict):
        raise RuleError("A fault rule must be a JSON object.")
    unknown = [
        key for key in spec if key not in RULE_KEYS and key not in ("id", "hits", "matches", "expired")
    ]
    if unknown:
        raise RuleError(f"Unknown fault rule key '{unknown[0]}'. Known keys: {', '.join(RULE_KEYS)}.")
    spec = {key: value for key, value in spec.items() if key in RULE_KEYS and value is not None}
    _check_webhook(spec)
    for key in ("path", "tenant", "environment"):
        if key in spec and not isinstance(spec[key], str):
            raise RuleError(f"'{key}' must be a string (a glob).")
        if key in ("tenant", "environment") and spec.get(key) == "":
            raise RuleError(f"'{key}' must not be empty: no request has an empty {key}.")
    if "path" in spec:
        _check_path(spec["path"])
    method = spec.get("method")
    if method is not None and not (
        isinstance(method, str) or (isinstance(method, list) and all(isinstance(m, str) for m in method))
    ):
        raise RuleError("'method' must be a string or a list of strings.")
    for key in ("header", "headers"):
        value = spec.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise RuleError(f"'{key}' must be an object of header names to string values.")
        for name, text in value.items():
            _check_header(key, name, text)
    _check_effects(spec)
    _check_triggers(spec)
    size = len(json.dumps(spec, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    if size > MAX_RULE_BYTES:
        raise RuleError(
            f"A fault rule may hold at most {MAX_RULE_BYTES} bytes of JSON; this one holds {size}."
        )
    return spec


def _check_webhook(spec: dict) -> None:
    """``webhook`` names which of bc_mock's requests to subscribers a rule acts on; ``url`` (a glob
    of their URL) goes with it, and ``path`` (the API's) does not."""
    kind = spec.get("webhook")
    if kind is None:
        if "url" in spec:
            raise RuleError(
                "'url' matches webhook requests: give 'webhook' too (notification, handshake or *)."
            )
        return
    if kind not in WEBHOOK_KINDS:
        raise RuleError(f"'webhook' must be one of {', '.join(WEBHOOK_KINDS)}, not {kind!r}.")
    if "url" in spec and not isinstance(spec["url"], str):
        raise RuleError("'url' must be a string (a glob of the subscriber's URL).")
    if "path" in spec:
        raise RuleError("A webhook rule matches the subscriber's URL with 'url', not 'path'.")


def _check_header(key: str, name: str, value: str) -> None:
    """A header a rule adds to its answer (``headers``) or matches (``header``) must be one
    HTTP can carry: the server would fail on every matching request otherwise."""
    if not _TOKEN.fullmatch(name):
        raise RuleError(
            f"'{key}': {name!r} is not an HTTP header name: letters, digits and "
            "!#$%&'*+-.^_`|~ only, no spaces, colons or control characters."
        )
    for char in value:
        if char != "\t" and (char < " " or "\x7f" <= char <= "\x9f"):
            raise RuleError(
                f"'{key}': the value of '{name}' holds the control character {char!r}: a header "
                "value cannot hold CR, LF or other control characters."
            )
        if char > "\xff":
            raise RuleError(
                f"'{key}': the value of '{name}' holds {char!r}, which is not Latin-1: HTTP header "
                "values are Latin-1 text."
            )
    if key == "headers" and (name.lower() in FRAMING_HEADERS or name.lower().startswith("proxy-")):
        raise RuleError(
            f"'headers': a rule cannot set '{name}': the server frames each answer itself, and "
            "hop-by-hop headers (Connection, Keep-Alive, Transfer-Encoding, Content-Length, "
            "Upgrade, TE, Trailer, Proxy-*) concern the connection, not the answer."
        )


# a whole URL path of the BC API: one of its roots, then anything; or of the token service
_API_URL_PATH = re.compile(r"^/(v2\.0/[^/]+/([^/]+/)?)?api/v\d+\.\d+(/.*)?$")
_TOKEN_SERVICE_PATH = re.compile(
    r"^/[^/]+/(oauth2/v2\.0/token|v2\.0/\.well-known/openid-configuration|discovery/(v2\.0/)?keys)$"
)


def _check_path(path: str) -> None:
    """Refuse a path without ``*`` that no request can have: a rule that silently never fires
    is a test that silently proves nothing."""
    if not is_literal(path):
        return
    if path.startswith("/"):
        if not _API_URL_PATH.match(path) and not _TOKEN_SERVICE_PATH.match(path):
            raise RuleError(
                f"The path '{path}' never matches: a path starting with '/' is a whole URL path, which "
                "starts with an API root such as /api/v2.0 or /v2.0/{tenant}/{environment}/api/v2.0 "
                "(or is one of the token service's, such as /{tenant}/oauth2/v2.0/token)."
            )
        return
    known = _path_names()
    for segment in path.split("/"):
        name = segment.split("(", 1)[0]
        if name not in known:
            raise RuleError(
                f"The path '{path}' never matches: '{name}' is no entity set, navigation or segment of "
                "the API, and without a '*' the path must be a whole one, such as "
                f"companies(<id>)/customerPayments. To match wherever it occurs, use '*{path}*'."
            )


def _path_names() -> set[str]:
    """The names a segment of an API path can have: sets, navigations, and OData's own."""
    from bc_mock.entities import REGISTRY

    names = {"", "$metadata", "$batch", "$count"}
    for entity in REGISTRY.values():
        names.add(entity.name)
        names.update(nav.name for nav in entity.navigations)
    return names


def _preset(spec: dict) -> dict:
    """The effects of the rule's preset ({} without one)."""
    name = spec.get("preset")
    return {} if name is None else PRESETS.get(name, {})


def _check_effects(spec: dict) -> None:
    preset = spec.get("preset")
    if preset is not None and preset not in PRESETS:
        raise RuleError(f"Unknown preset '{preset}'. Known presets: {', '.join(PRESETS)}.")
    status = spec.get("status")
    if status is not None and (not _is_int(status) or not 400 <= status <= 599):
        raise RuleError("'status' must be an HTTP error status, 400 to 599.")
    error = spec.get("error")
    if error is not None and (
        not isinstance(error, dict)
        or set(error) - {"code", "message"}
        or not all(isinstance(v, str) for v in error.values())
    ):
        raise RuleError("'error' must be an object with string 'code' and 'message'.")
    if "drop" in spec and not isinstance(spec["drop"], bool):
        raise RuleError("'drop' must be true or false.")
    delay = spec.get("delayMs")
    if delay is not None and not _valid_delay(delay):
        raise RuleError("'delayMs' must be a number of milliseconds or [min, max] (0 to 600000).")
    failing = spec.get("drop") or "status" in spec or _preset(spec)
    if not failing and "delayMs" not in spec:
        raise RuleError("A fault rule needs an effect: 'status', 'preset', 'delayMs' or 'drop'.")


def _check_triggers(spec: dict) -> None:
    for key in ("times", "every"):
        if key in spec and (not _is_int(spec[key]) or spec[key] < 1):
            raise RuleError(f"'{key}' must be a whole number of at least 1.")
    if "after" in spec and (not _is_int(spec["after"]) or spec["after"] < 0):
        raise RuleError("'after' must be a whole number of at least 0.")
    probability = spec.get("probability")
    if probability is not None and (not _is_number(probability) or not 0 <= probability <= 1):
        raise RuleError("'probability' must be a number from 0 to 1.")
    if "seed" in spec and not (_is_int(spec["seed"]) or isinstance(spec["seed"], str)):
        raise RuleError("'seed' must be a whole number or a string.")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _valid_delay(delay) -> bool:
    if _is_number(delay):
        return 0 <= delay <= 600_000
    return (
        isinstance(delay, list)
        and len(delay) == 2
        and all(_is_number(d) for d in delay)
        and 0 <= delay[0] <= delay[1] <= 600_000
    )


def load_rules(path: str) -> list[dict]:
    """The rules of a ``--faults`` file: one rule, a list, or ``{"value": [...]}`` (as GET answers).

    Raises ValueError naming the file and the problem, so the command can refuse to start.
    """
    import json

    try:
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
    except (OSError, ValueError) as error:
        raise ValueError(f"cannot read fault rules from {path}: {error}") from None
    if isinstance(data, dict) and isinstance(data.get("value"), list):
        data = data["value"]
    specs = data if isinstance(data, list) else [data]
    try:
        FaultSet().add_many(specs)  # validate all before serving
    except RuleError as error:
        raise ValueError(f"{path}: {error.message}") from None
    return specs
