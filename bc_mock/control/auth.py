"""/_mock endpoints of authentication: registered applications, tokens made to order, the CA.

* ``GET /_mock/applications`` (``?tenant=`` for one tenant's): ``{"value": [application]}``;
  ``POST`` one (``clientId``, ``clientSecret``, ``tenant``, ``roles``, ``displayName``): 201;
  ``DELETE /_mock/applications/{clientId}`` (``?tenant=`` for one tenant's registration): 204.
* ``POST /_mock/tokens`` (``--auth entra``): a token of the token service with claims of the
  test's choosing (``{"tenant", "clientId", "claims"}``; a claim set to null is left out), so
  that a test can send BC what no client gets from Entra: another audience, a future ``nbf``.
* ``GET /_mock/ca.pem`` (``--tls``): the CA certificate of the generated certificate.
"""

from __future__ import annotations

import json

from flask import Response, current_app, request

from bc_mock import errors
from bc_mock.auth import applications as apps
from bc_mock.control import _json, _tenant, bp
from bc_mock.tenants import is_tenant


def _state():
    return current_app.extensions["bc_mock"]


def _body() -> object:
    try:
        return json.loads(request.get_data() or b"null")
    except ValueError:
        raise errors.invalid_body() from None


@bp.get("/applications")
def list_applications() -> Response:
    return _json({"value": [app.to_json() for app in _state().applications.list(_tenant())]})


@bp.post("/applications")
def add_application() -> Response:
    try:
        application = _state().applications.add(apps.parse(_body()))
    except apps.ApplicationError as error:
        raise errors.bad_request(f"The application cannot be registered: {error}.") from None
    return _json(application.to_json(), 201)


@bp.delete("/applications/<client_id>")
def remove_application(client_id: str) -> Response:
    tenant = _tenant()
    if not _state().applications.remove(client_id, tenant):
        where = f" in tenant '{tenant}'" if tenant else ""
        raise errors.BcError(
            404, "BadRequest_NotFound", f"There is no application with client id '{client_id}'{where}."
        )
    return Response(status=204)


@bp.post("/tokens")
def make_token() -> Response:
    state = _state()
    if state.entra is None:
        raise errors.bad_request("Tokens are issued with --auth entra only: this server runs without it.")
    body = _body()
    if not isinstance(body, dict) or set(body) - {"tenant", "clientId", "claims"}:
        raise errors.bad_request(
            'Expected {"tenant": ..., "clientId": ..., "claims": {...}}, each optional: a token of the '
            "tenant's application (its first, by default) with these claims changed (null: left out)."
        )
    tenant = body.get("tenant", "default")
    if not isinstance(tenant, str) or not is_tenant(tenant):
        raise errors.bad_request(f"'tenant' must be a tenant name, not {tenant!r}.")
    claims = body.get("claims", {})
    if not isinstance(claims, dict):
        raise errors.bad_request("'claims' must be an object of claims (a null value leaves a claim out).")
    client_id = body.get("clientId")
    registered = state.applications.list(tenant)
    if client_id is None:
        if not registered:
            raise errors.bad_request(f"No application is registered in tenant '{tenant}': name a clientId.")
        application = registered[0]
    elif isinstance(client_id, str):
        found = [app for app in registered if app.client_id == client_id.lower()]
        application = found[0] if found else apps.Application(client_id, "", tenant)  # one BC does not know
    else:
        raise errors.bad_request("'clientId' must be a string.")
    from bc_mock.auth import tokens  # PyJWT: loaded with --auth entra already

    made = tokens.claims_for(
        application.client_id,
        tenant,
        application.roles,
        application.display_name,
        state.entra.lifetime,
        state.entra.now(tenant),
    )
    for name, value in claims.items():
        if value is None:
            made.pop(name, None)
        else:
            made[name] = value
    try:
        signed = state.entra.key.sign(made)
    except (TypeError, ValueError) as error:  # a claim PyJWT cannot write (a time that is no number)
        raise errors.bad_request(f"The claims cannot make a token: {error}") from None
    return _json(
        {
            "access_token": signed,
            "token_type": "Bearer",
            "claims": made,
        },
        201,
    )


@bp.get("/ca.pem")
def ca_certificate() -> Response:
    pem = _state().ca_pem
    if pem is None:
        raise errors.BcError(
            404,
            "BadRequest_NotFound",
            "This server has no CA certificate of its own: it serves plain http, or the certificate "
            "given with --tls-cert.",
        )
    return Response(pem, content_type="application/x-pem-file")
