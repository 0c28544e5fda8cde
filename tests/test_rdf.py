"""kg.rdf: IRIs, triples, provenance nodes, SHACL validation, deterministic serialization."""
from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from kg.camps import find_camps
from kg.contested import mark_contested
from kg.model import Assertion, Document, Entity, EntityKind, Evidence, KnowledgeGraph, Mode, RelationType
import kg.namespaces as ns  # ns.XSD: a module-level XSD makes pytest's collector warn
from kg.namespaces import KG, KGR, OWL, RDF, RDFS, SDO, SKOS, ontology_dir
from kg.rdf import (
    FORMATS,
    UnknownEntityError,
    assertion_iri,
    canonical_groups,
    document_iri,
    entity_iri,
    serialize,
    to_rdf,
    validate,
    write_graph,
    write_rdf,
)

UNDECLARED = Namespace(str(KG))  # kg: IRIs the ontology does not declare, which KG refuses to make
TEXT_1 = (
    "Erdogan backs Ankara's position in Idlib. "
    "Moscow opposes Turkey, Erdogan said. "
    "Erdogan will attend the Munich Security Conference. "
    "Turkey and Russia signed the Sochi deal."
)
TEXT_2 = "Russia opposes Turkey over Idlib."
TEXT_3 = "Moscow denied opposing Turkey."


def _evidence(doc_id: str, text: str, sentence: str, mode: Mode = Mode.FACT, date: str | None = None) -> Evidence:
    start = text.index(sentence)
    precision = {4: "year", 7: "month", 10: "day"}.get(len(date or ""))
    return Evidence(doc_id, sentence, start, start + len(sentence), mode, date=date, date_precision=precision)


def sample_kg() -> KnowledgeGraph:
    """Two countries, a person, an agreement, an event; each relation, reported speech, future;
    a denial (doc-3), so that Russia opposing Turkey is contested; sentences dated (the Sochi
    deal to September 2018, what doc-1 says else to its day; doc-2 has no understood date); a camp."""
    documents = [
        Document("doc-1", TEXT_1, "input/doc-1.txt", title="Idlib talks", date="2020-02-17",
                 url="https://example.org/news/1", source="Example News"),
        Document("doc-2", TEXT_2, "input/doc-2.txt", date="17 February 2020"),
        Document("doc-3", TEXT_3, "input/doc-3.txt", title="Moscow denies", date="2020-02-20", source="Wire"),
    ]
    entities = {
        "turkey": Entity("turkey", EntityKind.COUNTRY, "Turkey", {"Turkey", "Ankara", "Turkish forces"},
                         {"doc-1", "doc-2", "doc-3"}),
        "russia": Entity("russia", EntityKind.COUNTRY, "Russia", {"Moscow"}, {"doc-1", "doc-2", "doc-3"}),
        "erdogan": Entity("erdogan", EntityKind.PERSON, "Recep Tayyip Erdogan", {"Erdogan"}, {"doc-1"}),
        "sochi": Entity("sochi", EntityKind.AGREEMENT, "Sochi Agreement", {"Sochi deal"}, {"doc-1"}),
        "msc": Entity("msc", EntityKind.EVENT, "Munich Security Conference", set(), {"doc-1"}),
    }
    ev = lambda sentence, mode=Mode.FACT, date="2020-02-17": _evidence("doc-1", TEXT_1, sentence, mode, date)  # noqa: E731
    assertions = [
        Assertion("erdogan", RelationType.BACKS, "turkey", ev("Erdogan backs Ankara's position in Idlib.")),
        Assertion("russia", RelationType.OPPOSES, "turkey",
                  ev("Moscow opposes Turkey, Erdogan said.", Mode.REPORTED), speaker_id="erdogan"),
        Assertion("erdogan", RelationType.ATTENDED, "msc",
                  ev("Erdogan will attend the Munich Security Conference.", Mode.FUTURE)),
        Assertion("turkey", RelationType.AGREED, "sochi", ev("Turkey and Russia signed the Sochi deal.", date="2018-09")),
        Assertion("russia", RelationType.AGREED, "sochi", ev("Turkey and Russia signed the Sochi deal.", date="2018-09")),
        Assertion("russia", RelationType.OPPOSES, "turkey", _evidence("doc-2", TEXT_2, TEXT_2)),
        Assertion("russia", RelationType.OPPOSES, "turkey", _evidence("doc-3", TEXT_3, TEXT_3, Mode.DENIED, "2020-02-20"),
                  speaker_id="russia"),
    ]
    kg = KnowledgeGraph(documents, entities, mark_contested(assertions))
    kg.camps = find_camps(kg)  # as a build does: Erdogan and Turkey
    return kg


