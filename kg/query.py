"""Load a graph file, run SPARQL on it, and format the results as a table, CSV or JSON.

Queries run on Oxigraph (``pyoxigraph``, a SPARQL engine in Rust) by default: on a graph of a
million triples it answers each example query in 2-86 ms where rdflib's own evaluator takes
0.3 s to more than 20 s (``python bench/sparql.py``, figures in ``bench/README.md``). rdflib stays available
with ``engine="rdflib"``. An rdflib ``Graph`` passed to :func:`run_query` is copied into an
Oxigraph store for each call; to query one graph many times, load it once with
:func:`load_store` (from a file) or :func:`to_store` (from a ``Graph``) and pass the store.

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

import pyoxigraph as ox
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
    "ENGINES",
    "DEFAULT_ENGINE",
    "load_store",
    "to_store",
    "bind_values",
    "query_parameters",
    "variable_parts",
    "query_form",
    "sparql_keywords",
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


_OX_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "n3": ox.RdfFormat.N3,
    "xml": ox.RdfFormat.RDF_XML,
    "json-ld": ox.RdfFormat.JSON_LD,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}
"""rdflib format name (as :func:`rdflib.util.guess_format` tells it) -> Oxigraph format."""


def load_store(path: str | Path) -> ox.Store:
    """Parse an RDF file straight into an in-memory Oxigraph store (the fast path: no rdflib).

    Same files and errors as :func:`load_graph`: the format is guessed from the extension,
    FileNotFoundError when the file does not exist, ValueError naming the file when the
    extension is unknown or the content does not parse. Quads (.nq, .trig) go into the default
    graph, as :func:`load_graph` merges them.
    """
    path = Path(path)
    fmt = guess_format(str(path))
    if fmt is None:
        raise ValueError(f"{path}: cannot tell the RDF format from the extension {path.suffix!r} (use .ttl, .jsonld or .nt)")
    if fmt not in _OX_FORMATS:
        raise ValueError(f"{path}: the {fmt} format is not supported here (use .ttl, .jsonld, .nt, .nq, .trig, .n3 or .rdf)")
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    store = ox.Store()
    try:
        if fmt in _QUAD_FORMATS:
            store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=_OX_FORMATS[fmt]))
        else:
            store.load(path=str(path), format=_OX_FORMATS[fmt])
    except (SyntaxError, ValueError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: not valid {fmt}: {err}") from err
    return store


class _Terms:
    """Converts RDF terms between rdflib and pyoxigraph, remembering each term it has seen
    (graphs and results repeat the same IRIs and labels many times)."""

    def __init__(self) -> None:
        self._to_ox: dict[Node, object] = {}
        self._to_rdflib: dict[object, Node] = {}

    def to_ox(self, term: Node):
        found = self._to_ox.get(term)
        if found is None:
            found = self._to_ox[term] = _ox_term(term)
        return found

    def to_rdflib(self, term) -> Node | None:
        if term is None:
            return None
        found = self._to_rdflib.get(term)
        if found is None:
            found = self._to_rdflib[term] = _rdflib_term(term)
        return found


_XSD_STRING = str(XSD.string)


def _ox_term(term: Node):
    """An rdflib term as a pyoxigraph term; ValueError for what Oxigraph cannot hold."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term)) if re.fullmatch(r"[A-Za-z0-9_]+", str(term)) else ox.BlankNode()
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise ValueError(f"cannot use {term!r} as an RDF term")


