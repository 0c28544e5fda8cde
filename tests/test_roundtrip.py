"""Round trip: what kg writes reads back the same in rdflib and in an independent parser.

pyoxigraph (Rust, its own Turtle, N-Triples and JSON-LD parsers) and rdflib must read the same
triples from every file kg writes, and those are the triples kg meant to write. IRIs minted from
names with quotes, spaces, slashes, ``#``, ``<>``, emoji and right-to-left scripts are valid
(pyoxigraph refuses invalid IRIs), and literals come back character for character. Names go into
queries as bound values, never spliced into the query text.
"""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pyoxigraph
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from typer.testing import CliRunner

from kg.cli import app
from kg.model import Assertion, Document, Entity, EntityKind, Evidence, KnowledgeGraph, Mode, RelationType
from kg.namespaces import KG, KGR, RDFS, SKOS
from kg.query import bind_values, load_query, run_query
from kg.rdf import document_iri, entity_iri, serialize, to_rdf
from kg.resolve import slugify

pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

ROOT = Path(__file__).resolve().parents[1]
INPUT = ROOT / "input"

OXIGRAPH_FORMATS = {
    "turtle": pyoxigraph.RdfFormat.TURTLE,
    "json-ld": pyoxigraph.RdfFormat.JSON_LD,
    "nt": pyoxigraph.RdfFormat.N_TRIPLES,
}
RDFLIB_FORMATS = {"turtle": "turtle", "json-ld": "json-ld", "nt": "nt"}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

NASTY_NAMES = [
    'The "Free" Army',
    "Hay'at Tahrir al-Sham",
    "Syrian Democratic Forces / YPG",
    "Group #1",
    "<Ansar> & <Allah>",
    "Peace 🕊️ Coalition 🇹🇷",
    "حزب الله",  # right to left
    "\u202eevil\u202c override",  # a right-to-left override inside a name
    "צה״ל",
    "Народный фронт",
    "{braces} | pipes ^ `ticks` \\ backslash",
    '"""triple quoted"""',
    "line\nbreak\r\nand\ttab",
    "nul\x00 and bell\x07 and del\x7f",
    "\u2028line separator\u2029paragraph separator\x85next line",
    "..",
    ".",
    "100% sure?",
    "  spaced  out  ",
    "e\u0301 combining",
]


# --------------------------------------------------------------------------- comparing parsers


def _nt_literal(value: str, datatype: str, language: str | None) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if language:
        return f'"{escaped}"@{language.lower()}'
    return f'"{escaped}"' if datatype == XSD_STRING else f'"{escaped}"^^<{datatype}>'


def _oxigraph_term(term) -> str:
    if isinstance(term, pyoxigraph.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, pyoxigraph.Literal):
        return _nt_literal(term.value, term.datatype.value, term.language)
    raise AssertionError(f"unexpected term {term!r} (kg writes no blank nodes)")


def _rdflib_term(term) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype else (LANG_STRING if term.language else XSD_STRING)
        return _nt_literal(str(term), datatype, term.language)
    raise AssertionError(f"unexpected term {term!r} (kg writes no blank nodes)")


def oxigraph_triples(data: bytes, fmt: str) -> set[str]:
    """The triples pyoxigraph reads, as canonical N-Triples lines."""
    parsed = pyoxigraph.parse(data, format=OXIGRAPH_FORMATS[fmt])
    return {" ".join(_oxigraph_term(t) for t in (q.subject, q.predicate, q.object)) for q in parsed}


def rdflib_triples(graph: Graph) -> set[str]:
    """The triples of an rdflib graph, as canonical N-Triples lines."""
    return {" ".join(_rdflib_term(t) for t in triple) for triple in graph}


def assert_round_trip(graph: Graph, fmt: str) -> None:
    """``graph`` written as ``fmt`` reads back as the same triples in rdflib and in pyoxigraph."""
    text = serialize(graph, fmt)
    expected = rdflib_triples(graph)
    assert rdflib_triples(Graph().parse(data=text, format=RDFLIB_FORMATS[fmt])) == expected
    assert oxigraph_triples(text.encode("utf-8"), fmt) == expected


