"""One listening socket for the HTTP workers of a gateway, and how they share its connections.

With several HTTP workers the launcher opens the gateway's port once and hands the socket to each of
them (``LISTEN_FD_ENV``): connections wait in one queue, and a worker takes the next one only when no
other worker holds fewer (:class:`ConnectionShares`, one counter per worker in a file they all map).
Each worker binding the port itself (SO_REUSEPORT) left the spread to the kernel's hash: 16 kept-alive
connections came out 10/6 or 11/5, and the busier worker's queue set the p99 of every request.
"""
import mmap
import os
import socket
import struct

LISTEN_FD_ENV = "PRACTICE_NETWORK_GATEWAY_LISTEN_FD"
SHARES_ENV = "PRACTICE_NETWORK_GATEWAY_CONNECTIONS"
WORKER_ENV = "PRACTICE_NETWORK_GATEWAY_WORKER"
COUNTER = struct.Struct("q")


def listening_socket(host, port, backlog=1024):
    """The gateway's port, open for its workers to inherit. A port someone else holds raises OSError."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family, backlog=backlog)
    listener.set_inheritable(True)
    return listener


def create_shares(path, workers):
    """The counters' file of ``workers`` workers, all at zero."""
    with open(path, "wb") as counters:
        counters.write(bytes(COUNTER.size * workers))


class ConnectionShares:
    """The connections each worker holds. A worker writes only its own counter (one aligned 8-byte store,
    so nobody reads half of it) and reads the others'. One that died keeps its last count until it is
    started again, which only makes the others defer to it for a moment."""

    def __init__(self, path, worker):
        descriptor = os.open(path, os.O_RDWR)
        try:
            self.counters = mmap.mmap(descriptor, 0)
        finally:
            os.close(descriptor)
        self.workers = len(self.counters) // COUNTER.size
        self.offset = (worker - 1) * COUNTER.size
        self.held = 0
        self._write()

    @classmethod
    def from_environment(cls):
        """The shares the launcher set up for this worker; None when it runs alone on its port."""
        path, worker = os.environ.get(SHARES_ENV), os.environ.get(WORKER_ENV)
        return cls(path, int(worker)) if path and worker else None

    def opened(self):
        self.held += 1
        self._write()

    def closed(self):
        self.held -= 1
        self._write()

    def more_than_fewest(self):
        """Whether another worker holds fewer connections than this one."""
        return self.held > min(COUNTER.unpack_from(self.counters, n * COUNTER.size)[0] for n in range(self.workers))

    def _write(self):
        COUNTER.pack_into(self.counters, self.offset, self.held)
