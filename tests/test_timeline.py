"""Issue 14's bars for time and contested claims, on whole articles, built as ``kg build`` builds them.

``data/seeds_feed.jsonl`` is the five sample articles (``input/``) as a JSONL feed with
publication dates in January and February 2020 (titles, urls and outlets made up for the test).
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph, Literal
from rdflib.namespace import XSD

from kg.build import build
from kg.export import export, export_text
from kg.namespaces import KG, RDF, RDFS, SDO
from kg.query import load_graph
from kg.rdf import validate

FEED = Path(__file__).parent / "data" / "seeds_feed.jsonl"


@pytest.fixture(scope="module")
def feed_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("feed") / "out"
    result = build([FEED], out, cache=False)
    assert not result.problems
    return result.graph, out / "graph.ttl"


@pytest.fixture(scope="module")
def feed_graph(feed_build) -> Graph:
    return load_graph(feed_build[1])


def test_the_feed_holds_the_sample_articles_dated_january_and_february_2020():
    records = [json.loads(line) for line in FEED.read_text(encoding="utf-8").splitlines()]
    samples = sorted((Path(__file__).parent.parent / "input").glob("*.txt"))
    assert [r["text"] for r in records] == [path.read_text(encoding="utf-8") for path in samples]
    assert {r["date"][:7] for r in records} == {"2020-01", "2020-02"}


def test_every_assertion_has_a_date_at_its_precision(feed_graph):
    assertions = set(feed_graph.subjects(RDF.type, KG.Assertion))
    assert len(assertions) > 30
    for node in assertions:
        (date,) = feed_graph.objects(node, KG.date)
        assert date.datatype in (XSD.date, XSD.gYearMonth, XSD.gYear), node
    published = {str(d) for d in feed_graph.objects(None, KG.date)}
    assert published - {"2020-01-20", "2020-02-07", "2020-02-12", "2020-02-15", "2020-02-17"}  # some from the text


def test_a_relation_the_text_dates_to_september_2018_is_dated_2018_09(feed_graph):
    sochi = next(s for s, label in feed_graph.subject_objects(RDFS.label) if str(label).lower() == "sochi agreement")
    dated = {}
    for node in feed_graph.subjects(KG.object, sochi):
        sentence = str(feed_graph.value(node, KG.sentence))
        if "September 2018" in sentence:
            dated[str(feed_graph.value(feed_graph.value(node, KG.subject), RDFS.label))] = feed_graph.value(node, KG.date)
    assert dated == {"Recep Tayyip Erdogan": Literal("2018-09", datatype=XSD.gYearMonth),
                     "Vladimir Putin": Literal("2018-09", datatype=XSD.gYearMonth)}
    # the agreement starts then: its earliest date in a sentence naming it
    assert feed_graph.value(sochi, KG.date) is None
    assert feed_graph.value(sochi, SDO.startDate) == Literal("2018-09", datatype=XSD.gYearMonth)


def test_a_weekday_is_read_against_the_articles_day(feed_graph):
    # published Saturday 2020-02-15: "The Turkish delegation on Monday will attend talks in Moscow"
    talks = [node for node in feed_graph.subjects(RDF.type, KG.Assertion)
             if str(feed_graph.value(node, KG.sentence)).startswith("“The Turkish delegation on Monday will attend")
             and feed_graph.value(node, KG.relation) == KG.attended
             and "Moscow" in str(feed_graph.value(feed_graph.value(node, KG.object), RDFS.label))]
    assert [str(feed_graph.value(node, KG.date)) for node in talks] == ["2020-02-17"]


def test_the_graph_conforms_to_the_shapes(feed_graph):
    conforms, report = validate(feed_graph)
    assert conforms, report


def test_the_events_csv_has_one_row_per_assertion(feed_build, feed_graph):
    rows = list(csv.DictReader(io.StringIO(export_text(feed_build[1], "events"))))
    nodes = {str(node) for node in feed_graph.subjects(RDF.type, KG.Assertion)}
    assert len(rows) == len(nodes) and {row["assertion"] for row in rows} == nodes
    # in date order, a year before the months in it: "agreed in 2018" (Turkey, Russia), then September 2018
    assert [row["date"] for row in rows][:4] == ["2018", "2018", "2018-09", "2018-09"]
    turkey = [row for row in rows if row["actor1_label"] == "Turkey"]
    assert turkey and {row["actor1_country"] for row in turkey} == {"TUR"} and {row["actor1_type"] for row in turkey} == {"Country"}
    assert all(row["source_url"].startswith("https://news.example.org/") and row["source_title"] for row in rows)


def test_the_gexf_dates_load_in_networkx(feed_build, tmp_path):
    loaded = nx.read_gexf(export(feed_build[1], "gexf", tmp_path / "graph.gexf"))
    spans = {(loaded.nodes[u]["label"], data["relation"], loaded.nodes[v]["label"]): (data["start"], data["end"])
             for u, v, data in loaded.edges(data=True)}
    assert spans[("Vladimir Putin", "agreed", "Sochi agreement")] == ("2018-09-01", "2018-09-30")
    assert spans[("Russia", "backs", "Syria")] == ("2020-02-07", "2020-02-17")  # earliest and latest article
    assert len(spans) == loaded.number_of_edges()  # every relation is dated


def test_an_article_stating_a_claim_and_its_denial(tmp_path):
    """One source says Rwanda backs M23, another that Kigali denies it: one kg:Denied assertion,
    its denier as speaker, both assertions contested, no direct triple from the denial."""
    feed = tmp_path / "news.jsonl"
    article = ("Rwanda backs the M23 rebels, Congo's government said on Monday. "
               "Kigali denied supporting the M23 rebels. Uganda has not backed the M23 rebels.")
    feed.write_text(json.dumps({"title": "Congo accuses Rwanda", "date": "2020-02-12", "text": article}) + "\n",
                    encoding="utf-8")
    result = build([feed], tmp_path / "out", cache=False)
    graph = load_graph(result.outputs["turtle"])
    denied = set(graph.subjects(KG.mode, KG.Denied))
    assert len(denied) == 2
    by_subject = {str(graph.value(graph.value(node, KG.subject), RDFS.label)): node for node in denied}
    rwanda = by_subject["Rwanda"]
    assert str(graph.value(graph.value(rwanda, KG.speaker), RDFS.label)) == "Rwanda"
    stated = [node for node in graph.subjects(KG.relation, KG.backs) if node not in denied]
    assert len(stated) == 1 and graph.value(stated[0], KG.mode) == KG.ReportedSpeech
    assert graph.value(stated[0], KG.contested) == graph.value(rwanda, KG.contested) == Literal(True)
    assert graph.value(stated[0], KG.date) == Literal("2020-02-10", datatype=XSD.date)  # "on Monday"
    uganda = by_subject["Uganda"]  # a negation: denied, with no denier, not contested
    assert graph.value(uganda, KG.speaker) is None and graph.value(uganda, KG.contested) is None
    assert not list(graph.triples((graph.value(uganda, KG.subject), KG.backs, None)))
    assert len(list(graph.triples((None, KG.backs, None)))) == 1  # the statement's only
    assert validate(graph)[0]
