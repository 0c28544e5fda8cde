"""Who may ask ``kg serve`` what: the host a request names, the web page it comes from, and how
often one client may query.

- **Host.** A request must name the server by an IP address, ``localhost`` or the name it was
  started with (``--host``), any port; another name gets 421. A page of ``evil.example`` whose
  name the attacker points at 127.0.0.1 (DNS rebinding) would otherwise be same-origin with the
  endpoint. A name is what the check is about: a browser names the port it was given, and a
  forwarded port (a container's) may differ from the one the server is bound to.
- **Origin.** Same-origin by default: a request a browser sends from another origin (its
  ``Origin`` header, or ``Sec-Fetch-Site`` for what it loads without one, but for following a
  link) gets 403, and no answer carries ``Access-Control-Allow-Origin``, so no other page can
  read the graph, nor make the server run queries. ``--cors ORIGIN`` lets one origin in.
- **Rate.** Each client address may send ``rate`` queries a second, in bursts of five seconds'
  worth; past it, 429 and ``Retry-After``. A query that costs a worker (timed out, out of
  memory, the engine failed) stops its client for five seconds and more: no worker-killing loop.

>>> access = Access("127.0.0.1", cors="https://yasgui.example/")
>>> access.check({"Host": "127.0.0.1:8000", "Origin": "http://127.0.0.1:8000"}) is None
True
>>> access.check({"Host": "evil.example:8000"}).status, access.check({"Host": "[::1]:80", "Origin": "null"}).status
(421, 403)
>>> access.cors_headers({"Origin": "https://yasgui.example"})["Access-Control-Allow-Origin"]
'https://yasgui.example'
>>> Access("127.0.0.1", cors="*")
Traceback (most recent call last):
...
ValueError: --cors takes one origin, as a browser names it (https://host or http://host:port), not '*'
"""
from __future__ import annotations

import ipaddress
import math
import re
import threading
import time
from collections.abc import Mapping

from kg.serve.reply import Reply

__all__ = ["DEFAULT_RATE", "Access", "RateLimit"]

DEFAULT_RATE = 20.0
BURST_SECONDS = 5.0  # a client may send this many seconds' worth of queries at once

_LOCAL_NAMES = {"localhost"}
_ORIGIN = re.compile(r"https?://[a-z0-9.\-]+(?::[0-9]{1,5})?|https?://\[[0-9a-f:.]+\](?::[0-9]{1,5})?")


def _host_name(host: str) -> str:
    """The name of a Host header, without port, brackets or final dot, lower-cased.

    >>> _host_name("LocalHost.:8000"), _host_name("[::1]:80"), _host_name("127.0.0.1")
    ('localhost', '::1', '127.0.0.1')
    """
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0].rstrip(".") if host.count(":") == 1 else host.rstrip(".")


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _origin(value: str) -> str:
    """An origin as browsers write it: lower-case, no final slash."""
    return value.strip().lower().rstrip("/")


class Access:
    """The Host and Origin rules of the module, for a server started with ``--host bound``."""

    def __init__(self, bound: str, cors: str | None = None) -> None:
        bound_name = _host_name(bound)
        self.names = _LOCAL_NAMES | (set() if _is_address(bound_name) or not bound_name else {bound_name})
        if cors and not _ORIGIN.fullmatch(_origin(cors)):
            raise ValueError(f"--cors takes one origin, as a browser names it (https://host or http://host:port), "
                             f"not {cors!r}")
        self.cors = _origin(cors) if cors else None

    def host_allowed(self, host: str) -> bool:
        name = _host_name(host)
        return _is_address(name) or name in self.names

    def check(self, headers: Mapping[str, str]) -> Reply | None:
        """421 for a Host naming another server, 403 for a request from another origin; else None."""
        host = headers.get("Host")
        if host is not None and not self.host_allowed(host):
            return Reply.text(421, f"this server does not answer for {host!r}: name it by its address, localhost "
                                   "or the name given to kg serve --host")
        origin = headers.get("Origin")
        if origin is not None:
            if _origin(origin) not in (self.cors, _origin(f"http://{host}")):
                return Reply.text(403, f"requests from {origin} are refused: kg serve answers pages of its own "
                                       "origin only (kg serve --cors ORIGIN lets one more in)")
        elif (headers.get("Sec-Fetch-Site") in ("cross-site", "same-site")
              and headers.get("Sec-Fetch-Mode") != "navigate"):  # a <script> or <img> of another page
            return Reply.text(403, "requests from pages of another origin are refused")
        return None

    def cors_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        """The CORS headers of an answer to a request from the ``--cors`` origin; none for others."""
        origin = headers.get("Origin")
        if self.cors is None or origin is None or _origin(origin) != self.cors:
            return {}
        return {"Access-Control-Allow-Origin": origin.strip(), "Access-Control-Expose-Headers": "X-Result-Count"}


class RateLimit:
    """A token bucket per client address: ``rate`` tokens a second, at most ``rate * 5`` held;
    a query takes one, and a query that cost a worker (it timed out, ran out of memory or made
    the engine fail) empties the bucket and five seconds' worth more, so that no client can
    keep killing workers. ``rate`` 0 lets everything through.

    >>> limit = RateLimit(1)
    >>> [limit.take("a") for _ in range(6)], limit.take("b")
    ([True, True, True, True, True, False], True)
    >>> limit.penalize("b"); limit.take("b"), limit.retry_after("b")
    (False, 6)
    """

    MAX_CLIENTS = 10_000  # buckets kept; the full ones are dropped past it

    def __init__(self, rate: float = DEFAULT_RATE) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate * BURST_SECONDS)
        self._buckets: dict[str, tuple[float, float]] = {}  # address -> (tokens, when counted)
        self._lock = threading.Lock()

    def _tokens(self, client: str, now: float) -> float:
        tokens, then = self._buckets.get(client, (self.capacity, now))
        return min(self.capacity, tokens + (now - then) * self.rate)

    def take(self, client: str) -> bool:
        """True when ``client`` may send a query now (and counts it)."""
        if self.rate <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            tokens = self._tokens(client, now)
            allowed = tokens >= 1
            self._buckets[client] = (tokens - 1 if allowed else tokens, now)
            if len(self._buckets) > self.MAX_CLIENTS:
                self._forget_full(now)
        return allowed

    def penalize(self, client: str) -> None:
        """``client``'s query cost a worker: no query from it for five seconds and more."""
        if self.rate <= 0:
            return
        with self._lock:
            self._buckets[client] = (-self.capacity, time.monotonic())

    def retry_after(self, client: str) -> int:
        """Whole seconds until ``client`` has a token again (at least 1)."""
        if self.rate <= 0:
            return 0
        with self._lock:
            tokens = self._tokens(client, time.monotonic())
        return max(1, math.ceil((1 - tokens) / self.rate))

    def _forget_full(self, now: float) -> None:
        for client, (tokens, then) in list(self._buckets.items()):
            if tokens + (now - then) * self.rate >= self.capacity:
                del self._buckets[client]
