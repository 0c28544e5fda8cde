"""Loading what queries run on: a graph file into an rdflib ``Graph`` or an Oxigraph store (its
format told by the extension, as :data:`kg.formats.rdf_formats.RDF_FORMATS` names it), and the
example queries of ``ontology/queries``.

>>> sorted(list_queries())[:2]
['actor', 'agreement_parties']
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.util import guess_format

from kg.formats.rdf_formats import RDF_FORMATS, RdfFormat
from kg.namespaces import bind_prefixes, queries_dir
from kg.query.terms import TermConverter

__all__ = ["graph_file_format", "load_graph", "load_store", "to_store", "list_queries", "load_query"]


def _either(extensions: Iterable[str]) -> str:
    """``.ttl, .nt or .jsonld``"""
    *most, last = extensions
    return f"{', '.join(most)} or {last}" if most else last


# What the messages suggest: the files kg writes, and those Oxigraph reads.
_WRITTEN = _either(fmt.extension for fmt in RDF_FORMATS.values() if fmt.writer)
_READ_BY_OXIGRAPH = _either(fmt.extension for fmt in RDF_FORMATS.values() if fmt.oxigraph)


def graph_file_format(path: str | Path) -> RdfFormat | None:
    """The RDF format of a graph file, told by its extension as rdflib tells it; None when
    neither knows it.

    >>> graph_file_format("out/graph.ttl").name, graph_file_format("dump.nq").quads, graph_file_format("notes.txt")
    ('turtle', True, None)
    """
    return RDF_FORMATS.get(guess_format(str(path)) or "")


def _format_of(path: Path) -> tuple[str, RdfFormat | None]:
    """rdflib's name of the file's format (told by its extension), and that format in the table
    (None for a format rdflib names but kg does not know); ValueError when the extension is unknown."""
    name = guess_format(str(path))
    if name is None:
        raise ValueError(f"{path}: cannot tell the RDF format from the extension {path.suffix!r} (use {_WRITTEN})")
    return name, RDF_FORMATS.get(name)


def load_graph(path: str | Path) -> Graph:
    """Parse an RDF file, its format guessed from the extension (.ttl, .jsonld, .nt, .rdf, ...).

    Raises FileNotFoundError when the file does not exist, ValueError naming the file when the
    extension is unknown or the content does not parse. Quad formats (.trig, .nq) are merged
    into one graph.
    """
    path = Path(path)
    name, fmt = _format_of(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        graph = _parse(path, name, quads=fmt is not None and fmt.quads)
    except Exception as err:  # rdflib raises many unrelated types on bad input
        raise ValueError(f"{path}: not valid {name}: {err}") from err
    return bind_prefixes(graph)


def _parse(path: Path, name: str, quads: bool) -> Graph:
    """Parse ``path`` as rdflib's format ``name``; quads are flattened into a plain graph."""
    if not quads:
        return Graph().parse(path, format=name)
    dataset = Dataset()
    dataset.parse(path, format=name)
    graph = Graph()
    for s, p, o, _ctx in dataset.quads():
        graph.add((s, p, o))
    return graph


def load_store(path: str | Path) -> ox.Store:
    """Parse an RDF file straight into an in-memory Oxigraph store (the fast path: no rdflib).

    Same files and errors as :func:`load_graph`: the format is guessed from the extension,
    FileNotFoundError when the file does not exist, ValueError naming the file when the
    extension is unknown or the content does not parse. Quads (.nq, .trig) go into the default
    graph, as :func:`load_graph` merges them.
    """
    path = Path(path)
    name, fmt = _format_of(path)
    if fmt is None or fmt.oxigraph is None:
        raise ValueError(f"{path}: the {name} format is not supported here (use {_READ_BY_OXIGRAPH})")
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    store = ox.Store()
    try:
        if fmt.quads:
            store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=fmt.ox_format))
        else:
            store.load(path=str(path), format=fmt.ox_format)
    except (SyntaxError, ValueError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: not valid {name}: {err}") from err
    return store


def to_store(graph: Graph) -> ox.Store:
    """The triples of an rdflib graph in a new in-memory Oxigraph store.

    Blank nodes keep their ids when Oxigraph accepts them; two graphs copied separately share
    blank nodes of the same id, as in rdflib.
    """
    terms = TermConverter()
    store = ox.Store()
    triples = graph.triples((None, None, None))
    store.extend(ox.Quad(terms.to_ox(s), terms.to_ox(p), terms.to_ox(o)) for s, p, o in triples)
    return store


def list_queries() -> dict[str, Path]:
    """The example queries: name (file stem) -> path, e.g. ``{"backs": .../backs.rq, ...}``."""
    return {path.stem: path for path in sorted(queries_dir().glob("*.rq"))}


def load_query(name_or_path: str | Path) -> str:
    """The text of a query: a file path, or the name of an example query (``"backs"``, ``"actor.rq"``)."""
    path = Path(name_or_path)
    if path.is_file():
        return path.read_text(encoding="utf-8")
    known = list_queries()
    stem = path.name[:-3] if path.name.endswith(".rq") else path.name
    if stem in known:
        return known[stem].read_text(encoding="utf-8")
    raise ValueError(f"no query file {str(name_or_path)!r} and no example query of that name; examples: {', '.join(known)}")
