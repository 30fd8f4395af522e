"""A Microsoft Entra ID token service, as BC Online's clients use it (``--auth entra``).

Per tenant, at the server's root (the tenant as BC's API URLs name it; ``default`` for the
on-premises roots):

* ``GET /{tenant}/v2.0/.well-known/openid-configuration``: discovery, as MSAL reads it;
* ``GET /{tenant}/discovery/v2.0/keys`` (and ``/discovery/keys``): the JWKS;
* ``POST /{tenant}/oauth2/v2.0/token``: the client credentials grant, with the client secret
  in the form or as HTTP Basic, and the scope ``https://api.businesscentral.dynamics.com/.default``.

Errors are Entra's JSON (``error``, ``error_description`` with its AADSTS code and trace lines,
``error_codes``, ...), with Entra's statuses: 401 for a client's wrong or missing secret, 400
for the rest. ``EntraService.authorize`` is BC's side: the check of a BC API request's Bearer
token, answered with BC's 401.

Where bc_mock differs: every tenant name BC's URLs take exists (Entra answers AADSTS90002 for
an unknown tenant: here only for a name that is no tenant name); a registered client is known
in every tenant, as a multi-tenant app consented everywhere (see ``applications``); only BC's
resource is known (a Microsoft Graph scope is ``invalid_resource``); certificate credentials
(``client_assertion``) are refused.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
import uuid
from typing import Any
from urllib.parse import unquote_plus

from flask import Blueprint, Response, current_app, request

from bc_mock import errors
from bc_mock.auth import API_ROLE, BC_RESOURCE, BC_SCOPE, tokens
from bc_mock.auth.applications import Application, Applications
from bc_mock.clock import Clocks
from bc_mock.config import Settings
from bc_mock.hooks import ENTRA_BLUEPRINT as BLUEPRINT
from bc_mock.tenants import is_tenant
from bc_mock.wsgi_request import request_proxy

DEFAULT_SUFFIX = "/.default"
# a client's request id, echoed as Entra's correlation_id when it is a GUID
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_AADSTS = re.compile(r"^AADSTS(\d+): ")

bp = Blueprint(BLUEPRINT, __name__)


class EntraService:
    """The token service's state: its signing key, token lifetime and the registered applications."""

    def __init__(self, settings: Settings, applications: Applications, clocks: Clocks):
        self.key = tokens.SigningKey()
        self.lifetime = settings.token_lifetime
        self.applications = applications
        self.clocks = clocks  # token times are bc_mock's clock's, the tenant's

    def now(self, tenant: str | None) -> float:
        return self.clocks.now(tenant).timestamp()

    def issue(self, application: Application, tenant: str, expired: bool = False) -> tuple[str, int]:
        """A token for ``application`` in ``tenant``, and its seconds to live (0 when expired)."""
        claims = tokens.claims_for(
            application.client_id,
            tenant,
            application.roles,
            application.display_name,
            self.lifetime,
            self.now(tenant),
            expired,
        )
        return self.key.sign(claims), 0 if expired else self.lifetime

    def authorize(self, authorization: str | None, tenant: str, root: str) -> None:
        """BC's check of an API request to ``tenant``: a Bearer token of this service, in time,
        for BC and this tenant, of an application registered here with the API's role. Raises
        BC's 401, its ``WWW-Authenticate`` saying why (for the developer; BC's body does not)."""
        if not authorization or not authorization.strip():
            raise errors.unauthorized(errors.bearer_challenge(root, tenant))
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            reason = "BC Online takes a Bearer token of Microsoft Entra ID: Authorization: Bearer <token>."
            raise errors.unauthorized(errors.bearer_challenge(root, tenant, reason))
        try:
            claims = tokens.check(self.key, token.strip(), tenant, self.now(tenant))
        except tokens.TokenRejected as rejected:
            raise errors.unauthorized(errors.bearer_challenge(root, tenant, rejected.reason)) from None
        client_id = claims.get("appid") or claims.get("azp")
        if not isinstance(client_id, str) or self.applications.find(tenant, client_id) is None:
            reason = (
                f"The application {client_id!r} is not registered in tenant {tenant!r} (BC's Microsoft "
                "Entra applications page; bc_mock's /_mock/applications)."
            )
            raise errors.unauthorized(errors.bearer_challenge(root, tenant, reason))
        roles = claims.get("roles")
        if not isinstance(roles, list) or API_ROLE not in roles:
            reason = (
                f"The token's roles ({roles!r}) do not include {API_ROLE}, the permission BC's API needs."
            )
            raise errors.unauthorized(errors.bearer_challenge(root, tenant, reason))


