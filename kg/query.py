"""Load a graph file, run SPARQL on it, and format the results as a table, CSV or JSON.

>>> from rdflib import Graph, Literal
>>> from kg.namespaces import KGR, RDFS
>>> g = Graph(); _ = g.add((KGR["country/iran"], RDFS.label, Literal("Iran")))
>>> result = run_query(g, "SELECT ?x WHERE { ?x rdfs:label ?name }", {"name": "Iran"})
>>> result.rows
[('https://w3id.org/kg/resource/country/iran',)]
>>> print(format_result(result, "csv"), end="")
x
https://w3id.org/kg/resource/country/iran
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Identifier, Node
from rdflib.util import guess_format
from rich.cells import cell_len

from kg.namespaces import PREFIXES, XSD, bind_prefixes, queries_dir

__all__ = [
    "QueryResult",
    "load_graph",
    "run_query",
    "format_result",
    "load_query",
    "list_queries",
    "RESULT_FORMATS",
]

_QUAD_FORMATS = {"trig", "nquads", "trix"}


# --------------------------------------------------------------------------- loading


def load_graph(path: str | Path) -> Graph:
    """Parse an RDF file, its format guessed from the extension (.ttl, .jsonld, .nt, .rdf, ...).

    Raises FileNotFoundError when the file does not exist, ValueError naming the file when the
    extension is unknown or the content does not parse. Quad formats (.trig, .nq) are merged
    into one graph.
    """
    path = Path(path)
    fmt = guess_format(str(path))
    if fmt is None:
        raise ValueError(f"{path}: cannot tell the RDF format from the extension {path.suffix!r} (use .ttl, .jsonld or .nt)")
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        graph = _parse(path, fmt)
    except Exception as err:  # rdflib raises many unrelated types on bad input
        raise ValueError(f"{path}: not valid {fmt}: {err}") from err
    return bind_prefixes(graph)


def _parse(path: Path, fmt: str) -> Graph:
    """Parse ``path`` as ``fmt``; quads are flattened into a plain graph."""
    if fmt not in _QUAD_FORMATS:
        return Graph().parse(path, format=fmt)
    dataset = Dataset()
    dataset.parse(path, format=fmt)
    graph = Graph()
    for s, p, o, _ctx in dataset.quads():
        graph.add((s, p, o))
    return graph


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


# --------------------------------------------------------------------------- running


@dataclass
class QueryResult:
    """The result of a query.

    SELECT: ``variables`` and ``rows`` (strings, ``None`` when unbound). ASK: ``boolean``.
    CONSTRUCT/DESCRIBE: ``graph``, and its triples as rows of ``subject, predicate, object``.
    ``terms`` holds the rdflib terms behind ``rows`` (for typed output such as JSON).
    """

    variables: list[str] = field(default_factory=list)
    rows: list[tuple[str | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None
    terms: list[tuple[Node | None, ...]] = field(default_factory=list, repr=False)

    @property
    def kind(self) -> str:
        """``"ask"``, ``"graph"`` or ``"select"``."""
        if self.boolean is not None:
            return "ask"
        return "graph" if self.graph is not None else "select"


def _text(term: Node | None) -> str | None:
    """The string form of a result term: IRI or lexical form, ``_:id`` for a blank node."""
    if term is None:
        return None
    if isinstance(term, BNode):
        return term.n3()
    return str(term)


def _binding_term(value: str | Identifier) -> Identifier:
    """A user value as an RDF term: strings become plain literals, rdflib terms pass through."""
    return value if isinstance(value, Identifier) else Literal(value)


def _check_bindings(sparql: str, bindings: Mapping[str, object]) -> dict[str, object]:
    """Strip ``?``/``$`` from names; ValueError for a name the query never mentions."""
    cleaned = {name.lstrip("?$"): value for name, value in bindings.items()}
    for name in cleaned:
        if not re.search(rf"[?$]{re.escape(name)}\b", sparql):
            raise ValueError(f"the query has no variable ?{name} to bind")
    return cleaned


def _select_result(result) -> QueryResult:
    """A SELECT result: variable names, string rows and the terms behind them."""
    variables = [str(v) for v in result.vars or []]
    terms = [tuple(row) for row in result]
    rows = [tuple(_text(t) for t in row) for row in terms]
    return QueryResult(variables=variables, rows=rows, terms=terms)


def _graph_result(result) -> QueryResult:
    """A CONSTRUCT/DESCRIBE result: the graph, and its triples sorted as rows."""
    graph = bind_prefixes(Graph())
    for triple in result:
        graph.add(triple)
    terms = sorted(graph, key=lambda t: tuple(term.n3() for term in t))
    rows = [tuple(_text(t) for t in triple) for triple in terms]
    return QueryResult(variables=["subject", "predicate", "object"], rows=rows, graph=graph, terms=terms)


def run_query(
    graph: Graph, sparql: str, bindings: Mapping[str, str | Identifier] | None = None
) -> QueryResult:
    """Run a SPARQL query with the project prefixes predeclared.

    ``bindings`` pre-bind variables (``{"name": "Turkey"}`` binds ``?name`` to the literal
    "Turkey") through rdflib's ``initBindings``: values are data, never spliced into the text.
    Raises ValueError for a query that does not parse or a binding the query does not use.
    """
    try:
        prepared = prepareQuery(sparql, initNs=dict(PREFIXES))
    except Exception as err:
        raise ValueError(f"invalid SPARQL: {err}") from err
    init = {name: _binding_term(value) for name, value in _check_bindings(sparql, bindings or {}).items()}
    result = graph.query(prepared, initBindings=init)
    if result.type == "ASK":
        return QueryResult(boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return _graph_result(result)
    return _select_result(result)


# --------------------------------------------------------------------------- formatting

_TABLE_CELL_MAX = 100


def _compact(term: Node | None) -> str:
    """A short display form: prefixed IRIs (``kgr:country/turkey``), lexical form of literals."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(str(item[1]))):
            if str(term).startswith(str(namespace)) and len(term) > len(namespace):
                return f"{prefix}:{term[len(namespace):]}"
    return " ".join(_text(term).split())


