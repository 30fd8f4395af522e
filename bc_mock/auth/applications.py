"""Registered applications: BC's "Microsoft Entra applications" page, per tenant.

An application is a client id with its secret (what Microsoft Entra ID knows of an app
registration), the tenant whose BC it is registered in, and the application roles its tokens
carry (``API.ReadWrite.All``, the permission BC's API needs). The same shape comes from
fixtures (an ``{"applications": [...]}`` document), from ``/_mock/applications`` and from
Python, checked alike: one message naming the field.

The token service knows every registered client id, whatever its tenant, as Entra knows a
multi-tenant app consented in every tenant: it issues a token for any tenant to a client with
the right secret. BC's API takes that token only in a tenant the client is registered in, with
the role. A reset puts the seed's applications back (one tenant's, with a tenant).
"""

from __future__ import annotations

import difflib
import re
import threading
from dataclasses import dataclass

from bc_mock.auth import API_ROLE  # the application permission BC's API needs
from bc_mock.tenants import is_tenant

DEFAULT_TENANT = "default"
MAX_APPLICATIONS = 10_000  # registered at once (a reset frees them)
MAX_SECRET = 1024
MAX_ROLES = 50
MAX_TEXT = 256
KEYS = ("clientId", "clientSecret", "tenant", "roles", "displayName")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class ApplicationError(ValueError):
    """An application that cannot be registered; the message names the field."""


@dataclass(frozen=True)
class Application:
    client_id: str  # a GUID, lower-case
    client_secret: str
    tenant: str
    roles: tuple[str, ...] = (API_ROLE,)
    display_name: str | None = None

    def to_json(self) -> dict:
        shown = {
            "clientId": self.client_id,
            "clientSecret": self.client_secret,
            "tenant": self.tenant,
            "roles": list(self.roles),
        }
        if self.display_name is not None:
            shown["displayName"] = self.display_name
        return shown


def parse(value: object, default_tenant: str = DEFAULT_TENANT) -> Application:
    """An application from its JSON (``clientId``, ``clientSecret``, ``tenant``, ``roles``,
    ``displayName``); ApplicationError, naming the field, for anything else."""
    if not isinstance(value, dict):
        raise ApplicationError("an application is a JSON object with clientId and clientSecret")
    unknown = [key for key in value if key not in KEYS]
    if unknown:
        close = difflib.get_close_matches(unknown[0], KEYS, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise ApplicationError(f"field '{unknown[0]}': unknown field{hint}; the fields are {', '.join(KEYS)}")
    client_id = value.get("clientId")
    if not isinstance(client_id, str) or not _GUID.fullmatch(client_id):
        raise ApplicationError(
            "field 'clientId': required, the application (client) id: a GUID such as "
            "a9900001-0000-4000-8000-000000000001"
        )
    secret = value.get("clientSecret")
    if not isinstance(secret, str) or not _text(secret, MAX_SECRET):
        raise ApplicationError(
            f"field 'clientSecret': required, a text of 1 to {MAX_SECRET} characters without control "
            "characters"
        )
    tenant = value.get("tenant", default_tenant)
    if not isinstance(tenant, str) or not is_tenant(tenant):
        raise ApplicationError(
            "field 'tenant': a tenant as BC's URLs name it: a GUID, a domain name, or 'default' "
            f"(the on-premises roots /api/v2.0); not {tenant!r}"
        )
    roles = value.get("roles", [API_ROLE])
    if (
        not isinstance(roles, list)
        or len(roles) > MAX_ROLES
        or not all(_text(role, MAX_TEXT) and role.strip() == role for role in roles)
    ):
        raise ApplicationError(
            f"field 'roles': a list of at most {MAX_ROLES} application role names, such as "
            f'["{API_ROLE}"] (the permission BC\'s API needs); [] for none'
        )
    name = value.get("displayName")
    if name is not None and not _text(name, MAX_TEXT):
        raise ApplicationError(f"field 'displayName': a text of 1 to {MAX_TEXT} characters")
    return Application(client_id.lower(), secret, tenant, tuple(dict.fromkeys(roles)), name)


def _text(value: object, limit: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= limit and not _CONTROL.search(value)


def _key(tenant: str, client_id: str) -> tuple[str, str]:
    return tenant.lower(), client_id.lower()


class Applications:
    """The registered applications; thread-safe. ``seed`` is what a reset puts back."""

    def __init__(self, seed: tuple[Application, ...] | list[Application] = ()):
        self._seed = tuple(seed)
        self._lock = threading.Lock()
        self._apps: dict[tuple[str, str], Application] = {}
        self.reset()

    def __len__(self) -> int:
        return len(self._apps)

    def add(self, application: Application) -> Application:
        """Register one; ApplicationError if its client id is registered in its tenant already."""
        with self._lock:
            key = _key(application.tenant, application.client_id)
            if key in self._apps:
                raise ApplicationError(
                    f"the application {application.client_id} is registered in tenant "
                    f"'{application.tenant}' already: remove it first (DELETE /_mock/applications/"
                    f"{application.client_id}?tenant={application.tenant})"
                )
            if len(self._apps) >= MAX_APPLICATIONS:
                raise ApplicationError(
                    f"bc_mock registers at most {MAX_APPLICATIONS} applications at once: remove some "
                    "(DELETE /_mock/applications/{clientId}, or POST /_mock/reset)"
                )
            self._apps[key] = application
            return application

    def remove(self, client_id: str, tenant: str | None = None) -> int:
        """Unregister ``client_id`` (in ``tenant`` only, if given); how many registrations went."""
        with self._lock:
            gone = [
                key
                for key, app in self._apps.items()
                if key[1] == client_id.lower() and (tenant is None or key[0] == tenant.lower())
            ]
            for key in gone:
                del self._apps[key]
            return len(gone)

    def find(self, tenant: str, client_id: str) -> Application | None:
        """The application ``client_id`` as registered in ``tenant`` (BC's check)."""
        return self._apps.get(_key(tenant, client_id))

    def anywhere(self, client_id: str) -> list[Application]:
        """Every registration of ``client_id``, whatever the tenant (what Entra knows of it)."""
        with self._lock:
            return [app for key, app in self._apps.items() if key[1] == client_id.lower()]

    def list(self, tenant: str | None = None) -> list[Application]:
        with self._lock:
            return [
                app for app in self._apps.values() if tenant is None or app.tenant.lower() == tenant.lower()
            ]

    def reset(self, tenant: str | None = None) -> None:
        """Back to the seed's applications: every tenant's, or ``tenant``'s only."""
        with self._lock:
            if tenant is None:
                self._apps = {}
            else:
                self._apps = {key: app for key, app in self._apps.items() if key[0] != tenant.lower()}
            for app in self._seed:
                if tenant is None or app.tenant.lower() == tenant.lower():
                    self._apps[_key(app.tenant, app.client_id)] = app
