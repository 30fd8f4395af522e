"""Serving the app with waitress: the one module that knows waitress's insides.

Both the ``bc-mock`` command and MockServer serve through ``create_server``, which adds to a
plain waitress server what a shared mock needs so that no single client can stall the others:

* **Delays that hold no worker thread.** A fault rule's ``delayMs`` is decided when the request
  has arrived whole, before it is handed to a worker thread (``_admit``); the request then waits
  on a timer, not in a thread, so eight delayed requests cannot starve the thread pool that other
  tenants' requests need. The decision travels with the request into its WSGI environ, so the
  app's hooks apply it without deciding again. (Under another WSGI server the hooks decide and
  sleep themselves.)
* **Bounded connections and bodies.** ``--connection-limit`` and ``--channel-timeout`` are
  waitress's own; a body over ``--max-body`` is refused as its Content-Length (or its chunks)
  arrive, before waitress buffers it, and answered with BC's error body.
* **Dropping a connection** without an answer (the ``drop`` fault).
* **TLS** (``--tls``), which waitress has not: each accepted connection's socket is wrapped
  as its channel is made, and the handshake runs in waitress's event loop without blocking
  (``_TlsChannel``): a client that connects and sends nothing, or trickles its handshake, holds
  its own connection only, until ``--channel-timeout`` closes it, like a silent plain one.
"""

from __future__ import annotations

import errno
import heapq
import itertools
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from flask import Flask
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, MultiSocketServer
from waitress.server import create_server as waitress_server
from waitress.task import ErrorTask, WSGITask
from werkzeug.exceptions import HTTPException

from bc_mock import errors, hooks, jsonio, limits
from bc_mock.config import Settings
from bc_mock.wsgi_request import build_url

if TYPE_CHECKING:
    from bc_mock.tls import Tls

# keys of a request's WSGI environ that carry what was decided before dispatch
ADMISSION_KEY = hooks.ADMISSION_KEY
ARRIVED_KEY = hooks.ARRIVED_KEY
# the errors of a send to a client that is gone (as waitress's wasyncore has them)
_DISCONNECTED = frozenset(
    {errno.ECONNRESET, errno.ENOTCONN, errno.ESHUTDOWN, errno.ECONNABORTED, errno.EPIPE, errno.EBADF}
)
# the timer thread of each server create_server made, by the server's id
_TIMERS: dict[int, _Timers] = {}


