"""What every part of ``kg serve`` answers with: an HTTP reply.

>>> Reply.text(404, "no such page").body
b'no such page\\n'
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Reply"]


@dataclass
class Reply:
    """An HTTP answer: status, content type, body and extra headers; ``cost_a_worker`` when the
    query it answers took a worker down with it (timed out, out of memory, crashed the engine)."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    cost_a_worker: bool = False

    @classmethod
    def text(cls, status: int, message: str, *, cost_a_worker: bool = False, **headers: str) -> "Reply":
        """A one-line plain text answer."""
        return cls(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"), dict(headers),
                   cost_a_worker)
