"""kg export: every format loads back, the node-link formats carry what Gephi needs (dates for its
timeline), the CSV has one row per sentence of evidence, the events CSV one per assertion; and a
part of the graph (kg.subgraph) exports in every format."""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from test_rdf import sample_kg
from typer.testing import CliRunner

from kg.cli import app
from kg.export import CSV_COLUMNS, DEFAULT_GRAPH_IRI, EVENT_COLUMNS, EXPORT_FORMATS, export, export_text
from kg.namespaces import KG, KGR, RDF, RDFS
from kg.rdf import serialize, to_rdf, validate
from kg.subgraph import Selection


@pytest.fixture(scope="module")
def graph() -> Graph:
    return to_rdf(sample_kg())


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory, graph):
    path = tmp_path_factory.mktemp("export") / "graph.ttl"
    path.write_text(serialize(graph, "turtle"), encoding="utf-8")
    return path


ERDOGAN, TURKEY, RUSSIA = str(KGR["person/erdogan"]), str(KGR["country/turkey"]), str(KGR["country/russia"])


@pytest.mark.parametrize("fmt,rdflib_format", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_rdf_formats_hold_the_same_graph(graph_file, graph, fmt, rdflib_format):
    text = export_text(graph_file, fmt)
    assert isomorphic(Graph().parse(data=text, format=rdflib_format), graph)


def test_ttl_and_jsonld_are_what_kg_build_writes(graph_file, graph):
    assert export_text(graph_file, "ttl") == serialize(graph, "turtle")
    assert export_text(graph_file, "jsonld") == serialize(graph, "json-ld")


def test_nt_is_sorted_one_triple_a_line(graph_file, graph):
    lines = export_text(graph_file, "nt").splitlines()
    assert lines == sorted(lines) and len(lines) == len(graph)


def test_nq_puts_the_triples_in_one_named_graph(graph_file, graph):
    text = export_text(graph_file, "nq")
    dataset = Dataset()
    dataset.parse(data=text, format="nquads")
    contexts = {str(c) for _, _, _, c in dataset.quads()}
    assert contexts == {DEFAULT_GRAPH_IRI}
    assert isomorphic(dataset.graph(URIRef(DEFAULT_GRAPH_IRI)), graph)
    custom = export_text(graph_file, "nq", graph_iri="https://example.org/g")
    assert all(line.endswith("<https://example.org/g> .") for line in custom.splitlines())
    with pytest.raises(ValueError):
        export_text(graph_file, "nq", graph_iri="not an iri")


@pytest.mark.parametrize("fmt,read", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_node_link_formats_carry_type_names_and_relation(tmp_path, graph_file, fmt, read):
    path = export(graph_file, fmt, tmp_path / f"graph.{fmt}")
    loaded = read(path)
    assert loaded.is_directed()
    assert loaded.number_of_nodes() == 5  # 2 countries, a person, an agreement, an event: no documents, no assertions
    nodes = {data["label"]: data for _, data in loaded.nodes(data=True)}
    assert nodes["Turkey"]["kind"] == "Country" and nodes["Recep Tayyip Erdogan"]["kind"] == "Person"
    assert nodes["Sochi Agreement"]["kind"] == "Agreement" and nodes["Munich Security Conference"]["kind"] == "Event"
    assert set(nodes["Turkey"]["alt_labels"].split("; ")) == {"Ankara", "Turkish forces"}
    assert nodes["Turkey"]["iri"] == TURKEY
    edges = {(loaded.nodes[u]["label"], data["relation"], loaded.nodes[v]["label"]): data
             for u, v, data in loaded.edges(data=True)}
    assert set(edges) == {
        ("Recep Tayyip Erdogan", "backs", "Turkey"), ("Russia", "opposes", "Turkey"),
        ("Recep Tayyip Erdogan", "attended", "Munich Security Conference"),
        ("Turkey", "agreed", "Sochi Agreement"), ("Russia", "agreed", "Sochi Agreement"),
    }
    opposes = edges[("Russia", "opposes", "Turkey")]
    assert float(opposes["weight"]) == 2.0  # two sentences state it (the third, a denial, does not)
    assert opposes["modes"] == "Fact, ReportedSpeech" and int(opposes["documents"]) == 2
    assert opposes["contested"] in (True, "true") and edges[("Turkey", "agreed", "Sochi Agreement")]["contested"] in (False, "false")


def test_gexf_is_gephi_xml_with_declared_attributes(graph_file):
    root = ET.fromstring(export_text(graph_file, "gexf"))
    ns = {"g": root.tag[1:].split("}")[0]}
    titles = {a.get("title") for a in root.iterfind(".//g:attributes[@class='node']/g:attribute", ns)}
    assert {"kind", "alt_labels", "iri"} <= titles
    assert {n.get("label") for n in root.iterfind(".//g:node", ns)} >= {"Turkey", "Russia"}
    assert {e.get("label") for e in root.iterfind(".//g:edge", ns)} == {"backs", "opposes", "attended", "agreed"}


def test_graphml_declares_its_keys(graph_file):
    root = ET.fromstring(export_text(graph_file, "graphml"))
    keys = {(k.get("for"), k.get("attr.name")) for k in root.iter("{http://graphml.graphdrawing.org/xmlns}key")}
    assert {("node", "kind"), ("node", "label"), ("node", "alt_labels"), ("edge", "relation"), ("edge", "weight")} <= keys


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_a_control_character_from_a_feed_still_gives_xml_that_parses(tmp_path, graph, fmt):
    hostile = Graph()
    for triple in graph:
        hostile.add(triple)
    hostile.set((URIRef(TURKEY), RDFS.label, Literal("Tur\x00key\x1b[2J")))  # a NUL and a terminal escape
    path = tmp_path / "hostile.nt"
    path.write_text(serialize(hostile, "nt"), encoding="utf-8")
    root = ET.fromstring(export_text(path, fmt))  # raised before: GraphML's writer failed, GEXF did not parse
    assert "Tur\ufffdkey\ufffd[2J" in ET.tostring(root, encoding="unicode")


def test_gexf_edges_carry_their_dates_for_gephis_timeline(graph_file):
    root = ET.fromstring(export_text(graph_file, "gexf"))
    ns = {"g": root.tag[1:].split("}")[0]}
    graph = root.find("g:graph", ns)
    assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    loaded = nx.read_gexf(io.BytesIO(export_text(graph_file, "gexf").encode()))
    spans = {(loaded.nodes[u]["label"], data["relation"], loaded.nodes[v]["label"]): (data["start"], data["end"])
             for u, v, data in loaded.edges(data=True)}
    assert spans[("Turkey", "agreed", "Sochi Agreement")] == ("2018-09-01", "2018-09-30")  # a month, whole
    # stated on 2020-02-17 and in an undated article; the denial of 2020-02-20 is no part of the edge
    assert spans[("Russia", "opposes", "Turkey")] == ("2020-02-17", "2020-02-17")


def test_an_edge_without_a_dated_sentence_has_no_span(tmp_path, graph):
    undated = Graph()
    for triple in graph:
        if triple[1] != KG.date:
            undated.add(triple)
    path = tmp_path / "undated.nt"
    path.write_text(serialize(undated, "nt"), encoding="utf-8")
    loaded = nx.read_gexf(io.BytesIO(export_text(path, "gexf").encode()))
    assert loaded.number_of_edges() == 5 and not any("start" in data for _, _, data in loaded.edges(data=True))


def test_csv_is_an_edge_list_with_evidence(graph_file):
    rows = list(csv.DictReader(io.StringIO(export_text(graph_file, "csv"))))
    assert list(rows[0]) == CSV_COLUMNS
    assert len(rows) == 7  # one per assertion, the denial's too
    opposes = [r for r in rows if r["relation"] == "opposes"]
    assert {(r["source"], r["target"]) for r in opposes} == {(RUSSIA, TURKEY)}
    reported = next(r for r in opposes if r["mode"] == "ReportedSpeech")
    assert reported["speaker_label"] == "Recep Tayyip Erdogan" and reported["speaker"] == ERDOGAN
    assert reported["sentence"] == "Moscow opposes Turkey, Erdogan said."
    assert reported["document_id"] == "doc-1" and reported["title"] == "Idlib talks" and reported["date"] == "2020-02-17"
    assert reported["url"] == "https://example.org/news/1" and reported["assertion"].startswith(str(KGR["assertion/"]))
    assert int(reported["end_offset"]) - int(reported["start_offset"]) == len(reported["sentence"])
    assert [r["document_id"] for r in rows] == sorted(r["document_id"] for r in rows)
    assert reported["relation_date"] == "2020-02-17" and reported["contested"] == "true"
    (denied,) = [r for r in rows if r["mode"] == "Denied"]
    assert (denied["speaker_label"], denied["relation_date"], denied["date"]) == ("Russia", "2020-02-20", "2020-02-20")
    assert denied["contested"] == "true" and denied["sentence"] == "Moscow denied opposing Turkey."
    sochi = [r for r in rows if r["relation"] == "agreed"]
    assert {r["relation_date"] for r in sochi} == {"2018-09"} and {r["contested"] for r in sochi} == {"false"}


def test_events_are_one_row_per_assertion_by_date(tmp_path, graph):
    kg = sample_kg()
    kg.entities["turkey"].identifier = "TUR"
    path = tmp_path / "g.ttl"
    path.write_text(serialize(to_rdf(kg), "turtle"), encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(export_text(path, "events"))))
    assert list(rows[0]) == EVENT_COLUMNS
    assert {r["assertion"] for r in rows} == {str(a) for a in graph.subjects(RDF.type, KG.Assertion)} and len(rows) == 7
    assert [r["date"] for r in rows] == ["2018-09", "2018-09", "2020-02-17", "2020-02-17", "2020-02-17", "2020-02-20", ""]
    backs = next(r for r in rows if r["relation"] == "backs")
    assert (backs["actor1_label"], backs["actor1_type"], backs["actor1_country"]) == ("Recep Tayyip Erdogan", "Person", "")
    assert (backs["actor2_label"], backs["actor2_type"], backs["actor2_country"]) == ("Turkey", "Country", "TUR")
    assert (backs["source_title"], backs["source_url"], backs["published"]) == (
        "Idlib talks", "https://example.org/news/1", "2020-02-17")
    assert backs["sentence"] == "Erdogan backs Ankara's position in Idlib." and backs["start_offset"] == "0"
    denied = next(r for r in rows if r["mode"] == "Denied")
    assert (denied["speaker_label"], denied["contested"], denied["actor1_label"]) == ("Russia", "true", "Russia")


def test_csv_keeps_a_relation_without_evidence(tmp_path, graph):
    bare = Graph()
    for triple in graph:
        bare.add(triple)
    bare.add((KGR["country/russia"], URIRef("https://w3id.org/kg/ontology#backs"), KGR["country/turkey"]))
    path = tmp_path / "bare.nt"
    path.write_text(serialize(bare, "nt"), encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(export_text(path, "csv"))))
    backs = [r for r in rows if r["relation"] == "backs" and r["source"] == RUSSIA]
    assert len(backs) == 1 and backs[0]["sentence"] == "" and backs[0]["target_label"] == "Turkey"


