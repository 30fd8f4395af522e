"""Access tokens for BC as Microsoft Entra ID issues them, and BC's check of them.

A token is a JWT signed RS256 (PyJWT) with a key made at start, named by its ``kid``; the
JWKS (``/{tenant}/discovery/v2.0/keys``) publishes it with a self-signed certificate, as
Entra does. Its claims are those of an app-only v1.0 token for BC's API: BC's audience,
``iss`` ``https://sts.windows.net/{tid}/``, ``tid``, ``appid``, ``roles``, ``iat``, ``nbf``
(five minutes back, as Entra dates them) and ``exp``.

Every time is given by the caller, from bc_mock's clock (clock.py: the tenant's), so that a
test that moves the clock ages its tokens with it. BC's check allows no clock skew, so that a
token expires when its ``exp`` says (a short ``--token-lifetime`` expires on time).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import secrets
import uuid
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from jwt.algorithms import RSAAlgorithm

from bc_mock.auth import BC_RESOURCE  # BC's application ID URI: the audience

BACKDATE_S = 300  # Entra's iat and nbf lie five minutes before the token is issued
ALGORITHM = "RS256"
KEY_BITS = 2048


def issuers(tenant: str) -> tuple[str, str]:
    """The issuers of a tenant's tokens: v1.0 (what BC's tokens carry) and v2.0."""
    return f"https://sts.windows.net/{tenant}/", f"https://login.microsoftonline.com/{tenant}/v2.0"


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


class TokenRejected(Exception):
    """A token BC does not take; ``reason`` says why (bc_mock's words, for the developer)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class SigningKey:
    """The token service's RSA key, made at start, with the self-signed certificate the JWKS
    shows (``x5c``); ``kid`` and ``x5t`` are the certificate's SHA-1 thumbprint, as Entra's."""

    def __init__(self) -> None:
        self._private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
        self.public = self._private.public_key()
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bc_mock token signing")])
        issued = dt.datetime.now(dt.timezone.utc)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(issued - dt.timedelta(days=1))
            .not_valid_after(issued + dt.timedelta(days=365))
            .sign(self._private, hashes.SHA256())
        )
        self.certificate = certificate.public_bytes(serialization.Encoding.DER)
        self.kid = _b64url(certificate.fingerprint(hashes.SHA1()))  # Entra's kid: a thumbprint
        # a signature is checked once per token: BC's API sees the same token on many requests
        self._verified = functools.lru_cache(maxsize=512)(self._verify)

    def jwk(self, issuer: str) -> dict[str, Any]:
        """The key as the JWKS lists it (Entra's fields; no ``alg``, as Entra's keys have none)."""
        public = RSAAlgorithm.to_jwk(self.public, as_dict=True)
        return {
            "kty": "RSA",
            "use": "sig",
            "kid": self.kid,
            "x5t": self.kid,
            "n": public["n"],
            "e": public["e"],
            "x5c": [base64.b64encode(self.certificate).decode("ascii")],
            "issuer": issuer,
        }

    def sign(self, claims: dict[str, Any]) -> str:
        headers = {"typ": "JWT", "alg": ALGORITHM, "x5t": self.kid, "kid": self.kid}
        return jwt.encode(claims, self._private, algorithm=ALGORITHM, headers=headers, sort_headers=False)

    def verified_claims(self, token: str) -> dict[str, Any]:
        """The claims of a token this key signed (not yet checked for time, audience or tenant);
        TokenRejected for anything else. The answer is shared: do not change it."""
        result = self._verified(token)
        if isinstance(result, str):
            raise TokenRejected(result)
        return result

    def _verify(self, token: str) -> dict[str, Any] | str:
        """The token's claims if this key signed it, else the reason it is refused."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            return "The token is not a JWT."
        if header.get("alg") != ALGORITHM or header.get("kid") != self.kid:
            return (
                f"The token is not signed by this token service: its header names alg "
                f"{header.get('alg')!r} and kid {header.get('kid')!r}; the service signs {ALGORITHM} "
                f"with kid {self.kid!r} (its JWKS, /{{tenant}}/discovery/v2.0/keys)."
            )
        try:
            # time, audience and issuer are BC's checks (check below), against bc_mock's clock
            return jwt.decode(token, self.public, algorithms=[ALGORITHM], options={"verify_signature": True,
                "verify_exp": False, "verify_nbf": False, "verify_iat": False, "verify_aud": False,
                "verify_iss": False})  # fmt: skip
        except jwt.InvalidSignatureError:
            return "The token's signature is not valid."
        except jwt.PyJWTError as error:
            return f"The token cannot be read: {error}."


def claims_for(
    client_id: str,
    tenant: str,
    roles: tuple[str, ...],
    display_name: str | None,
    lifetime: int,
    moment: float,
    expired: bool = False,
) -> dict[str, Any]:
    """The claims Entra gives an app-only token for BC: valid for ``lifetime`` seconds at least
    (``exp`` is ``iat`` + 300 + ``lifetime`` + 1, as in Entra's tokens); ``expired``: issued
    already expired (as though ``lifetime`` and two seconds had passed since). ``moment``: the
    time of issue (bc_mock's clock, in seconds since the epoch)."""
    issued = int(moment) - lifetime - 2 if expired else int(moment)
    object_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"bc_mock:{tenant.lower()}:{client_id.lower()}"))
    issuer = issuers(tenant)[0]
    claims: dict[str, Any] = {
        "aud": BC_RESOURCE,
        "iss": issuer,
        "iat": issued - BACKDATE_S,
        "nbf": issued - BACKDATE_S,
        "exp": issued + lifetime + 1,
        "aio": _b64url(secrets.token_bytes(36)),
    }
    if display_name:
        claims["app_displayname"] = display_name
    claims.update(
        appid=client_id,
        appidacr="1",  # a client secret
        idp=issuer,
        idtyp="app",
        oid=object_id,
        rh=f"0.{_b64url(secrets.token_bytes(24))}.",
        roles=list(roles),
        sub=object_id,
        tid=tenant,
        uti=_b64url(secrets.token_bytes(16)),
        ver="1.0",
    )
    return claims


