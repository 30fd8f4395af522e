"""bc_mock's own HTTP requests to a subscriber: handshakes and notifications.

One POST, bounded in time as a whole (connecting, sending and reading the answer share one
deadline: BC gives a handshake 5 seconds and a notification 30) and in bytes (an answer's body
is read up to ``MAX_ANSWER_BYTES``; a notification's is not read at all, as BC ignores it).
Redirects are not followed. Proxies from the environment are not used: subscribers under test
run beside bc_mock, and a CI machine's HTTP_PROXY must not send their notifications elsewhere.
"""

from __future__ import annotations

import http.client
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_ANSWER_BYTES = 64 * 1024


@dataclass(frozen=True)
class Reply:
    """What came back: the status (None if no answer came), the body's first bytes, or why not."""

    status: int | None
    body: bytes = b""
    error: str | None = None
    elapsed_ms: float = 0.0


def check_url(url: str) -> str | None:
    """Why bc_mock cannot POST to ``url`` (None if it can): an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        return f"it is not a valid URL ({error})"
    if parts.scheme.lower() not in ("http", "https"):
        return "it is not an absolute http:// or https:// URL"
    if not parts.hostname:
        return "it names no host"
    if port == 0:
        return "it names port 0"
    if any(char.isspace() or ord(char) < 32 for char in url):
        return "it holds spaces or control characters"
    return None


def post(url: str, body: bytes, headers: dict[str, str], timeout: float, read_body: bool = True) -> Reply:
    """POST ``body`` to ``url``: the answer within ``timeout`` seconds, else why none came."""
    started = time.monotonic()
    deadline = started + timeout
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection: http.client.HTTPConnection
    if parts.scheme.lower() == "https":
        context = ssl.create_default_context()
        connection = http.client.HTTPSConnection(
            parts.hostname or "", parts.port, timeout=timeout, context=context
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)

    def elapsed() -> float:
        return round((time.monotonic() - started) * 1000, 1)

    try:
        # only the headers BC sends (http.client would add Accept-Encoding: identity)
        connection.putrequest("POST", target, skip_accept_encoding=True)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            connection.putheader(name, value)
        connection.endheaders(body)
        _limit(connection, deadline)
        response = connection.getresponse()
        chunks: list[bytes] = []
        size = 0
        while read_body and size < MAX_ANSWER_BYTES:
            _limit(connection, deadline)
            chunk = response.read1(MAX_ANSWER_BYTES - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return Reply(response.status, b"".join(chunks), None, elapsed())
    except TimeoutError:
        return Reply(None, b"", f"no answer within {timeout:g} s", elapsed())
    except ConnectionRefusedError:
        return Reply(None, b"", "connection refused", elapsed())
    except (OSError, http.client.HTTPException) as error:
        return Reply(
            None, b"", f"{type(error).__name__}: {error}" if str(error) else type(error).__name__, elapsed()
        )
    finally:
        connection.close()


def _limit(connection: http.client.HTTPConnection, deadline: float) -> None:
    """Let the next socket operation wait only until the deadline (TimeoutError once it passed)."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    if connection.sock is not None:
        connection.sock.settimeout(remaining)
