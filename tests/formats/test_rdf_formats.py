"""The one table of RDF formats: consistent with rdflib and Oxigraph, found by any of its names
and media types, and every format kg writes reads back as the same graph."""
from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.util import guess_format
from test_rdf import sample_kg

from kg.formats.rdf_formats import RDF_FORMATS, rdf_format
from kg.formats.registry import Registry
from kg.rdf import FORMATS, serialize, to_rdf

WRITTEN = [fmt for fmt in RDF_FORMATS.values() if fmt.writer]


@pytest.mark.parametrize("fmt", RDF_FORMATS.values(), ids=list(RDF_FORMATS))
def test_a_formats_name_is_what_rdflib_calls_a_file_with_its_extension(fmt):
    assert guess_format("graph" + fmt.extension) == fmt.name


@pytest.mark.parametrize("fmt", [f for f in RDF_FORMATS.values() if f.oxigraph], ids=lambda f: f.name)
def test_a_format_oxigraph_knows_has_oxigraphs_media_type_and_extension(fmt):
    assert fmt.ox_format.media_type == fmt.media_type
    assert "." + fmt.ox_format.file_extension == fmt.extension


def test_a_format_oxigraph_cannot_read_says_so():
    assert RDF_FORMATS["trix"].oxigraph is None
    with pytest.raises(ValueError, match="trix"):
        RDF_FORMATS["trix"].ox_format


def test_kg_writes_turtle_n_triples_and_json_ld():
    assert [fmt.name for fmt in WRITTEN] == ["turtle", "nt", "json-ld"]
    assert set(FORMATS) == {name for fmt in WRITTEN for name in fmt.names}


@pytest.mark.parametrize("fmt", WRITTEN, ids=lambda f: f.name)
def test_what_kg_writes_reads_back_as_the_same_graph_by_every_name(fmt):
    graph = to_rdf(sample_kg())
    text = serialize(graph, fmt.name)
    assert isomorphic(Graph().parse(data=text, format=fmt.name), graph)
    assert isomorphic(Graph().parse(data=text, format=fmt.ox_format.media_type), graph)
    for name in fmt.aliases:
        assert serialize(graph, name.upper()) == text


def test_a_format_is_found_by_any_name_or_media_type_in_any_case():
    assert rdf_format("TTL") is rdf_format("application/x-turtle") is RDF_FORMATS["turtle"]
    assert rdf_format("rdf+xml") is rdf_format("text/xml") is RDF_FORMATS["xml"]
    assert rdf_format("nq").quads and not rdf_format("nt").quads
    assert RDF_FORMATS.find("text/html") is None
    with pytest.raises(ValueError, match="turtle, nt, json-ld"):
        rdf_format("rdfa")


def test_n3_is_answered_as_turtle():
    assert RDF_FORMATS["n3"].written_as == "turtle" and RDF_FORMATS["n3"].writer is None


def test_no_name_or_media_type_is_claimed_by_two_formats():
    @dataclass(frozen=True)
    class Format:
        names: tuple[str, ...]
        media_types: tuple[str, ...]

    with pytest.raises(ValueError, match="'json'"):
        Registry("RDF", [Format(("json-ld", "json"), ()), Format(("JSON",), ())])
    keys = [key.lower() for fmt in RDF_FORMATS.values() for key in (*fmt.names, *fmt.media_types)]
    assert len(keys) == len(set(keys))


def test_pyoxigraph_reads_what_kg_writes_in_each_of_its_formats():
    graph = to_rdf(sample_kg())
    for fmt in WRITTEN:
        assert len(list(pyoxigraph.parse(serialize(graph, fmt.name), format=fmt.ox_format))) == len(graph)