def check(key: SigningKey, token: str, tenant: str, moment: float) -> dict[str, Any]:
    """BC's check of a Bearer token for a request to ``tenant``'s API: this service's signature,
    time (no skew), BC's audience, the tenant's issuer and ``tid``. Returns the claims;
    TokenRejected, saying why, otherwise. (The application and its role are checked by the
    caller, against the registered applications.) ``moment``: bc_mock's clock, as for issuing."""
    claims = key.verified_claims(token)
    exp, nbf = claims.get("exp"), claims.get("nbf")
    if not isinstance(exp, (int, float)) or isinstance(exp, bool):
        raise TokenRejected("The token has no expiry (exp).")
    if moment >= exp:
        raise TokenRejected(f"The token expired at {_iso(exp)}; it is {_iso(moment)}.")
    if nbf is not None and (not _number(nbf) or moment < nbf):
        raise TokenRejected(f"The token is not valid before {_iso(nbf) if _number(nbf) else nbf!r}.")
    audience = claims.get("aud")
    if audience != BC_RESOURCE:
        raise TokenRejected(f"The token's audience is {audience!r}, not Business Central's ({BC_RESOURCE}).")
    tid = claims.get("tid")
    if not isinstance(tid, str) or tid.lower() != tenant.lower():
        raise TokenRejected(f"The token is for tenant {tid!r}, not for this URL's tenant {tenant!r}.")
    if not isinstance(claims.get("iss"), str) or claims["iss"].lower() not in [
        i.lower() for i in issuers(tid)
    ]:
        raise TokenRejected(
            f"The token's issuer {claims.get('iss')!r} is not its tenant's ({issuers(tid)[0]})."
        )
    return claims


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _iso(seconds: float) -> str:
    try:
        moment = dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return str(seconds)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")
