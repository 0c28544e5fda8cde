"""Writing a graph: :func:`serialize` to text, :func:`write_rdf` every format in one pass,
:func:`write_graph` the files of a build. The formats are those of
:data:`kg.formats.rdf_formats.RDF_FORMATS` that kg writes itself (:data:`FORMATS`).

A ``KnowledgeGraph`` is written without an rdflib ``Graph`` (:func:`kg.rdf.to_rdf` is for
querying and validating) and no file's whole text is held in memory.

>>> from rdflib import Graph
>>> serialize(Graph(), "nt")
''
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import IO

from rdflib import Graph

from kg.atomic import AtomicFiles
from kg.formats.rdf_formats import RDF_FORMATS, RdfFormat
from kg.model import KnowledgeGraph
from kg.rdf import canonical  # canonical.canonical_groups is looked up at each call (tests replace it)

__all__ = ["FORMATS", "GRAPH_FILES", "writable_format", "serialize", "write_rdf", "write_graph"]

FORMATS: dict[str, RdfFormat] = {name: fmt for fmt in RDF_FORMATS.values() if fmt.writer for name in fmt.names}
"""Format names accepted by :func:`serialize` and :func:`write_rdf`: every name of a format kg writes."""


def writable_format(fmt: str) -> RdfFormat:
    """The format kg writes called ``fmt`` (case-insensitive); ValueError listing the known ones."""
    try:
        return FORMATS[fmt.lower()]
    except KeyError:
        raise ValueError(f"unknown RDF format {fmt!r}; use one of {', '.join(sorted(FORMATS))}") from None


def serialize(source: Graph | KnowledgeGraph, fmt: str = "turtle") -> str:
    """``source`` as text in format ``fmt``; the same triples always give the same text.

    ``source`` is an rdflib graph, or a knowledge graph: ``serialize(kg)`` is
    ``serialize(to_rdf(kg))`` without building the rdflib graph.
    """
    writer = writable_format(fmt).writer()
    parts = [writer.begin()]
    parts.extend(writer.group(subject, runs) for subject, runs in canonical.canonical_groups(source))
    parts.append(writer.end())
    return "".join(parts)


class _Sink:
    """Text to a binary file, encoded as UTF-8 about a MiB at a time."""

    def __init__(self, file: IO[bytes], size: int = 1 << 20):
        self.file, self.size = file, size
        self.parts: list[str] = []
        self.length = 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)
        if self.length >= self.size:
            self.flush()

    def flush(self) -> None:
        self.file.write("".join(self.parts).encode("utf-8"))
        self.parts.clear()
        self.length = 0


def write_rdf(source: Graph | KnowledgeGraph, outputs: Mapping[str, IO[bytes]]) -> None:
    """Write ``source`` in every format of ``outputs`` (format name -> binary file) in one pass:
    each subject's triples are made and sorted once, written in each format, then dropped.

    The text is what :func:`serialize` gives, as UTF-8.
    """
    streams = [(writable_format(fmt).writer(), _Sink(file)) for fmt, file in outputs.items()]
    for writer, sink in streams:
        sink.write(writer.begin())
    for subject, runs in canonical.canonical_groups(source):
        for writer, sink in streams:
            sink.write(writer.group(subject, runs))
    for writer, sink in streams:
        sink.write(writer.end())
        sink.flush()


GRAPH_FILES: dict[str, str] = {fmt: "graph" + RDF_FORMATS[fmt].extension for fmt in ("turtle", "json-ld")}
"""What :func:`write_graph` writes: format name -> file name (``graph.ttl``, ``graph.jsonld``)."""


def write_graph(source: Graph | KnowledgeGraph, out_dir: str | Path) -> dict[str, Path]:
    """Write ``graph.ttl`` and ``graph.jsonld`` into ``out_dir`` (created if needed), atomically:
    both files are replaced only once both are written in full.

    Returns format name -> path, e.g. ``{"turtle": out/graph.ttl, "json-ld": out/graph.jsonld}``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {fmt: out / name for fmt, name in GRAPH_FILES.items()}
    with AtomicFiles(written.values()) as files:
        write_rdf(source, {fmt: files[path] for fmt, path in written.items()})
    return written