def _rdflib_term(term) -> Node:
    """A pyoxigraph term as an rdflib term, keeping the lexical form of literals."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)
    return Literal(str(term))  # an RDF-star triple term: its N-Triples form


def to_store(graph: Graph) -> ox.Store:
    """The triples of an rdflib graph in a new in-memory Oxigraph store.

    Blank nodes keep their ids when Oxigraph accepts them; two graphs copied separately share
    blank nodes of the same id, as in rdflib.
    """
    terms = _Terms()
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


ENGINES = ("oxigraph", "rdflib")
"""The SPARQL engines :func:`run_query` can use."""

DEFAULT_ENGINE = "oxigraph"
"""Chosen by the figures of ``bench/sparql.py`` (1 M triples, ``bench/README.md``): Oxigraph's
in-memory store answers every example query in 2-86 ms (median), its on-disk store in 2-380 ms,
rdflib in 0.3-15 s or not within 20 s."""

_OX_PREFIXES = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}

# Tokens of a SPARQL text that may hide braces, parentheses or keywords: strings, IRIs, comments.
_SPARQL_TOKEN = re.compile(
    r"""(?P<skip>"{3}(?:[^"\\]|\\.|"(?!""))*"{3}|'{3}(?:[^'\\]|\\.|'(?!''))*'{3}"""
    r"""|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'"""
    r"""|<[^<>"{}|^`\\\x00-\x20]*>|\#[^\n]*)"""
    r"""|(?P<open>\{)|(?P<close>\})|(?P<lpar>\()|(?P<rpar>\))"""
    r"""|(?P<var>[?$]\w+)|(?P<word>[A-Za-z_][\w\-.:]*)""",
    re.S,
)
_QUERY_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}


def _tokens(sparql: str):
    """The structural tokens of a SPARQL text (strings, IRIs and comments are skipped)."""
    for match in _SPARQL_TOKEN.finditer(sparql):
        if match.lastgroup != "skip":
            yield match


def sparql_keywords(sparql: str) -> list[str]:
    """The bare words of a SPARQL request, upper-cased, in order; none from its strings, IRIs,
    comments, variables or prefixed names.

    >>> sparql_keywords('PREFIX kg: <https://w3id.org/kg/ontology#> # SELECT\\nINSERT DATA { <a> kg:b "SERVICE" }')
    ['PREFIX', 'INSERT', 'DATA']
    """
    return [m.group().upper() for m in _tokens(sparql) if m.lastgroup == "word" and ":" not in m.group()]


_STAR = re.compile(r"\s*(?:(?:DISTINCT|REDUCED)\s+)?\*", re.I)


def select_star_order(sparql: str) -> list[str] | None:
    """For a ``SELECT *`` query, its variables in the order they first appear; else None.

    >>> select_star_order("SELECT * { ?s ?p ?o . ?s <x> ?q }")
    ['s', 'p', 'o', 'q']
    >>> select_star_order("SELECT ?o ?s { ?s ?p ?o }") is None
    True
    """
    tokens = _tokens(sparql)
    for match in tokens:
        if match.lastgroup == "word" and match.group().upper() == "SELECT":
            if not _STAR.match(sparql, match.end()):
                return None
            return list(dict.fromkeys(t.group()[1:] for t in tokens if t.lastgroup == "var"))
    return None


def query_form(sparql: str) -> str | None:
    """The first keyword after the prologue: ``SELECT``, ``CONSTRUCT``, ``ASK`` or ``DESCRIBE``
    for a query, ``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, ... for an update; None if none.

    >>> query_form("PREFIX kg: <https://w3id.org/kg/ontology#>\\nselect * { ?s kg:backs ?o }")
    'SELECT'
    """
    return next((word for word in sparql_keywords(sparql) if word not in ("PREFIX", "BASE")), None)


def _where_start(sparql: str) -> int | None:
    """The offset just after the ``{`` that opens the WHERE clause of the outermost query."""
    depth = parens = 0
    form = None
    template_next = False
    for match in _tokens(sparql):
        kind = match.lastgroup
        if kind == "word":
            word = match.group().upper()
            if depth == 0 and parens == 0:
                if form is None and word in _QUERY_FORMS:
                    form = word
                    template_next = word == "CONSTRUCT"
                elif word == "WHERE":
                    template_next = False
        elif kind == "lpar":
            parens += 1
        elif kind == "rpar":
            parens -= 1
        elif kind == "close":
            depth -= 1
        elif kind == "open":
            if depth == 0 and parens == 0 and form is not None:
                if not template_next:
                    return match.end()
                template_next = False  # the template of CONSTRUCT { ... } WHERE { ... }
            depth += 1
    return None


