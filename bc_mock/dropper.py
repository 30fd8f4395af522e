"""Dropping a client's connection without an answer (the ``drop`` fault), on waitress.

A module of its own so that ``bc-mock`` (the command) need not import MockServer's.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Callable


def waitress_dropper(server) -> Callable[[dict], bool]:
    """A function that closes, with no answer, the waitress connection a WSGI environ came on.

    waitress puts the client's address and port in the environ; its channels (one per
    connection) sit in the server's socket map keyed by file descriptor. Shutting the socket
    down with SO_LINGER 0 makes the client see the connection reset, as when a proxy or BC's
    front end gives up; waitress then notices and discards the channel.
    """
    from waitress.channel import HTTPChannel

    socket_map = getattr(server, "_map", None)
    if socket_map is None:
        socket_map = server.map

    def drop(environ: dict) -> bool:
        address = (environ.get("REMOTE_ADDR"), str(environ.get("REMOTE_PORT")))
        for channel in list(socket_map.values()):
            if isinstance(channel, HTTPChannel) and (channel.addr[0], str(channel.addr[1])) == address:
                sock = channel.socket
                try:
                    if sock is not None:  # None: already closed
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass  # already gone: the client is disconnected either way
                channel.will_close = True
                return True
        return False

    return drop