def iri(kind: str, entity_id: str) -> URIRef:
    return KGR[f"{kind}/{entity_id}"]


TURKEY, RUSSIA, ERDOGAN = iri("country", "turkey"), iri("country", "russia"), iri("person", "erdogan")
SOCHI, MSC = iri("agreement", "sochi"), iri("event", "msc")
DOC1 = KGR["document/doc-1"]


@pytest.fixture(scope="module")
def graph() -> Graph:
    return to_rdf(sample_kg())


def assertion_nodes(graph: Graph, relation: URIRef) -> list[URIRef]:
    return sorted(graph.subjects(KG.relation, relation))


# --------------------------------------------------------------------------- IRIs


def test_entity_and_document_iris():
    assert entity_iri(Entity("turkey", EntityKind.COUNTRY, "Turkey")) == TURKEY
    assert entity_iri(Entity("hts", EntityKind.ARMED_GROUP, "HTS")) == KGR["armedgroup/hts"]
    assert document_iri("doc-1") == DOC1
    assert document_iri("a/b c.txt") == KGR["document/a%2Fb%20c.txt"]


def test_assertion_iri_is_deterministic_and_keyed():
    kg = sample_kg()
    first = assertion_iri(kg.assertions[0])
    assert first == assertion_iri(sample_kg().assertions[0])
    assert re.fullmatch(r"https://w3id\.org/kg/resource/assertion/[0-9a-f]{16}", str(first))
    assert len({assertion_iri(a) for a in kg.assertions}) == len(kg.assertions)


def test_empty_id_is_refused():
    with pytest.raises(ValueError):
        entity_iri(Entity("", EntityKind.PERSON, "Nobody"))


# --------------------------------------------------------------------------- triples


def test_direct_relation_triples(graph):
    relations = {(s, p, o) for p in (KG.backs, KG.opposes, KG.attended, KG.agreed) for s, o in graph.subject_objects(p)}
    assert relations == {
        (ERDOGAN, KG.backs, TURKEY),
        (RUSSIA, KG.opposes, TURKEY),
        (ERDOGAN, KG.attended, MSC),
        (TURKEY, KG.agreed, SOCHI),
        (RUSSIA, KG.agreed, SOCHI),
    }


def test_entity_triples(graph):
    assert (TURKEY, RDF.type, KG.Country) in graph
    assert (ERDOGAN, RDF.type, KG.Person) in graph
    assert (SOCHI, RDF.type, KG.Agreement) in graph
    assert (MSC, RDF.type, KG.Event) in graph
    assert list(graph.objects(TURKEY, RDFS.label)) == [Literal("Turkey")]
    assert set(graph.objects(TURKEY, SKOS.altLabel)) == {Literal("Ankara"), Literal("Turkish forces")}
    assert set(graph.objects(TURKEY, KG.mentionedIn)) == {DOC1, KGR["document/doc-2"], KGR["document/doc-3"]}
    assert Literal("Turkey").datatype is None  # plain strings, xsd:string by default


def test_document_triples(graph):
    assert (DOC1, RDF.type, KG.Document) in graph
    assert graph.value(DOC1, KG.documentId) == Literal("doc-1")
    assert graph.value(DOC1, KG.path) == Literal("input/doc-1.txt")
    assert graph.value(DOC1, SDO.headline) == Literal("Idlib talks")
    assert graph.value(DOC1, SDO.datePublished) == Literal("2020-02-17", datatype=ns.XSD.date)
    assert graph.value(DOC1, SDO.url) == Literal("https://example.org/news/1", datatype=ns.XSD.anyURI)
    assert graph.value(DOC1, SDO.publisher) == Literal("Example News")
    doc2 = KGR["document/doc-2"]
    assert graph.value(doc2, SDO.datePublished) == Literal("17 February 2020")  # not ISO: plain
    assert graph.value(doc2, SDO.headline) is None


def test_one_assertion_node_per_assertion(graph):
    assert len(set(graph.subjects(RDF.type, KG.Assertion))) == 7
    assert len(assertion_nodes(graph, KG.opposes)) == 3  # stated twice, denied once
    assert len(set(graph.subjects(KG.mode, KG.Denied))) == 1
    assert len(assertion_nodes(graph, KG.agreed)) == 2