def create_server(app: Flask, settings: Settings, tls: Tls | None = None) -> Any:
    """A waitress server of ``app`` on settings.host:settings.port (not yet running); with
    ``tls`` (``bc_mock.tls.prepare``), it speaks https."""
    server = waitress_server(
        app,
        host=settings.host,
        port=settings.port,
        threads=settings.threads,
        connection_limit=settings.connection_limit,
        channel_timeout=settings.channel_timeout,
        # how often waitress looks for silent connections: often enough to honour the timeout
        cleanup_interval=max(1, min(30, settings.channel_timeout // 2)),
        # waitress refuses a body of this size or more; bc_mock accepts one of exactly --max-body
        max_request_body_size=settings.max_body + 1,
        clear_untrusted_proxy_headers=True,
        url_scheme="https" if tls else "http",  # the scheme of the URLs answers hold
    )
    state = app.extensions["bc_mock"]
    state.ca_pem = tls.ca_pem if tls is not None else None  # /_mock/ca.pem
    timers = _Timers()
    _TIMERS[id(server)] = timers
    # the channels of this server know its app: their own error answers are journaled there
    if tls is None:
        channel_class = type("BcMockChannel", (_Channel,), {"bc_mock_app": app})
    else:
        channel_class = type("BcMockTlsChannel", (_TlsChannel,), {"bc_mock_app": app, "tls": tls})
    for listener in _listeners(server):
        listener.channel_class = channel_class
        # waitress calls its server's add_task to hand a channel's next request to a worker
        listener.add_task = _deferring(app, listener.add_task, timers)
    state.drop_connection = _dropper(server)
    return server


def close(server: Any) -> None:
    """Stop what ``create_server`` added (its timer thread); waitress closes the rest."""
    timers = _TIMERS.pop(id(server), None)
    if timers is not None:
        timers.close()


def _listeners(server: Any) -> list[Any]:
    if isinstance(server, MultiSocketServer):  # several addresses (localhost: IPv4 and IPv6)
        return [s for s in (server.map or {}).values() if isinstance(s, BaseWSGIServer)]
    return [server]


# --- delays before dispatch -------------------------------------------------------------------


def _deferring(app: Flask, add_task: Callable[[Any], None], timers: _Timers) -> Callable[[Any], None]:
    """waitress's ``add_task`` (hand a channel's next request to a worker thread), made to
    decide a BC API request's admission first and to hand it over only when its delay is over."""

    def add(channel: Any) -> None:
        delay = 0.0
        try:
            delay = _admit(app, channel)
        except Exception:  # never lose a request over a decision: the hooks will decide then
            hooks.log.exception("deciding a request's faults before dispatch failed")
        if delay > 0:
            timers.call_later(delay, add_task, channel)
        else:
            add_task(channel)

    return add


def _admit(app: Flask, channel: Any) -> float:
    """Decide the faults and rate limit of the channel's next request; its delay in seconds."""
    request = channel.requests[0] if channel.requests else None
    if request is None or request.error or getattr(request, "bc_mock_admission", None) is not None:
        return 0.0
    request.bc_mock_arrived = time.perf_counter()
    state = app.extensions["bc_mock"]
    if state.rate_limiter is None and state.faults.empty:
        return 0.0  # nothing to decide: the common case costs one check
    path = _text(request.path)
    route = _route(app, path, request.command)
    if route is None:
        return 0.0  # neither the BC API nor the token service (/_mock, or no route): no fault applies
    service, args = route
    headers = _headers(request)
    url = build_url(
        channel.server.adj.url_scheme, headers.get("host", ""), "", path, request.query.encode("latin-1")
    )
    admission = hooks.admit(
        state,
        method=request.command,
        path=path,
        args=args,
        headers=headers,
        url=url,
        in_batch=False,
        service=service,
    )
    request.bc_mock_admission = admission
    return admission.delay_s


def _route(app: Flask, path: str, method: str) -> tuple[str, dict] | None:
    """("api", its route arguments: tenant, environment, version, rest) for a BC API path,
    ("entra", {"tenant": ...}) for the token service's, else None: the app's own URL map
    decides, so this cannot disagree with how the request is served."""
    try:
        endpoint, args = app.url_map.bind("bc-mock").match(path, method=method)
    except HTTPException:
        return None
    blueprint = str(endpoint).partition(".")[0]
    if blueprint == hooks.API_BLUEPRINT:
        return hooks.API, dict(args)
    if blueprint == hooks.ENTRA_BLUEPRINT:
        return hooks.ENTRA, dict(args)
    return None


def _api_route(app: Flask, path: str, method: str) -> dict | None:
    """The route arguments of a BC API path, else None."""
    route = _route(app, path, method)
    return route[1] if route is not None and route[0] == hooks.API else None


def _headers(request: Any) -> dict[str, str]:
    """A waitress request's headers, named in lower case as HTTP writes them."""
    return {name.replace("_", "-").lower(): value for name, value in request.headers.items()}


def _text(wsgi_string: str) -> str:
    """A path as waitress keeps it (bytes as Latin-1) as the text werkzeug makes of it (UTF-8)."""
    return wsgi_string.encode("latin-1").decode("utf-8", "replace")


class _Timers:
    """Calls functions after a delay, on one thread: a delayed request waits here, holding no
    worker thread. Bounded by the connections: each waits with at most one request."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Callable[..., None], tuple]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._closed = False
        self._thread: threading.Thread | None = None

    def call_later(self, delay: float, function: Callable[..., None], *args: Any) -> None:
        with self._wake:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="bc-mock-delays", daemon=True)
                self._thread.start()
            heapq.heappush(self._heap, (time.monotonic() + delay, next(self._order), function, args))
            self._wake.notify()

    def close(self) -> None:
        with self._wake:
            self._closed = True
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._closed and (not self._heap or self._heap[0][0] > time.monotonic()):
                    timeout = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._wake.wait(timeout)
                if self._closed:
                    return
                _, _, function, args = heapq.heappop(self._heap)
            try:
                function(*args)  # outside the condition's lock
            except Exception:
                hooks.log.exception("a delayed request could not be dispatched")


# --- the channel: what it hands the app, and its own error answers ------------------------------


class _Task(WSGITask):
    """waitress's WSGI task, with the decisions made before dispatch in its environ."""

    def get_environment(self) -> dict:
        environ = super().get_environment()
        admission = getattr(self.request, "bc_mock_admission", None)
        if admission is not None:
            environ[ADMISSION_KEY] = admission
        arrived = getattr(self.request, "bc_mock_arrived", None)
        if arrived is not None:
            environ[ARRIVED_KEY] = arrived
        return environ


class _ErrorTask(ErrorTask):
    """waitress's own refusals (a body over the limit, a malformed request) in BC's error format."""

    def execute(self) -> None:
        request: Any = self.request  # waitress's parser (its stubs call it Error)
        channel: Any = self.channel  # a channel of create_server's class
        error = request.error
        if error.code == 413:
            limit = self.channel.server.adj.max_request_body_size - 1  # see create_server
            bc_error = limits.body_too_large(request.content_length or None, limit)
        else:
            bc_error = errors.BcError(error.code, "BadRequest", f"{error.reason}: {error.body}")
        body = jsonio.dumps(bc_error.body()).encode()
        try:
            scheme = channel.server.adj.url_scheme
            _journal_refusal(channel.bc_mock_app, request, bc_error.status, body, scheme)
        except Exception:  # the answer matters more than its record
            hooks.log.exception("journaling a refused request failed")
        self.status = f"{bc_error.status} {error.reason}"
        self.response_headers = [("Content-Type", "application/json"), ("Connection", "close")]
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


def _journal_refusal(app: Flask, request: Any, status: int, body: bytes, scheme: str) -> None:
    """Record a BC API request that waitress refused before the app saw it (a body over the
    limit): its size, not its body, and the answer."""
    if not getattr(request, "path", None) or not getattr(request, "command", None):
        return  # refused before its request line was read
    path = _text(request.path)
    args = _api_route(app, path, request.command)
    if args is None:
        return
    journal = app.extensions["bc_mock"].journal
    headers = {name.title(): value for name, value in _headers(request).items()}
    length = request.content_length
    entry = journal.open_entry(
        method=request.command,
        url=build_url(scheme, headers.get("Host", ""), "", path, request.query.encode("latin-1")),
        path=path,
        api_path=args.get("rest", ""),
        query=dict(parse_qsl(request.query)),
        headers=headers,
        body=f"<{length} bytes, over the size limit: not read>" if length else None,
        tenant=args.get("tenant", "default"),
        environment=args.get("environment", "production"),
        batch_id=None,
    )
    journal.close_entry(
        entry,
        status=status,
        responseBody=body,
        responseHeaders=[("Content-Type", "application/json")],
        durationMs=0.0,
    )


class _Channel(HTTPChannel):
    task_class = _Task
    error_task_class = _ErrorTask
    bc_mock_app: Flask  # set per server by create_server


class _TlsChannel(_Channel):
    """A channel that speaks TLS.

    waitress asks a channel what it waits for (``readable``, ``writable``) and calls
    ``handle_read`` or ``handle_write`` when select says the socket is ready. Until the
    handshake is done these drive it one non-blocking step at a time, so that no client holds
    the event loop: one that sends nothing, or half a handshake, holds only its own connection,
    which ``--channel-timeout`` closes (its handshake counts as no activity). Then the channel is
    waitress's own, reading and writing through TLS: a read takes every byte TLS has decrypted
    (select cannot announce bytes already inside TLS's buffer), and a write TLS cannot take yet
    sends nothing and is offered again, the same bytes first, as TLS requires, when the socket
    is ready. Writes come from a worker thread while a request is served, reads from the event
    loop while none is (waitress's ``readable``); a lock keeps the rare overlap (a pipelined
    request's 100 Continue) from using TLS in two threads at once, which OpenSSL forbids. It is
    held only for the TLS call itself, never while waitress's own locks are taken.
    """

    tls: Tls  # set per server by create_server
    tls_socket: ssl.SSLSocket
    _handshaken = False
    _handshake_wants_write = False

    def __init__(self, server: Any, sock: socket.socket, addr: Any, adj: Any, map: Any = None) -> None:
        self._tls_lock = threading.Lock()
        super().__init__(server, sock, addr, adj, map)
        try:
            # the same descriptor, now TLS: the socket map, keyed by it, stays right
            self.tls_socket = self.tls.context.wrap_socket(
                sock, server_side=True, do_handshake_on_connect=False
            )
        except (OSError, ValueError):  # the client is gone already
            self.handle_close()
            return
        self.socket = self.tls_socket

    def readable(self) -> bool:
        if not self._handshaken:
            return not (self.will_close or self._handshake_wants_write)
        return bool(super().readable())

    def writable(self) -> bool:
        if not self._handshaken:
            return self.will_close or self._handshake_wants_write
        return bool(super().writable())

    def handle_read(self) -> None:
        if not self._handshaken:
            self._handshake()
            return
        chunks: list[bytes] = []
        try:
            with self._tls_lock:
                chunks.append(self.tls_socket.recv(self.adj.recv_bytes))
                while chunks[-1] and self.tls_socket.pending():
                    chunks.append(self.tls_socket.recv(self.tls_socket.pending()))
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
            pass  # a record not whole yet, or TLS's own traffic: the rest comes with a later read
        except OSError:  # reset, or a TLS error: the connection is over
            self.handle_close()
            return
        data = b"".join(chunks)
        if data:
            self.last_activity = time.time()
            self.received(data)
        elif chunks:  # the client closed its side
            self.handle_close()

    def handle_write(self) -> None:
        if not self._handshaken:
            if self.will_close:  # --channel-timeout, or the server stopping
                self.handle_close()
            else:
                self._handshake()
            return
        super().handle_write()

    def send(self, data: bytes, do_close: bool = True) -> int:
        """wasyncore's ``send`` through TLS (the lock released before the channel closes)."""
        try:
            with self._tls_lock:
                return self.tls_socket.send(data)
        except (ssl.SSLWantWriteError, ssl.SSLWantReadError):
            return 0  # offered again when the socket is ready
        except BlockingIOError:
            return 0
        except OSError as error:
            if error.errno in _DISCONNECTED:
                if do_close:
                    self.handle_close()
                return 0
            raise  # waitress closes the channel

    def _handshake(self) -> None:
        try:
            with self._tls_lock:
                self.tls_socket.do_handshake()
        except ssl.SSLWantReadError:
            self._handshake_wants_write = False
        except ssl.SSLWantWriteError:
            self._handshake_wants_write = True
        except ssl.SSLError as error:
            if error.reason == "HTTP_REQUEST":
                self._refuse_plain_http()
            self.handle_close()
        except OSError:
            self.handle_close()
        else:
            self._handshaken = True
            self._handshake_wants_write = False
            self.last_activity = time.time()

    def _refuse_plain_http(self) -> None:
        """Answer an http:// request on the https port, in plain HTTP, as web servers do: else
        the client sees only a closed connection ("Empty reply from server")."""
        error = errors.BcError(
            400,
            "BadRequest",
            "This port speaks https (bc-mock --tls): send the request to https://, not http://.",
        )
        body = jsonio.dumps(error.body()).encode()
        head = (
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        raw = socket.socket  # the socket beneath TLS: this client speaks none
        try:
            raw.send(self.tls_socket, head.encode("ascii") + body)
            while raw.recv(self.tls_socket, 65536):  # the rest of its request: closing on unread
                pass  # bytes would reset the connection before the client reads the answer
        except OSError:  # nothing more to read now (or the client is gone)
            pass


# --- dropping a connection ----------------------------------------------------------------------


def _dropper(server: Any) -> Callable[[dict], bool]:
    """A function that closes, with no answer, the connection a WSGI environ came on.

    waitress puts the client's address and port in the environ; its channels (one per
    connection) sit in the server's socket map keyed by file descriptor. Shutting the socket
    down with SO_LINGER 0 makes the client see the connection reset, as when a proxy or BC's
    front end gives up; waitress then notices and discards the channel.
    """
    socket_map = getattr(server, "_map", None)
    if socket_map is None:
        socket_map = server.map

    def drop(environ: dict) -> bool:
        address = (environ.get("REMOTE_ADDR"), str(environ.get("REMOTE_PORT")))
        for channel in list(socket_map.values()):
            if isinstance(channel, HTTPChannel) and (channel.addr[0], str(channel.addr[1])) == address:
                connection = channel.socket
                if connection is None:
                    return True  # closed already: the client is disconnected either way
                try:
                    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    # the socket's own shutdown (a TLS socket's would drop its TLS state under the
                    # event loop, from this worker thread)
                    socket.socket.shutdown(connection, socket.SHUT_RDWR)
                except OSError:
                    pass  # already gone: the client is disconnected either way
                channel.will_close = True
                return True
        return False

    return drop