# --------------------------------------------------------------------------- the sample build


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory) -> Path:
    from kg.build import build

    out = tmp_path_factory.mktemp("roundtrip") / "out"
    build([INPUT], out, cache=False)
    return out


@pytest.mark.parametrize(("name", "fmt"), [("graph.ttl", "turtle"), ("graph.jsonld", "json-ld")])
def test_built_files_read_the_same_in_rdflib_and_pyoxigraph(sample_out, name, fmt):
    data = (sample_out / name).read_bytes()
    graph = Graph().parse(data=data, format=fmt)
    ours = oxigraph_triples(data, fmt)
    assert len(graph) > 100
    assert len(ours) == len(graph)  # as many triples in both ...
    assert ours == rdflib_triples(graph)  # ... and the same ones
    assert not any(isinstance(term, BNode) for triple in graph for term in triple)


def test_turtle_and_jsonld_hold_the_same_triples_in_pyoxigraph(sample_out):
    turtle = oxigraph_triples((sample_out / "graph.ttl").read_bytes(), "turtle")
    jsonld = oxigraph_triples((sample_out / "graph.jsonld").read_bytes(), "json-ld")
    assert turtle == jsonld


def test_every_iri_in_the_build_is_valid(sample_out):
    graph = Graph().parse(sample_out / "graph.ttl")
    for term in {t for triple in graph for t in triple if isinstance(t, URIRef)}:
        pyoxigraph.NamedNode(str(term))  # raises ValueError for an invalid IRI
        assert _IRI_SAFE.fullmatch(str(term)), term


# --------------------------------------------------------------------------- names that fight back

_IRI_SAFE = re.compile(r"https?://[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+")  # ASCII, no space, quote or <>


def nasty_kg(names: list[str]) -> KnowledgeGraph:
    """One document and, per name, an organisation whose id, label and alt label are that name, and
    an assertion whose sentence is the name (so every kind of literal holds it)."""
    doc_id = "doc #1/ä b"
    text = " ".join(names)
    kg = KnowledgeGraph(documents=[Document(doc_id, text, "in put/دوك #1 \"x\".txt", title=names[0],
                                            date="2020-02-30", url='https://x.example/a b"c', source=names[-1])])
    kg.entities["anchor"] = Entity("anchor", EntityKind.COUNTRY, "Anchor", set(), {doc_id})
    for n, name in enumerate(names):
        entity_id = name if name else f"empty-{n}"
        kg.entities[entity_id] = Entity(entity_id, EntityKind.ORGANIZATION, name or "x", {name + " alt"}, {doc_id})
        evidence = Evidence(doc_id, name, n, n + len(name), Mode.REPORTED)
        kg.assertions.append(Assertion(entity_id, RelationType.BACKS, "anchor", evidence, speaker_id="anchor"))
    return kg


@pytest.mark.parametrize("name", NASTY_NAMES)
def test_iris_minted_from_nasty_names_are_valid(name):
    for entity_id in (name, slugify(name)):
        iri = str(entity_iri(Entity(entity_id, EntityKind.ORGANIZATION, name)))
        assert pyoxigraph.NamedNode(iri).value == iri
        assert _IRI_SAFE.fullmatch(iri), iri
        segment = iri[len(str(KGR) + "organization/"):]
        assert segment and "/" not in segment and "#" not in segment and segment not in (".", "..")
    assert _IRI_SAFE.fullmatch(str(document_iri(name)))


def test_distinct_names_give_distinct_iris():
    iris = {entity_iri(Entity(name, EntityKind.ORGANIZATION, name)) for name in NASTY_NAMES}
    assert len(iris) == len(NASTY_NAMES)


@pytest.mark.parametrize("fmt", ["turtle", "json-ld", "nt"])
def test_nasty_names_round_trip_in_both_parsers(fmt):
    graph = to_rdf(nasty_kg(NASTY_NAMES))
    assert_round_trip(graph, fmt)
    text = serialize(graph, fmt)
    labels = {str(o) for o in Graph().parse(data=text, format=RDFLIB_FORMATS[fmt]).objects(None, RDFS.label)}
    assert set(NASTY_NAMES) <= labels


@pytest.mark.parametrize("fmt", ["turtle", "nt"])
def test_written_text_has_no_raw_control_characters(fmt):
    text = serialize(to_rdf(nasty_kg(NASTY_NAMES)), fmt)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", text)


