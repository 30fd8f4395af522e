"""Authentication as BC Online's: a Microsoft Entra ID token service and registered applications.

``bc_mock.auth.app(mock)`` gives what a client needs to authenticate against a ``MockServer``
started with ``auth="entra"`` (``bc-mock --auth entra``): a registered application's client id
and secret, its tenant, the authority URL and scope for MSAL, and the CA to trust over https::

    app = bc_mock.auth.app(mock)
    client = msal.ConfidentialClientApplication(
        app.client_id, client_credential=app.client_secret, authority=app.authority,
        instance_discovery=False, verify=app.ca_path,
    )
    token = client.acquire_token_for_client(scopes=app.scopes)["access_token"]

The modules: ``applications`` (the registry), ``tokens`` (issuing and checking JWTs),
``entra`` (the token service's endpoints and BC's check). This one loads neither PyJWT nor
cryptography.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # (urllib and ssl load when a token is asked for: every request imports this)
    import ssl

    from bc_mock.server import MockServer

BC_RESOURCE = "https://api.businesscentral.dynamics.com"
BC_SCOPE = f"{BC_RESOURCE}/.default"  # the one scope of a client credentials token for BC
API_ROLE = "API.ReadWrite.All"

__all__ = ["API_ROLE", "BC_RESOURCE", "BC_SCOPE", "App", "app"]


@dataclass(frozen=True)
class App:
    """A registered application of a running bc_mock, and where it gets its tokens."""

    client_id: str
    client_secret: str
    tenant: str  # as BC's URLs name it: "default" for the on-premises roots /api/v2.0
    roles: tuple[str, ...]
    url: str  # the server's root, http(s)://host:port
    ca_path: str | None = None  # the CA certificate to trust over https (None: the system's)

    @property
    def authority(self) -> str:
        """MSAL's ``authority``: the token service of the tenant."""
        return f"{self.url}/{self.tenant}"

    @property
    def token_url(self) -> str:
        return f"{self.authority}/oauth2/v2.0/token"

    @property
    def scope(self) -> str:
        return BC_SCOPE

    @property
    def scopes(self) -> list[str]:
        """MSAL's ``scopes``: ``["https://api.businesscentral.dynamics.com/.default"]``."""
        return [BC_SCOPE]

    def token(self) -> str:
        """A token from the token service, by the client credentials grant, as a client gets one."""
        import urllib.parse

        form = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "scope": BC_SCOPE,
        }
        return str(self._post(self.token_url, urllib.parse.urlencode(form).encode(), "form")["access_token"])

    def token_with(self, **claims: Any) -> str:
        """A token of this application with ``claims`` changed (None leaves a claim out), made by
        ``POST /_mock/tokens``: what no client gets from Entra (another audience, a future nbf)."""
        body = {"tenant": self.tenant, "clientId": self.client_id, "claims": claims}
        return str(self._post(f"{self.url}/_mock/tokens", json.dumps(body).encode(), "json")["access_token"])

    def _post(self, url: str, data: bytes, kind: str) -> dict:
        import urllib.error
        import urllib.request

        from bc_mock.exceptions import ControlError

        content_type = "application/json" if kind == "json" else "application/x-www-form-urlencoded"
        call = urllib.request.Request(url, data=data, method="POST", headers={"Content-Type": content_type})
        try:
            with urllib.request.urlopen(call, timeout=30, context=_context(url, self.ca_path)) as response:
                return dict(json.loads(response.read()))
        except urllib.error.HTTPError as error:
            raise ControlError(
                f"{url} answered {error.code}: {error.read().decode('utf-8', 'replace')}"
            ) from None


def _context(url: str, ca_path: str | None) -> ssl.SSLContext | None:
    """What urllib trusts for ``url``: the given CA, else the system's (None for http)."""
    import ssl

    if not url.startswith("https:"):
        return None
    return ssl.create_default_context(cafile=ca_path) if ca_path else ssl.create_default_context()


def app(server: MockServer, tenant: str | None = None) -> App:
    """The registered application of ``server``'s tenant (``tenant``, else the mock's own, else
    ``default``), for a client to authenticate with: the seed's, or one registered now if the
    tenant has none with BC's role (a mock on a tenant of its own; a reset removes it).

    The server must run with ``--auth entra`` (``MockServer(auth="entra")``): ControlError if not.
    """
    return server.auth_app(tenant)