def _service() -> EntraService:
    return current_app.extensions["bc_mock"].entra


# --- Entra's answers -----------------------------------------------------------------------------


def _answer(
    payload: dict, status: int = 200, headers: dict | None = None, cache: str | None = None
) -> Response:
    response = Response(
        json.dumps(payload, separators=(",", ":")), status, content_type="application/json; charset=utf-8"
    )
    response.headers["Cache-Control"] = cache or "no-store, no-cache"
    if cache is None:
        response.headers["Pragma"] = "no-cache"
    response.headers["x-ms-request-id"] = str(uuid.uuid4())
    response.headers.update(headers or {})
    return response


class EntraError(Exception):
    """An error answered in Entra's format: status, OAuth error, AADSTS number and text."""

    def __init__(self, status: int, error: str, code: int | None, text: str, headers: dict | None = None):
        super().__init__(text)
        self.status, self.error, self.code, self.text = status, error, code, text
        self.headers = headers or {}

    def response(self) -> Response:
        tenant = (request.view_args or {}).get("tenant")
        moment = dt.datetime.fromtimestamp(_service().now(tenant), dt.timezone.utc).strftime(
            "%Y-%m-%d %H:%M:%SZ"
        )
        trace = str(uuid.uuid4())
        client_request = request.headers.get("client-request-id", "")
        correlation = client_request if _GUID.fullmatch(client_request) else str(uuid.uuid4())
        description = f"AADSTS{self.code}: {self.text}" if self.code is not None else self.text
        payload = {
            "error": self.error,
            "error_description": f"{description}\r\nTrace ID: {trace}\r\nCorrelation ID: {correlation}"
            f"\r\nTimestamp: {moment}",
            "error_codes": [self.code] if self.code is not None else [],
            "timestamp": moment,
            "trace_id": trace,
            "correlation_id": correlation,
        }
        if self.code is not None:
            payload["error_uri"] = f"https://login.microsoftonline.com/error?code={self.code}"
        return _answer(payload, self.status, self.headers)


def render_fault(error: errors.BcError) -> Response:
    """A fault rule's error on a token service request, in Entra's format: its code is the OAuth
    error, its message the description (an ``AADSTS<n>: `` prefix gives the error code)."""
    match = _AADSTS.match(error.message)
    code = int(match.group(1)) if match else None
    text = error.message[match.end() :] if match else error.message
    return EntraError(error.status, error.code, code, text, error.headers).response()


def _missing(name: str) -> EntraError:
    return EntraError(
        400, "invalid_request", 900144, f"The request body must contain the following parameter: '{name}'."
    )


def _no_tenant(tenant: str) -> EntraError:
    shown = tenant if len(tenant) <= 100 else tenant[:100] + "..."
    return EntraError(
        400,
        "invalid_tenant",
        90002,
        f"Tenant '{shown}' not found. Check to make sure you have the correct tenant ID and are signing "
        "into the correct cloud. Check with your subscription administrator, this may happen if there "
        "are no active subscriptions for the tenant.",
    )


@bp.errorhandler(EntraError)
def _render_entra_error(error: EntraError) -> Response:
    return error.response()


# --- discovery and keys ---------------------------------------------------------------------------


def _root() -> str:
    return request.host_url.rstrip("/")


@bp.get("/<tenant>/v2.0/.well-known/openid-configuration")
def openid_configuration(tenant: str) -> Response:
    if not is_tenant(tenant):
        raise _no_tenant(tenant)
    authority = f"{_root()}/{tenant}"
    document = {
        "token_endpoint": f"{authority}/oauth2/v2.0/token",
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "jwks_uri": f"{authority}/discovery/v2.0/keys",
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": f"{authority}/v2.0",
        "request_uri_parameter_supported": False,
        "authorization_endpoint": f"{authority}/oauth2/v2.0/authorize",
        "device_authorization_endpoint": f"{authority}/oauth2/v2.0/devicecode",
        "http_logout_supported": True,
        "frontchannel_logout_supported": True,
        "end_session_endpoint": f"{authority}/oauth2/v2.0/logout",
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "tid", "ver"],
        "tenant_region_scope": "WW",
        "cloud_instance_name": "microsoftonline.com",
    }
    # as Entra's: a day in caches, and readable from any page
    headers = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, OPTIONS"}
    return _answer(document, headers=headers, cache="max-age=86400, private")


@bp.get("/<tenant>/discovery/v2.0/keys")
@bp.get("/<tenant>/discovery/keys")
def keys(tenant: str) -> Response:
    if not is_tenant(tenant):
        raise _no_tenant(tenant)
    jwk = _service().key.jwk(f"{_root()}/{{tenantid}}/v2.0")  # Entra's keys name the issuer so
    return _answer(
        {"keys": [jwk]}, headers={"Access-Control-Allow-Origin": "*"}, cache="max-age=86400, private"
    )