def test_reported_speech_assertion_fields(graph):
    kg = sample_kg()
    reported = kg.assertions[1]
    node = assertion_iri(reported)
    assert graph.value(node, RDF.type) == KG.Assertion
    assert graph.value(node, KG.subject) == RUSSIA
    assert graph.value(node, KG.relation) == KG.opposes
    assert graph.value(node, KG.object) == TURKEY
    assert graph.value(node, KG.source) == DOC1
    assert graph.value(node, KG.mode) == KG.ReportedSpeech
    assert graph.value(node, KG.speaker) == ERDOGAN
    sentence = graph.value(node, KG.sentence)
    start, end = graph.value(node, KG.startOffset), graph.value(node, KG.endOffset)
    assert start.datatype == ns.XSD.integer and end.datatype == ns.XSD.integer
    assert TEXT_1[start.toPython():end.toPython()] == str(sentence) == "Moscow opposes Turkey, Erdogan said."


def test_future_and_fact_modes(graph):
    (future,) = assertion_nodes(graph, KG.attended)
    assert graph.value(future, KG.mode) == KG.Future
    assert graph.value(future, KG.speaker) is None
    (fact,) = assertion_nodes(graph, KG.backs)
    assert graph.value(fact, KG.mode) == KG.Fact


def test_no_blank_nodes(graph):
    assert not [t for t in graph if any(isinstance(x, BNode) for x in t)]


def test_duplicate_assertions_collapse():
    kg = sample_kg()
    kg.assertions.append(kg.assertions[0])
    assert len(set(to_rdf(kg).subjects(RDF.type, KG.Assertion))) == 7


def test_speaker_only_with_reported_speech():
    kg = sample_kg()
    kg.assertions[0] = dataclasses.replace(kg.assertions[0], speaker_id="russia")
    graph = to_rdf(kg)
    assert graph.value(assertion_iri(kg.assertions[0]), KG.speaker) is None


def test_unknown_entity_is_an_error():
    kg = sample_kg()
    kg.assertions.append(Assertion("atlantis", RelationType.BACKS, "turkey", kg.assertions[0].evidence))
    with pytest.raises(UnknownEntityError, match="atlantis"):
        to_rdf(kg)


def test_every_kg_term_is_declared_in_the_ontology(graph):
    ontology = Graph().parse(ontology_dir() / "kg.ttl")
    used = {t for triple in graph for t in triple if isinstance(t, URIRef) and t.startswith(str(KG))}
    for term in used:
        assert ontology.value(term, RDFS.label) is not None, term
        assert ontology.value(term, RDFS.comment) is not None, term
    assert (URIRef("https://w3id.org/kg/ontology"), OWL.versionInfo, None) in ontology


# --------------------------------------------------------------------------- SHACL


def test_sample_graph_conforms(graph):
    conforms, report = validate(graph)
    assert conforms, report


def _first_assertion(graph: Graph) -> URIRef:
    return sorted(graph.subjects(RDF.type, KG.Assertion))[0]