def test_unknown_format(graph_file):
    with pytest.raises(ValueError, match="graphml"):
        export_text(graph_file, "xlsx")


def test_every_format_is_deterministic(graph_file):
    for fmt in EXPORT_FORMATS:
        assert export_text(graph_file, fmt) == export_text(graph_file, fmt), fmt


# --------------------------------------------------------------------------- kg export


runner = CliRunner()


def test_cli_writes_stdout(graph_file):
    result = runner.invoke(app, ["export", str(graph_file), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(",".join(CSV_COLUMNS))


def test_cli_writes_a_file(tmp_path, graph_file):
    out = tmp_path / "g.gexf"
    result = runner.invoke(app, ["export", str(graph_file), "--format", "gexf", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert nx.read_gexf(out).number_of_nodes() == 5


def test_cli_jsonld_parses(graph_file):
    result = runner.invoke(app, ["export", str(graph_file), "-f", "jsonld"])
    assert json.loads(result.stdout)["@context"]["kg"] == "https://w3id.org/kg/ontology#"


@pytest.mark.parametrize("args,message", [
    (["--format", "xlsx"], "unknown export format"),
    (["--format", "csv", "--graph", "x"], None),
])
def test_cli_errors(graph_file, args, message):
    result = runner.invoke(app, ["export", str(graph_file), *args])
    if message:
        assert result.exit_code == 2 and message in result.stderr
    else:
        assert result.exit_code == 0


def test_cli_exports_a_part_of_the_graph(graph_file):
    def relations(*args: str) -> set[tuple[str, str, str]]:
        result = runner.invoke(app, ["export", str(graph_file), "--format", "csv", *args])
        assert result.exit_code == 0, result.output
        return {(r["source_label"], r["relation"], r["target_label"]) for r in csv.DictReader(io.StringIO(result.stdout))}

    assert relations("--around", "Erdogan", "--hops", "0") == set()  # Erdogan alone
    assert relations("--around", "erdogan") == {  # one hop by default; his name ignoring case
        ("Recep Tayyip Erdogan", "backs", "Turkey"), ("Recep Tayyip Erdogan", "attended", "Munich Security Conference")}
    assert ("Russia", "agreed", "Sochi Agreement") in relations("--around", "Erdogan", "--hops", "2")
    result = runner.invoke(app, ["export", str(graph_file), "-f", "events", "--since", "2020-02-18"])
    assert [r["sentence"] for r in csv.DictReader(io.StringIO(result.stdout))] == ["Moscow denied opposing Turkey."]
    result = runner.invoke(app, ["export", str(graph_file), "-f", "csv", "--source", "example news", "--until", "2019"])
    assert {r["relation"] for r in csv.DictReader(io.StringIO(result.stdout))} == {"agreed"}


@pytest.mark.parametrize("args, message", [
    (["--around", "Nobody"], "no node of the graph is named 'Nobody'"),
    (["--since", "17/02/2020"], "--since '17/02/2020' is not a date"),
    (["--until", "2020-02-30"], "--until '2020-02-30' is not a date"),
    (["--source", "Nowhere Times"], "no article of the graph has the source"),
    (["--around", "Turkey", "--hops", "-1"], "--hops"),
])
def test_cli_selection_errors_are_one_line(graph_file, args, message):
    result = runner.invoke(app, ["export", str(graph_file), "--format", "nt", *args])
    assert result.exit_code == 2 and message in result.stderr


def test_cli_missing_graph(tmp_path):
    result = runner.invoke(app, ["export", str(tmp_path / "missing.ttl"), "--format", "nt"])
    assert result.exit_code == 2 and "missing.ttl" in result.stderr
