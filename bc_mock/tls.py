"""TLS for ``bc-mock --tls``: the certificate it serves, and the CA clients trust.

By default a certificate is made at start with trustme: a CA of this run's own, and a
certificate from it that names ``127.0.0.1``, ``::1``, ``localhost``, the ``--host`` (when it
names one address) and the ``--tls-hostnames``. The CA's certificate is what a client trusts:
written to ``--tls-ca-out``, kept by ``MockServer`` (``ca_path``) and served at
``/_mock/ca.pem``; the keys live in memory only, for this run. With ``--tls-cert`` and
``--tls-key`` the given certificate is served instead, and its CA is the user's business.

Only the context is made here; ``serving`` serves it (waitress has no TLS of its own).
"""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass
from pathlib import Path

from bc_mock.config import Settings

# what the generated certificate always names: a client on this machine reaches it by these
LOCAL_NAMES = ("127.0.0.1", "::1", "localhost")
# --host values that name no one address: the certificate cannot name them
WILDCARD_HOSTS = ("", "0.0.0.0", "::", "*")


class TlsError(ValueError):
    """A certificate, key or CA file bc-mock cannot use; the message names the option."""


@dataclass(frozen=True)
class Tls:
    """What a TLS server needs: its context, and the CA certificate clients trust (PEM), which
    is None when the certificate was given with --tls-cert (its CA is not bc_mock's)."""

    context: ssl.SSLContext
    ca_pem: bytes | None
    names: tuple[str, ...]  # the names the generated certificate holds (none when given)


def certificate_names(settings: Settings) -> tuple[str, ...]:
    """The names the generated certificate holds, each once, local ones first."""
    names = list(LOCAL_NAMES)
    host = settings.host.strip().lower()
    if host not in WILDCARD_HOSTS:
        names.append(host)
    names.extend(settings.tls_hostnames)
    return tuple(dict.fromkeys(names))


def prepare(settings: Settings) -> Tls | None:
    """The TLS a server of these settings serves (None without ``--tls``); the generated CA
    written to ``--tls-ca-out``. TlsError, naming the option, for a file it cannot use."""
    if not settings.tls:
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.options |= ssl.OP_NO_RENEGOTIATION  # a client cannot make the server work for it
    context.set_alpn_protocols(["http/1.1"])
    if settings.tls_cert:
        try:
            context.load_cert_chain(settings.tls_cert, settings.tls_key)
        except (OSError, ssl.SSLError) as error:
            files = settings.tls_cert + (f" and {settings.tls_key}" if settings.tls_key else "")
            raise TlsError(f"--tls-cert/--tls-key: cannot use {files}: {error}") from None
        return Tls(context, None, ())
    import trustme  # only for --tls: the CA and the certificate, made by a library

    names = certificate_names(settings)
    ca = trustme.CA(organization_name="bc_mock", organization_unit_name="bc-mock --tls (this run only)")
    ca.issue_cert(*names, common_name=names[-1] if settings.tls_hostnames else "localhost").configure_cert(
        context
    )
    pem = ca.cert_pem.bytes()
    if settings.tls_ca_out:
        write_ca(settings.tls_ca_out, pem)
    return Tls(context, pem, names)


def write_ca(path: str, pem: bytes) -> None:
    """Write the CA certificate whole or not at all (a client waiting for the file never reads
    half of it), readable by anyone: a certificate is no secret."""
    target = Path(path)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        partial.write_bytes(pem)
        partial.chmod(0o644)
        os.replace(partial, target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise TlsError(f"--tls-ca-out: cannot write the CA certificate to {path}: {error}") from None