def _clip(text: str, width: int = _TABLE_CELL_MAX) -> str:
    """``text`` cut to ``width`` terminal cells, with an ellipsis when cut."""
    if cell_len(text) <= width:
        return text
    while cell_len(text) > width - 1:
        text = text[:-1]
    return text + "…"


def _pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal cells."""
    return text + " " * (width - cell_len(text))


def format_table(result: QueryResult) -> str:
    """An aligned text table (IRIs shortened with the project prefixes), then the row count.

    >>> print(format_table(QueryResult(["a", "b"], [("1", None)], terms=[(Literal(1), None)])), end="")
    a  b
    -  -
    1
    1 row
    """
    if result.kind == "ask":
        return f"{str(result.boolean).lower()}\n"
    header = list(result.variables)
    body = [[_clip(_compact(term)) for term in row] for row in result.terms]
    widths = [max([cell_len(h)] + [cell_len(row[i]) for row in body]) for i, h in enumerate(header)]
    lines = [header, ["-" * w for w in widths], *body]
    text = "".join("  ".join(_pad(cell, w) for cell, w in zip(line, widths)).rstrip() + "\n" for line in lines)
    count = len(body)
    return text + f"{count} row{'' if count == 1 else 's'}\n"


def format_csv(result: QueryResult) -> str:
    """CSV like SPARQL 1.1 CSV results (but "\\n" line ends): a header of variable names, then values ("" when unbound)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if result.kind == "ask":
        writer.writerow(["boolean"])
        writer.writerow([str(result.boolean).lower()])
        return out.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue()


def _json_term(term: Node) -> dict[str, str]:
    """One RDF term in the SPARQL 1.1 JSON results format."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if isinstance(term, Literal) and term.language:
        out["xml:lang"] = term.language
    elif isinstance(term, Literal) and term.datatype and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def format_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON (graph results as subject/predicate/object bindings)."""
    if result.kind == "ask":
        document: dict = {"head": {}, "boolean": result.boolean}
    else:
        bindings = [
            {var: _json_term(term) for var, term in zip(result.variables, row) if term is not None}
            for row in result.terms
        ]
        document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


RESULT_FORMATS: dict[str, Callable[[QueryResult], str]] = {
    "table": format_table,
    "csv": format_csv,
    "json": format_json,
}
"""Formats accepted by :func:`format_result`."""


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """``result`` as text in format ``fmt`` (``table``, ``csv`` or ``json``)."""
    try:
        render = RESULT_FORMATS[fmt.lower()]
    except KeyError:
        raise ValueError(f"unknown result format {fmt!r}; use one of {', '.join(RESULT_FORMATS)}") from None
    return render(result)
