"""The connections ``kg serve`` holds open: at most ``limit``, and never one for a client that
says nothing while another waits.

A connection is *idle* from the moment it is accepted (or has had its answer) until its next
request has been read whole, *busy* while the request is answered. A connection past the limit
takes the place of the connection idle the longest, which is closed; when every connection is
busy, it gets 503 at once. Silent connections (a client that opens many and sends nothing, or a
request a byte at a time) are idle, so they can never keep a new client out: 200 of them cost
the server ``limit`` threads, never a new client's answer.

>>> import socket
>>> slots = ConnectionSlots(1)
>>> first, other = socket.socketpair()
>>> slots.admit(first), slots.admit(other)  # the idle one gives its place
(True, True)
>>> first.recv(1), slots.open
(b'', 1)
>>> slots.busy(other); third = socket.socket(); slots.admit(third)
False
>>> for s in (first, other, third): s.close()
"""
from __future__ import annotations

import socket
import threading
import time

__all__ = ["DEFAULT_MAX_CONNECTIONS", "ConnectionSlots"]

DEFAULT_MAX_CONNECTIONS = 64


class ConnectionSlots:
    """The open connections, each idle (since when) or busy."""

    def __init__(self, limit: int = DEFAULT_MAX_CONNECTIONS) -> None:
        self.limit = limit
        self._idle_since: dict[socket.socket, float | None] = {}  # None: busy
        self._lock = threading.Lock()

    @property
    def open(self) -> int:
        return len(self._idle_since)

    def admit(self, connection: socket.socket) -> bool:
        """Count a new connection in (idle), closing the longest idle one when all places are
        taken; False when every connection is busy."""
        with self._lock:
            if len(self._idle_since) >= self.limit:
                idle = [(since, id(c), c) for c, since in self._idle_since.items() if since is not None]
                if not idle:
                    return False
                oldest = min(idle)[2]
                del self._idle_since[oldest]
                try:  # its thread, blocked reading, sees the end of the stream and finishes
                    oldest.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self._idle_since[connection] = time.monotonic()
            return True

    def busy(self, connection: socket.socket) -> None:
        with self._lock:
            if connection in self._idle_since:
                self._idle_since[connection] = None

    def idle(self, connection: socket.socket) -> None:
        with self._lock:
            if connection in self._idle_since:
                self._idle_since[connection] = time.monotonic()

    def release(self, connection: socket.socket) -> None:
        with self._lock:
            self._idle_since.pop(connection, None)
