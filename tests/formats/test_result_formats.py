"""The one table of SPARQL results formats: each writer's output is read back by rdflib's own
results parsers; CSV lines end with CRLF; formats are found by name or media type."""
from __future__ import annotations

import io

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.query import Result

from kg.formats.result_formats import RESULT_FORMATS, result_format

XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
VARIABLES = ["iri", "blank", "number", "text", "unbound"]
AWKWARD = 'hé, "quoted"\nsecond line\tand a tab'
ROWS = [
    (ox.NamedNode("https://example.org/a?x=1&y=2"), ox.BlankNode("b0"), ox.Literal("7", datatype=XSD_INTEGER),
     ox.Literal(AWKWARD, language="fr"), None),
    (ox.NamedNode("https://example.org/b"), None, None, ox.Literal("plain"), None),
]
SERVED = [fmt for fmt in RESULT_FORMATS.values() if fmt.media_type]


def parsed(name: str, text: str) -> Result:
    """``text`` read by rdflib's parser of the SPARQL results format ``name``."""
    return Result.parse(io.BytesIO(text.encode("utf-8")) if name == "xml" else io.StringIO(text), format=name)


@pytest.mark.parametrize("name", ["json", "xml", "tsv"])
def test_typed_formats_read_back_as_the_same_terms(name):
    result = parsed(name, RESULT_FORMATS[name].write_solutions(VARIABLES, ROWS))
    assert [str(v) for v in result.vars] == VARIABLES
    first, second = list(result)
    assert first[0] == URIRef("https://example.org/a?x=1&y=2") and isinstance(first[1], BNode)
    assert first[2] == Literal("7", datatype=URIRef(XSD_INTEGER.value)) and first[3] == Literal(AWKWARD, lang="fr")
    assert first[4] is None and second[1] is None and second[3] == Literal("plain")


def test_csv_reads_back_as_plain_values_with_crlf_line_ends():
    text = RESULT_FORMATS["csv"].write_solutions(VARIABLES, ROWS)
    assert text.startswith("iri,blank,number,text,unbound\r\n") and text.endswith("\r\n")
    first, second = list(parsed("csv", text))
    assert [str(term) for term in first[:4]] == ["https://example.org/a?x=1&y=2", "_:b0", "7", AWKWARD]
    assert first[4] is None and second[1] is None
    assert RESULT_FORMATS["csv"].write_boolean(True) == "true\r\n"


@pytest.mark.parametrize("name", ["json", "xml"])
def test_an_ask_reads_back(name):
    for value in (True, False):
        assert parsed(name, RESULT_FORMATS[name].write_boolean(value)).askAnswer is value


def test_the_table_is_for_people_and_the_others_are_served():
    assert RESULT_FORMATS["table"].media_type is None
    assert [fmt.name for fmt in SERVED] == ["json", "xml", "csv", "tsv"]
    text = RESULT_FORMATS["table"].write_solutions(VARIABLES, ROWS)
    assert "second line and a tab" in text and text.endswith("2 rows\n")


def test_a_long_value_is_cut_in_the_table():
    text = RESULT_FORMATS["table"].write_solutions(["x"], [(ox.Literal("word " * 50),)])
    assert text.splitlines()[2].endswith("…") and len(text.splitlines()[2]) == 100


def test_a_format_is_found_by_name_or_media_type():
    assert result_format("CSV") is result_format("text/csv") is RESULT_FORMATS["csv"]
    assert result_format("application/json") is RESULT_FORMATS["json"]
    assert RESULT_FORMATS.find("text/turtle") is None
    with pytest.raises(ValueError, match="table, json, xml, csv, tsv"):
        result_format("yaml")
