"""What both format registries are: a table of formats by name, each also found by its other
names and the media types clients send for it (case-insensitive), as rdflib's plug-ins are.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Format:
...     names: tuple[str, ...]
...     media_types: tuple[str, ...]
>>> formats = Registry("RDF", [Format(("turtle", "ttl"), ("text/turtle",))])
>>> list(formats), formats.lookup("TTL") is formats.find("text/turtle") is formats["turtle"]
(['turtle'], True)
>>> formats.lookup("rdfa")
Traceback (most recent call last):
...
ValueError: unknown RDF format 'rdfa'; use one of turtle
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Protocol, TypeVar

__all__ = ["NamedFormat", "Registry"]


class NamedFormat(Protocol):
    @property
    def names(self) -> tuple[str, ...]: ...

    @property
    def media_types(self) -> tuple[str, ...]: ...


F = TypeVar("F", bound=NamedFormat)


class Registry(Mapping[str, F]):
    """Formats by their first name, in the order given; :meth:`find` and :meth:`lookup` also by
    any other name or media type. ValueError when two formats answer to the same one: a lookup
    must never depend on the order of the table."""

    def __init__(self, kind: str, formats: Iterable[F]) -> None:
        self.kind = kind
        self._formats = {fmt.names[0]: fmt for fmt in formats}
        self._keys: dict[str, F] = {}
        for fmt in self._formats.values():
            for key in (*fmt.names, *fmt.media_types):
                held = self._keys.setdefault(key.lower(), fmt)
                if held is not fmt:
                    raise ValueError(f"two formats answer to {key.lower()!r}: {held.names[0]} and {fmt.names[0]}")

    def __getitem__(self, name: str) -> F:
        return self._formats[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._formats)

    def __len__(self) -> int:
        return len(self._formats)

    def find(self, name: str) -> F | None:
        """The format with this name or media type (any case), else None."""
        return self._keys.get(name.lower())

    def lookup(self, name: str) -> F:
        """The format with this name or media type (any case); ValueError naming the known ones."""
        found = self.find(name)
        if found is None:
            raise ValueError(f"unknown {self.kind} format {name!r}; use one of {', '.join(self)}")
        return found
