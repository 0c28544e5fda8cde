"""What a query worker gives up once it holds the graph: opening anything (so no network
connection, whatever runs in it, Oxigraph's own HTTP client included) and memory beyond a budget.

Both are resource limits (``setrlimit``), which need no privilege and hold for native code as
for Python: a socket made by Rust fails as one made by ``socket.socket`` does.

- **No new file descriptor.** ``RLIMIT_NOFILE`` is set to the lowest free descriptor number,
  soft and hard: every number below it is taken, so ``socket()``, ``open()``, ``pipe()`` all fail
  with EMFILE, and a process cannot raise its hard limit again. The descriptors it already has
  (the pipe to the server) keep working.
- **A memory budget.** ``RLIMIT_AS`` (address space, what Linux enforces) is set to what the
  process maps once the graph is loaded, plus ``memory_mb``. An allocation past it fails: Python
  raises MemoryError, Rust (Oxigraph) aborts the process, and the server replaces the worker.

Everything a worker needs later must be imported and warmed up before (:func:`confine` runs last).
"""
from __future__ import annotations

import os
import socket

__all__ = ["confine", "opens_sockets", "mapped_bytes"]

try:
    import resource
except ImportError:  # Windows: no resource limits
    resource = None


def mapped_bytes() -> int | None:
    """The address space this process maps, in bytes (Linux's ``/proc/self/statm``); None elsewhere."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def confine(memory_mb: int | None) -> list[str]:
    """Limit this process as the module says; what could not be limited, as short phrases."""
    if resource is None:
        return ["memory", "new connections"]
    missed = []
    if memory_mb is not None:
        mapped = mapped_bytes()
        if mapped is None:
            missed.append("memory")
        else:
            _, hard = resource.getrlimit(resource.RLIMIT_AS)
            limit = mapped + memory_mb * 2**20
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    lowest = os.open(os.devnull, os.O_RDONLY)  # the lowest free descriptor number
    os.close(lowest)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (lowest, lowest))
    except (ValueError, OSError):
        pass
    if opens_sockets():
        missed.append("new connections")
    return missed


def opens_sockets() -> bool:
    """True when this process can still make a socket (a confined one cannot)."""
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    except OSError:
        return False
    return True