BREAKAGES = {
    "assertion without source": lambda g: g.remove((_first_assertion(g), KG.source, None)),
    "two labels": lambda g: g.add((TURKEY, RDFS.label, Literal("Türkiye"))),
    "attended a country": lambda g: g.add((ERDOGAN, KG.attended, TURKEY)),
    "backs an event": lambda g: g.add((ERDOGAN, KG.backs, MSC)),
    "agreed an event": lambda g: g.add((TURKEY, KG.agreed, MSC)),
    "agreement as subject": lambda g: g.add((SOCHI, KG.backs, TURKEY)),
    "relation to an undeclared node": lambda g: g.add((TURKEY, KG.backs, iri("country", "nowhere"))),
    "unknown mode": lambda g: g.set((_first_assertion(g), KG.mode, UNDECLARED.Rumour)),
    "unknown relation": lambda g: g.set((_first_assertion(g), KG.relation, UNDECLARED.likes)),
    "negative offset": lambda g: g.set((_first_assertion(g), KG.startOffset, Literal(-1))),
    "start after end": lambda g: g.set((_first_assertion(g), KG.startOffset, Literal(10_000))),
    "speaker on a fact": lambda g: g.add((assertion_nodes(g, KG.backs)[0], KG.speaker, RUSSIA)),
    "direct triple missing": lambda g: g.remove((ERDOGAN, KG.backs, TURKEY)),
    "document without id": lambda g: g.remove((DOC1, KG.documentId, None)),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_broken_graphs_do_not_conform(breakage):
    graph = to_rdf(sample_kg())
    BREAKAGES[breakage](graph)
    conforms, report = validate(graph)
    assert not conforms
    assert "Constraint Violation" in report


def test_missing_source_is_named_in_the_report():
    graph = to_rdf(sample_kg())
    graph.remove((_first_assertion(graph), KG.source, None))
    conforms, report = validate(graph)
    assert not conforms and "kg:source" in report


def test_validate_does_not_modify_the_graph(graph):
    before = len(graph)
    validate(graph)
    assert len(graph) == before


# --------------------------------------------------------------------------- awkward names

AWKWARD = [
    'The "Free" Army',
    "Hay'at Tahrir al-Sham",
    "Syrian Democratic Forces / YPG",
    "Group #1",
    "<script>alert(1)</script>",
    "Peace 🕊️ Coalition",
    "حزب الله",
    "{braces} and | pipes ^ `ticks` \\ back",
    "..",
    "100%",
]


def awkward_kg() -> KnowledgeGraph:
    kg = KnowledgeGraph(documents=[Document("doc #1/a b", "text", "in put/doc #1.txt")])
    for name in AWKWARD:
        kg.entities[name] = Entity(name, EntityKind.ORGANIZATION, name, {name + " alt"}, {"doc #1/a b"})
    return kg


_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


@pytest.mark.parametrize("name", AWKWARD)
def test_awkward_ids_give_valid_iris(name):
    node = entity_iri(Entity(name, EntityKind.ORGANIZATION, name))
    local = str(node)[len(str(KGR)):]
    assert local.startswith("organization/")
    segment = local[len("organization/"):]
    assert "/" not in segment and "#" not in segment and segment not in (".", "..")
    assert not _IRI_FORBIDDEN.search(str(node))
    assert str(node).isascii()


@pytest.mark.parametrize("fmt,parser", [("turtle", "turtle"), ("json-ld", "json-ld"), ("nt", "nt")])
def test_awkward_names_round_trip(fmt, parser):
    graph = to_rdf(awkward_kg())
    parsed = Graph().parse(data=serialize(graph, fmt), format=parser)
    assert isomorphic(graph, parsed)
    labels = {str(o) for o in parsed.objects(None, RDFS.label)}
    assert labels == set(AWKWARD)
    assert len(set(parsed.subjects(RDF.type, KG.Organization))) == len(AWKWARD)


def test_awkward_graph_conforms():
    conforms, report = validate(to_rdf(awkward_kg()))
    assert conforms, report


# --------------------------------------------------------------------------- serialization


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_serialization_is_byte_identical(fmt):
    assert serialize(to_rdf(sample_kg()), fmt) == serialize(to_rdf(sample_kg()), fmt)


def test_serialization_does_not_depend_on_insertion_order(graph):
    reversed_graph = Graph()
    for triple in sorted(graph, key=lambda t: tuple(x.n3() for x in t), reverse=True):
        reversed_graph.add(triple)
    for fmt in ("turtle", "json-ld", "nt"):
        assert serialize(reversed_graph, fmt) == serialize(graph, fmt)


def test_serialization_is_identical_across_processes():
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from test_rdf import sample_kg; from kg.rdf import to_rdf, serialize;"
        "g = to_rdf(sample_kg()); sys.stdout.write(serialize(g, 'turtle') + serialize(g, 'json-ld'))"
    )
    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent)], env=env,
                              capture_output=True, text=True, check=True, cwd=Path(__file__).parent.parent)
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_jsonld_is_compact_and_parses(graph):
    document = json.loads(serialize(graph, "jsonld"))
    assert document["@context"]["kg"] == str(KG)
    ids = [node["@id"] for node in document["@graph"]]
    assert ids == sorted(ids)


def test_unknown_format():
    with pytest.raises(ValueError, match="turtle"):
        serialize(Graph(), "rdfa")


def test_write_graph(tmp_path, graph):
    written = write_graph(graph, tmp_path / "out")
    assert {p.name for p in written.values()} == {"graph.ttl", "graph.jsonld"}
    assert isomorphic(Graph().parse(written["turtle"]), graph)
    assert isomorphic(Graph().parse(written["json-ld"], format="json-ld"), graph)
    assert written["turtle"].read_text(encoding="utf-8") == serialize(graph, "turtle")


# --------------------------------------------------------------------------- streaming


@pytest.mark.parametrize("fmt", ["turtle", "json-ld", "nt"])
@pytest.mark.parametrize("make", [sample_kg, awkward_kg])
def test_a_knowledge_graph_is_written_as_its_rdflib_graph(make, fmt):
    """``kg build`` writes the knowledge graph without building the rdflib graph: same text."""
    assert serialize(make(), fmt) == serialize(to_rdf(make()), fmt)


def test_the_groups_of_a_knowledge_graph_are_those_of_its_rdflib_graph():
    kg = sample_kg()
    kg.assertions.append(kg.assertions[0])  # collapses in both
    kg.entities["turkey"].alt_labels.add("Turkey")  # the label: not an alt label in both
    assert list(canonical_groups(kg)) == list(canonical_groups(to_rdf(kg)))