def _sparql_terms(sparql: str, bindings: Mapping[str, object]) -> dict[str, object]:
    """Variable name -> Oxigraph term, checked: the query uses the name, the value is no blank node."""
    terms = {}
    for name, value in _check_bindings(sparql, bindings).items():
        if not re.fullmatch(r"\w+", name):
            raise ValueError(f"not a SPARQL variable name: {name!r}")
        term = _ox_term(_binding_term(value))
        if isinstance(term, ox.BlankNode):
            raise ValueError(f"cannot bind ?{name} to a blank node")
        terms[name] = term
    return terms


def bind_values(sparql: str, bindings: Mapping[str, object]) -> str:
    """``sparql`` with every ``?var``/``$var`` of ``bindings`` replaced by its value as an RDF term.

    One of the ways :func:`run_query` binds variables on Oxigraph (see there). Values are
    written by Oxigraph's own N-Triples serializer and only where the query has the variable
    itself (never inside its strings, IRIs or comments), so quotes, braces and backslashes in a
    name stay inside the literal: a value is data, never SPARQL. Strings become plain literals;
    rdflib ``URIRef``/``Literal`` terms pass through.

    >>> print(bind_values('SELECT ?x { ?x rdfs:label ?name } # ?name', {"name": 'say "hi" }'}))
    SELECT ?x { ?x rdfs:label "say \\"hi\\" }" } # ?name
    """
    terms = _sparql_terms(sparql, bindings)
    if not terms:
        return sparql
    out, last = [], 0
    for match in _tokens(sparql):
        word = match.group()
        if match.lastgroup == "var" and word[1:] in terms:
            out += [sparql[last:match.start()], str(terms[word[1:]])]
            last = match.end()
    return "".join(out) + sparql[last:]


def variable_parts(sparql: str, name: str) -> list[str]:
    """``sparql`` cut at every ``?name``/``$name`` (the variable itself: none inside strings, IRIs
    or comments), without them: joining the parts with a term gives what :func:`bind_values` does.

    >>> variable_parts('SELECT ?x { ?x rdfs:label ?name } # ?name', "name")
    ['SELECT ?x { ?x rdfs:label ', ' } # ?name']
    """
    parts, last = [], 0
    for match in _tokens(sparql):
        if match.lastgroup == "var" and match.group()[1:] == name:
            parts.append(sparql[last:match.start()])
            last = match.end()
    return parts + [sparql[last:]]


_PARAMETER_LINE = re.compile(r"^#[ \t]*[?$](\w+):[ \t]*([A-Za-z][\w\-]*:[\w\-]+)", re.M)


def query_parameters(sparql: str) -> dict[str, str]:
    """The variables a query expects to be bound from outside, and the class of what each names,
    as its comments declare them: a line ``# ?name: kg:Actor, ...`` -> ``{"name": "kg:Actor"}``.

    >>> query_parameters("# Who attended one event.\\n# ?name: kg:Event, bound from outside\\nSELECT ...")
    {'name': 'kg:Event'}
    """
    found: dict[str, str] = {}
    for match in _PARAMETER_LINE.finditer(sparql):
        found.setdefault(match.group(1), match.group(2))
    return found


def _values_block(sparql: str, bindings: Mapping[str, object]) -> str:
    """``sparql`` with ``VALUES ?var { term }`` opening its outermost WHERE group, per binding."""
    at = _where_start(sparql)
    if at is None:
        raise ValueError("cannot bind variables: the query has no WHERE clause")
    clauses = " ".join(f"VALUES ?{name} {{ {term} }}" for name, term in _sparql_terms(sparql, bindings).items())
    return f"{sparql[:at]} {clauses}{sparql[at:]}"


def _ox_query(store: ox.Store, sparql: str, bindings: Mapping[str, object]):
    """Oxigraph's result for ``sparql`` with ``bindings`` (SyntaxError for a malformed query).

    A bound variable is replaced by its value (:func:`bind_values`), which Oxigraph's optimizer
    plans best (on a million triples an earlier ``actor.rq`` took about a second this way and ten
    times as long with a VALUES block), and which reaches the variable inside sub-selects, as the
    examples of ``ontology/queries`` need. Where a constant cannot stand (a projected ``SELECT ?name``,
    ``BOUND(?name)``, ``AS ?name``) Oxigraph's ``substitutions`` are used, which need the variable
    in the SELECT clause, and else a ``VALUES`` block opening the WHERE clause.
    """
    if not bindings:
        return store.query(sparql, prefixes=_OX_PREFIXES)
    try:
        return store.query(bind_values(sparql, bindings), prefixes=_OX_PREFIXES)
    except SyntaxError:
        store.query(sparql, prefixes=_OX_PREFIXES)  # a malformed query: its own error, raised here
    terms = {ox.Variable(name): term for name, term in _sparql_terms(sparql, bindings).items()}
    try:
        return store.query(sparql, prefixes=_OX_PREFIXES, substitutions=terms)
    except RuntimeError:
        return store.query(_values_block(sparql, bindings), prefixes=_OX_PREFIXES)


