"""The text of a SPARQL request, read without parsing it: its keywords, its form, the
``SELECT *`` order of its variables, its declared parameters, and values bound where its
variables stand (as data, never as SPARQL).

Strings, IRIs and comments are skipped as whole tokens, so what they hold is never taken for
a keyword, a brace or a variable.

>>> query_form("PREFIX kg: <https://w3id.org/kg/ontology#>\\nselect * { ?s kg:backs ?o }")
'SELECT'
"""
from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox
from rdflib import Literal
from rdflib.term import Identifier

from kg.query.terms import ox_term

__all__ = ["sparql_keywords", "select_star_order", "query_form", "where_start", "nesting", "CHAINING_WORDS",
           "binding_term", "check_bindings", "sparql_terms", "bind_values", "variable_parts", "query_parameters",
           "values_block"]


def binding_term(value: str | Identifier) -> Identifier:
    """A user value as an RDF term: strings become plain literals, rdflib terms pass through."""
    return value if isinstance(value, Identifier) else Literal(value)


def check_bindings(sparql: str, bindings: Mapping[str, object]) -> dict[str, object]:
    """Strip ``?``/``$`` from names; ValueError for a name the query never mentions."""
    cleaned = {name.lstrip("?$"): value for name, value in bindings.items()}
    for name in cleaned:
        if not re.search(rf"[?$]{re.escape(name)}\b", sparql):
            raise ValueError(f"the query has no variable ?{name} to bind")
    return cleaned


# Tokens of a SPARQL text that may hide braces, parentheses or keywords: strings, IRIs, comments.
# A comment ends at a line feed or a carriage return, as the grammar (and Oxigraph) ends it.
_SPARQL_TOKEN = re.compile(
    r"""(?P<skip>"{3}(?:[^"\\]|\\.|"(?!""))*"{3}|'{3}(?:[^'\\]|\\.|'(?!''))*'{3}"""
    r"""|"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*'"""
    r"""|<[^<>"{}|^`\\\x00-\x20]*>|\#[^\n\r]*)"""
    r"""|(?P<open>\{)|(?P<close>\})|(?P<lpar>\()|(?P<rpar>\))|(?P<lbracket>\[)|(?P<rbracket>\])"""
    r"""|(?P<var>[?$]\w+)|(?P<word>[A-Za-z_][\w\-.:]*)"""
    r"""|(?P<operator>\|\||&&|[!<>]=?|[=+\-*/|^])""",
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


def where_start(sparql: str) -> int | None:
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


# Words that chain what follows onto what precedes at one level: a parser makes N of them in a
# row a tree N deep, as it does N operators (``1 + 1 + ...``) or N groups side by side.
CHAINING_WORDS = frozenset({"UNION", "OPTIONAL", "MINUS", "BIND", "FILTER", "VALUES", "GRAPH", "SERVICE", "EXISTS"})
_OPENING = {"open", "lpar", "lbracket"}
_CLOSING = {"close", "rpar", "rbracket"}


def nesting(sparql: str) -> int:
    """How deep the tree a parser makes of ``sparql`` can grow, from its tokens alone: each group,
    parenthesis or bracket inside another is a level, and so is, at every level, each group,
    operator or word of :data:`CHAINING_WORDS` that follows another there. Strings, IRIs and
    comments count nothing.

    >>> nesting("SELECT ?s { ?s ?p ?o }"), nesting("SELECT ?s { { ?s ?p ?o } UNION { ?s ?p ?o } }")
    (2, 6)
    >>> nesting("ASK { FILTER(" + "1 + " * 100 + "1) }"), nesting('ASK { ?s ?p "{{{ # (((" }')
    (105, 2)
    """
    chained = [0]  # items chained so far at each open level, the outermost first
    depth = deepest = 0  # open levels plus every item chained on the way to here
    for match in _tokens(sparql):
        kind = match.lastgroup
        if kind in _OPENING:
            chained[-1] += 1
            chained.append(0)
            depth += 2
        elif kind in _CLOSING:
            if len(chained) > 1:
                depth -= chained.pop() + 1
        elif kind == "operator" or (kind == "word" and match.group().upper() in CHAINING_WORDS):
            chained[-1] += 1
            depth += 1
        deepest = max(deepest, depth)
    return deepest


def sparql_terms(sparql: str, bindings: Mapping[str, object]) -> dict[str, object]:
    """Variable name -> Oxigraph term, checked: the query uses the name, the value is no blank node."""
    terms = {}
    for name, value in check_bindings(sparql, bindings).items():
        if not re.fullmatch(r"\w+", name):
            raise ValueError(f"not a SPARQL variable name: {name!r}")
        term = ox_term(binding_term(value))
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
    terms = sparql_terms(sparql, bindings)
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


def values_block(sparql: str, bindings: Mapping[str, object]) -> str:
    """``sparql`` with ``VALUES ?var { term }`` opening its outermost WHERE group, per binding."""
    at = where_start(sparql)
    if at is None:
        raise ValueError("cannot bind variables: the query has no WHERE clause")
    clauses = " ".join(f"VALUES ?{name} {{ {term} }}" for name, term in sparql_terms(sparql, bindings).items())
    return f"{sparql[:at]} {clauses}{sparql[at:]}"

