"""SPARQL Query Results XML Format (``application/sparql-results+xml``). A value holding a
character XML cannot (a NUL) has it replaced by U+FFFD (:mod:`kg.formats.xml_text`): the
document always parses.

>>> import pyoxigraph as ox
>>> print(write_solutions(["x"], [(ox.NamedNode("https://example.org/a&b"),)]), end="")
<?xml version="1.0"?>
<sparql xmlns="http://www.w3.org/2005/sparql-results#">
<head><variable name="x"/></head>
<results>
<result><binding name="x"><uri>https://example.org/a&amp;b</uri></binding></result>
</results>
</sparql>
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

from kg.formats.result_writers.terms import XSD_STRING, Row, Term
from kg.formats.xml_text import xml_text

__all__ = ["write_solutions", "write_boolean"]

_HEAD = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'


def _term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{xml_text(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{xml_text(term.value)}</literal>"
        return f"<literal>{xml_text(term.value)}</literal>"
    return f"<literal>{xml_text(str(term))}</literal>"


def write_solutions(variables: Sequence[str], rows: Iterable[Row]) -> str:
    """The variables in ``head``, a ``result`` per row with a ``binding`` per bound variable."""
    out = [_HEAD, "<head>", *(f"<variable name={quoteattr(v)}/>" for v in variables), "</head>\n<results>\n"]
    for row in rows:
        cells = "".join(f"<binding name={quoteattr(v)}>{_term(t)}</binding>" for v, t in zip(variables, row)
                        if t is not None)
        out.append(f"<result>{cells}</result>\n")
    out.append("</results>\n</sparql>\n")
    return "".join(out)


def write_boolean(value: bool) -> str:
    return f"{_HEAD}<head/>\n<boolean>{'true' if value else 'false'}</boolean>\n</sparql>\n"