# --- the token endpoint ---------------------------------------------------------------------------


@bp.route("/<tenant>/oauth2/v2.0/token", methods=["GET", "POST"])
def token(tenant: str) -> Response:
    if request.method != "POST":
        raise EntraError(
            400,
            "invalid_request",
            900561,
            f"The endpoint only accepts POST, OPTIONS requests. Received a {request.method} request.",
        )
    if not is_tenant(tenant):
        raise _no_tenant(tenant)
    form = request.form
    grant_type = form.get("grant_type")
    if not grant_type:
        raise _missing("grant_type")
    if grant_type != "client_credentials":
        raise EntraError(
            400,
            "unsupported_grant_type",
            70003,
            f"The app requested an unsupported grant type '{grant_type}'.",
        )
    client_id, secret = _client_credentials(form)
    if not client_id:
        raise _missing("client_id")
    service = _service()
    known = service.applications.anywhere(client_id) if _GUID.fullmatch(client_id) else []
    if not known:
        raise EntraError(
            400,
            "unauthorized_client",
            700016,
            f"Application with identifier '{client_id}' was not found in the directory '{tenant}'. This can "
            "happen if the application has not been installed by the administrator of the tenant or "
            "consented to by any user in the tenant. You may have sent your authentication request to the "
            "wrong tenant.",
        )
    if form.get("client_assertion"):
        raise EntraError(
            401,
            "invalid_client",
            700027,
            "Client assertion failed signature validation. (bc_mock's token service takes client secrets "
            "only, not certificates.)",
        )
    if not secret:
        raise EntraError(
            401,
            "invalid_client",
            7000216,
            "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' "
            "grant type.",
        )
    own = service.applications.find(tenant, client_id)
    candidates = [own] if own is not None else known
    application = next((app for app in candidates if app.client_secret == secret), None)
    if application is None:
        raise EntraError(
            401,
            "invalid_client",
            7000215,
            "Invalid client secret provided. Ensure the secret being sent in the request is the client "
            f"secret value, not the client secret ID, for a secret added to app '{client_id}'.",
        )
    _check_scope(form.get("scope"), tenant)
    decision = getattr(request_proxy._get_current_object(), "bc_mock_decision", None)
    expired = decision is not None and decision.expire_tokens  # the token-expired fault preset
    access_token, expires_in = service.issue(application, tenant, expired)
    # no Retry-After on a success: MSAL would serve the same answer again from its cache for that long
    return _answer(
        {
            "token_type": "Bearer",
            "expires_in": expires_in,
            "ext_expires_in": expires_in,
            "access_token": access_token,
        }
    )


def _client_credentials(form: Any) -> tuple[str | None, str | None]:
    """client_id and client_secret from the form, else from HTTP Basic (form-encoded, RFC 6749)."""
    client_id, secret = form.get("client_id"), form.get("client_secret")
    scheme, _, encoded = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() == "basic" and encoded:
        try:
            user, _, password = (
                base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
            )
        except (binascii.Error, UnicodeDecodeError):
            user = password = ""
        client_id = client_id or unquote_plus(user) or None
        secret = secret or unquote_plus(password) or None
    return client_id, secret


def _check_scope(scope: str | None, tenant: str) -> None:
    if not scope or not scope.strip():
        raise _missing("scope")
    scopes = scope.split()
    if not all(item.endswith(DEFAULT_SUFFIX) for item in scopes):
        raise EntraError(
            400,
            "invalid_scope",
            1002012,
            f"The provided value for scope {scope} is not valid. Client credential flows must have a scope "
            "value with /.default suffixed to the resource identifier (application ID URI).",
        )
    if len(scopes) > 1:
        raise EntraError(
            400,
            "invalid_scope",
            70011,
            f"The provided value for the input parameter 'scope' is not valid. The scope {scope} is not "
            "valid.",
        )
    resource = scopes[0][: -len(DEFAULT_SUFFIX)]
    if resource.lower() != BC_RESOURCE:
        raise EntraError(
            400,
            "invalid_resource",
            500011,
            f"The resource principal named {resource} was not found in the tenant named {tenant}. This can "
            "happen if the application has not been installed by the administrator of the tenant or "
            "consented to by any user in the tenant. You might have sent your authentication request to the "
            "wrong tenant. (bc_mock's token service knows Business Central's API only: "
            f"{BC_SCOPE}.)",
        )