def test_write_rdf_writes_every_format_in_one_pass(graph):
    outputs = {fmt: io.BytesIO() for fmt in ("turtle", "json-ld", "nt")}
    write_rdf(sample_kg(), outputs)
    for fmt, out in outputs.items():
        assert out.getvalue().decode("utf-8") == serialize(graph, fmt), fmt


def test_write_rdf_of_an_unknown_entity_writes_nothing():
    kg = sample_kg()
    kg.assertions.append(Assertion("atlantis", RelationType.BACKS, "turkey", kg.assertions[0].evidence))
    out = io.BytesIO()
    with pytest.raises(UnknownEntityError, match="atlantis"):
        write_rdf(kg, {"turtle": out})
    assert out.getvalue() == b""


def test_write_graph_from_a_knowledge_graph(tmp_path, graph):
    written = write_graph(sample_kg(), tmp_path)
    assert written["json-ld"].read_text(encoding="utf-8") == serialize(graph, "json-ld")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.jsonld", "graph.ttl"]


@pytest.mark.parametrize("make", [sample_kg, awkward_kg])
def test_jsonld_is_written_as_json_dumps_writes_it(make):
    """The streamed JSON-LD is canonical JSON: what ``json.dumps(indent=2, sort_keys=True)`` gives."""
    text = serialize(to_rdf(make()), "json-ld")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_empty_graph_in_every_format():
    assert json.loads(serialize(Graph(), "json-ld"))["@graph"] == []
    assert len(Graph().parse(data=serialize(Graph(), "turtle"), format="turtle")) == 0
    assert serialize(KnowledgeGraph(), "nt") == ""


def odd_graph() -> Graph:
    """Terms kg does not write but a graph read from elsewhere may hold (``kg export``)."""
    ex = "http://example.org/"
    s, blank = URIRef(ex + "a"), BNode("b1")
    graph = Graph()
    graph.add((s, RDF.type, KG.Person))
    graph.add((s, RDF.type, URIRef(ex + "Thing")))
    graph.add((s, RDF.type, Literal("a literal type")))
    for value in ("-5", "0", "12345678901234567890"):
        graph.add((s, UNDECLARED.number, Literal(value, datatype=ns.XSD.integer)))
    graph.add((s, UNDECLARED.number, Literal("1.5", datatype=ns.XSD.double)))
    graph.add((s, UNDECLARED.number, Literal("true", datatype=ns.XSD.boolean)))
    graph.add((s, UNDECLARED.text, Literal("hi", lang="en-GB")))
    graph.add((s, UNDECLARED.text, Literal("hi", datatype=ns.XSD.string)))
    graph.add((s, UNDECLARED.text, Literal("")))
    graph.add((s, UNDECLARED.text, Literal('tab\tquote" back\\slash\nnew line \x00 \u2028')))
    graph.add((s, UNDECLARED["dotted.name"], Literal("x")))
    graph.add((s, URIRef(str(KG) + "//x"), Literal("not a compact IRI")))
    graph.add((s, URIRef(ex + "p!x"), URIRef(ex + "é")))
    graph.add((s, UNDECLARED.blank, blank))
    graph.add((blank, RDFS.label, Literal("in a blank node")))
    return graph


@pytest.mark.parametrize("fmt", ["turtle", "json-ld", "nt"])
def test_odd_terms_round_trip(fmt):
    import pyoxigraph

    graph = odd_graph()
    text = serialize(graph, fmt)
    assert isomorphic(Graph().parse(data=text, format=fmt), graph)
    oxigraph_format = {"turtle": pyoxigraph.RdfFormat.TURTLE, "json-ld": pyoxigraph.RdfFormat.JSON_LD,
                       "nt": pyoxigraph.RdfFormat.N_TRIPLES}[fmt]
    assert len(list(pyoxigraph.parse(text.encode("utf-8"), format=oxigraph_format))) == len(graph)
    if fmt != "json-ld":  # JSON has its own escapes
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", text)


def test_a_state_carries_its_iso_code_and_the_shapes_check_it():
    kg = sample_kg()
    turkey = next(e for e in kg.entities.values() if e.label == "Turkey")
    kg.entities[turkey.entity_id] = dataclasses.replace(turkey, identifier="TUR")
    graph = to_rdf(kg)
    node = URIRef(KGR["country/" + turkey.entity_id])
    assert list(graph.objects(node, SDO.identifier)) == [Literal("TUR")]
    assert validate(graph)[0]

    graph.set((node, SDO.identifier, Literal("Turkey")))  # not a code
    conforms, report = validate(graph)
    assert not conforms and "ISO 3166-1 alpha-3" in report