def run_query(
    graph: Graph | ox.Store,
    sparql: str,
    bindings: Mapping[str, str | Identifier] | None = None,
    *,
    engine: str | None = None,
) -> QueryResult:
    """Run a SPARQL query with the project prefixes predeclared.

    ``graph`` is an rdflib ``Graph`` or an Oxigraph ``Store`` (:func:`load_store`, :func:`to_store`).
    ``engine`` is ``"oxigraph"`` (the default, :data:`DEFAULT_ENGINE`) or ``"rdflib"`` (needs a
    ``Graph``). ``bindings`` pre-bind variables (``{"name": "Turkey"}`` binds ``?name`` to the
    literal "Turkey"): through rdflib's ``initBindings``, or on Oxigraph by putting the value,
    serialized by Oxigraph, where the variable stands (:func:`bind_values`, ``_ox_query``):
    values are data, never SPARQL.
    Raises ValueError for a query that does not parse or a binding the query does not use.
    """
    engine = (engine or DEFAULT_ENGINE).lower()
    if engine not in ENGINES:
        raise ValueError(f"unknown SPARQL engine {engine!r}; use one of {', '.join(ENGINES)}")
    if engine == "rdflib":
        if not isinstance(graph, Graph):
            raise ValueError("the rdflib engine needs an rdflib Graph")
        return _run_rdflib(graph, sparql, bindings or {})
    store = graph if isinstance(graph, ox.Store) else to_store(graph)
    return _run_oxigraph(store, sparql, bindings or {})


def _run_rdflib(graph: Graph, sparql: str, bindings: Mapping[str, str | Identifier]) -> QueryResult:
    try:
        prepared = prepareQuery(sparql, initNs=dict(PREFIXES))
    except Exception as err:
        raise ValueError(f"invalid SPARQL: {err}") from err
    init = {name: _binding_term(value) for name, value in _check_bindings(sparql, bindings).items()}
    result = graph.query(prepared, initBindings=init)
    if result.type == "ASK":
        return QueryResult(boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return _graph_result(result)
    return _select_result(result)


def _run_oxigraph(store: ox.Store, sparql: str, bindings: Mapping[str, str | Identifier]) -> QueryResult:
    try:
        result = _ox_query(store, sparql, bindings)
    except SyntaxError as err:
        raise ValueError(f"invalid SPARQL: {err}") from err
    except (RuntimeError, OSError) as err:
        raise ValueError(f"query failed: {err}") from err
    terms = _Terms()
    if isinstance(result, ox.QueryBoolean):
        return QueryResult(boolean=bool(result))
    if isinstance(result, ox.QueryTriples):
        triples = ((terms.to_rdflib(t.subject), terms.to_rdflib(t.predicate), terms.to_rdflib(t.object)) for t in result)
        return _graph_result(triples)
    variables = [variable.value for variable in result.variables]
    width = range(len(variables))
    rows = [tuple(terms.to_rdflib(solution[i]) for i in width) for solution in result]
    return QueryResult(
        variables=variables,
        rows=[tuple(_text(term) for term in row) for row in rows],
        terms=rows,
    )


# --------------------------------------------------------------------------- formatting

_TABLE_CELL_MAX = 100


def _compact(term: Node | None) -> str:
    """A short display form: prefixed IRIs (``kgr:country/turkey``), lexical form of literals."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        for prefix, namespace in sorted(((p, str(ns)) for p, ns in PREFIXES.items()), key=lambda item: -len(item[1])):
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