# Any text but lone surrogates (which cannot be written as UTF-8; kg.ingest replaces them).
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


@settings(max_examples=150, deadline=None, database=None)
@given(st.lists(texts, min_size=1, max_size=4))
def test_any_names_round_trip_in_both_parsers(names):
    kg = nasty_kg(names)
    graph = to_rdf(kg)
    for fmt in ("turtle", "json-ld", "nt"):
        assert_round_trip(graph, fmt)
        assert serialize(kg, fmt) == serialize(graph, fmt)  # what kg build streams
    text = serialize(graph, "json-ld")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@settings(max_examples=300, deadline=None, database=None)
@given(texts)
def test_any_name_gives_a_valid_iri(name):
    for entity_id in filter(None, (name, slugify(name))):
        iri = str(entity_iri(Entity(entity_id, EntityKind.PERSON, name)))
        assert pyoxigraph.NamedNode(iri).value == iri
        assert _IRI_SAFE.fullmatch(iri), iri


# --------------------------------------------------------------------------- text never becomes code

INJECTIONS = [
    'The "Free" {Army} } UNION { ?actor ?p ?o } #',
    "Erdogan' } ; DROP ALL ; #",
    '"} FILTER(true) {"',
    "back\\slash \\\" quote",
    "?name $name ${x} {{name}}",
]


def actor_kg(names: list[str]) -> KnowledgeGraph:
    """Per name, an armed group of that name that opposes Russia."""
    doc = Document("doc", "text", "doc.txt")
    kg = KnowledgeGraph(documents=[doc])
    kg.entities["russia"] = Entity("russia", EntityKind.COUNTRY, "Russia", set(), {"doc"})
    for n, name in enumerate(names):
        kg.entities[f"g{n}"] = Entity(f"g{n}", EntityKind.ARMED_GROUP, name, set(), {"doc"})
        sentence = f"Group {n} opposes Russia."
        kg.assertions.append(Assertion(f"g{n}", RelationType.OPPOSES, "russia", Evidence("doc", sentence, 0, len(sentence))))
    return kg


@pytest.fixture(scope="module")
def injection_graph_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("injection") / "graph.ttl"
    path.write_text(serialize(to_rdf(actor_kg(INJECTIONS)), "turtle"), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", INJECTIONS)
def test_kg_query_actor_with_quotes_and_braces_finds_exactly_that_actor(injection_graph_file, name):
    result = CliRunner().invoke(app, ["query", str(injection_graph_file), "actor", "--actor", name, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows, result.output
    assert {row["actorLabel"] for row in rows} == {name}
    assert {(row["direction"], row["relation"], row["otherLabel"]) for row in rows} == {("out", "opposes", "Russia")}


def test_kg_query_actor_that_is_not_there_finds_nothing(injection_graph_file):
    result = CliRunner().invoke(app, ["query", str(injection_graph_file), "actor", "--actor", '" } UNION { ?actor ?p ?o } #'])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == "0 rows"


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30).filter(lambda s: s.strip()))
def test_any_actor_name_is_bound_as_a_value(name):
    """On both engines, bound (``kg query --actor``) or written into the query as a term (the
    query page of ``kg serve``, :func:`kg.query.bind_values`): the actor of that name, no other."""
    graph = to_rdf(actor_kg([name, "Somebody Else"]))
    actor = load_query("actor")
    for engine in ("oxigraph", "rdflib"):
        for result in (run_query(graph, actor, {"name": name}, engine=engine),
                       run_query(graph, bind_values(actor, {"name": name}), engine=engine)):
            labels = {row[result.variables.index("actorLabel")] for row in result.rows}
            assert name in labels, engine
            assert labels <= {name, "Somebody Else"}, engine


@pytest.mark.parametrize("name", INJECTIONS)
def test_the_query_page_example_for_a_nasty_name_finds_that_actor(name):
    from kg.serve import example_queries

    (example,) = [e for e in example_queries(name) if e["name"] == "actor"]
    result = run_query(to_rdf(actor_kg(INJECTIONS)), example["query"])
    assert {row[result.variables.index("actorLabel")] for row in result.rows} == {name}
