"""The container's health check: ``python -m bc_mock.healthcheck`` exits 0 when bc-mock answers
``/_mock/health`` on 127.0.0.1:$BC_MOCK_PORT (8080), over http or, with --tls, https.

The image has no curl. It asks over https first when BC_MOCK_TLS says so, else over http first,
and then the other way: ``--tls`` may come as an argument the check cannot see. Over https it
checks that the server answers, not its certificate (the server is this container's own).
"""

from __future__ import annotations

import os
import ssl
import sys
import urllib.request

from bc_mock.config import TRUE_WORDS


def healthy(port: str, scheme: str) -> bool:
    context = None
    if scheme == "https":  # the server is this container's: whether it answers, not who it is
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(f"{scheme}://127.0.0.1:{port}/_mock/health", timeout=2, context=context):
            return True
    except (OSError, ValueError):  # refused, reset, a TLS error, an error status
        return False


def main() -> int:
    port = os.environ.get("BC_MOCK_PORT", "8080").strip() or "8080"
    tls_first = os.environ.get("BC_MOCK_TLS", "").strip().lower() in TRUE_WORDS
    schemes = ("https", "http") if tls_first else ("http", "https")
    return 0 if any(healthy(port, scheme) for scheme in schemes) else 1


if __name__ == "__main__":
    sys.exit(main())
