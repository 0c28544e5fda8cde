"""kg.query: the example queries on the sample graph, safe bindings, output formats, loading files."""
from __future__ import annotations

import csv
import io
import json

import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.compare import isomorphic
from rich.cells import cell_len
from test_rdf import sample_kg

from kg.contested import mark_contested
from kg.model import Assertion, Document, Entity, EntityKind, Evidence, Mode, RelationType
from kg.namespaces import KG, KGR, queries_dir
from kg.query import QueryResult, format_result, list_queries, load_graph, load_query, query_parameters, run_query
from kg.rdf import serialize, to_rdf

UNDECLARED = Namespace(str(KG))  # kg: IRIs the ontology does not declare, which KG refuses to make
TRICKY = 'The "Free" {Army} } UNION { ?actor ?p ?o } #'


@pytest.fixture(scope="module")
def graph() -> Graph:
    return to_rdf(sample_kg())


@pytest.fixture(scope="module")
def tricky_graph() -> Graph:
    """The sample graph plus an actor whose name is a SPARQL injection attempt."""
    kg = sample_kg()
    kg.entities["tricky"] = Entity("tricky", EntityKind.ARMED_GROUP, TRICKY, {"FA"}, {"doc-2"})
    evidence = Evidence("doc-2", "Russia opposes Turkey over Idlib.", 0, 33)
    kg.assertions.append(Assertion("tricky", RelationType.OPPOSES, "russia", evidence))
    return to_rdf(kg)


def labels(result: QueryResult, *columns: str) -> list[tuple]:
    """The chosen columns of every row, by variable name."""
    index = [result.variables.index(c) for c in columns]
    return [tuple(row[i] for i in index) for row in result.rows]


# --------------------------------------------------------------------------- example queries

EXPECTED_QUERIES = {"actor", "agreement_parties", "agreements", "attended", "backs", "events", "evidence", "opposes",
                    "relations_between", "relation_dates", "contested", "denials"}
PARAMETERISED = {"actor": "kg:Actor", "evidence": "kg:Actor", "attended": "kg:Event", "agreement_parties": "kg:Agreement"}
SAMPLE_NAMES = {"kg:Actor": "Turkey", "kg:Event": "Munich Security Conference", "kg:Agreement": "Sochi Agreement"}
"""A node of each class the parameterised examples name, in the sample graph."""


def sample_bindings(name: str) -> dict[str, str] | None:
    """``?name`` for an example query on the sample graph: a node of the class it names."""
    kind = PARAMETERISED.get(name)
    return {"name": SAMPLE_NAMES[kind]} if kind else None


def test_example_queries_exist_and_say_what_they_answer():
    found = list_queries()
    assert EXPECTED_QUERIES <= set(found)
    for name, path in found.items():
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# "), path
        # A query about one thing declares what ?name names; the others are ranked and bounded.
        assert query_parameters(text) == ({"name": PARAMETERISED[name]} if name in PARAMETERISED else {}), path
        assert "LIMIT 100" in text, path


def test_backs_ranks_actors_by_backers(graph):
    result = run_query(graph, load_query("backs"))
    assert result.variables == ["actor", "actorLabel", "backers"]
    assert result.rows == [(str(KGR["country/turkey"]), "Turkey", "1")]


def test_opposes_ranks_actors_by_opponents(graph):
    result = run_query(graph, load_query("opposes"))
    assert labels(result, "actor", "actorLabel", "opponents") == [(str(KGR["country/turkey"]), "Turkey", "1")]


def test_overviews_rank_by_count_and_keep_100():
    """Ranked by the count; ties at the cut are broken by IRI, so that the 100 kept are the same
    on every engine and every run."""
    kg = sample_kg()
    evidence = Evidence("doc-2", "Russia opposes Turkey over Idlib.", 0, 33)
    for i in range(150):
        kg.entities[f"group-{i:03d}"] = Entity(f"group-{i:03d}", EntityKind.ARMED_GROUP, f"Group {i:03d}", set(), {"doc-2"})
        kg.assertions.append(Assertion(f"group-{i:03d}", RelationType.BACKS, "russia", evidence))
        if i:
            kg.assertions.append(Assertion(f"group-{i - 1:03d}", RelationType.BACKS, f"group-{i:03d}", evidence))
    big = to_rdf(kg)
    expected = [("Russia", "150")] + [(f"Group {i:03d}", "1") for i in range(1, 100)]  # 150 tie at 1
    for engine in ("oxigraph", "rdflib"):
        assert labels(run_query(big, load_query("backs"), engine=engine), "actorLabel", "backers") == expected, engine


def test_events_rank_by_attendees(graph):
    result = run_query(graph, load_query("events"))
    assert labels(result, "event", "eventLabel", "attendees") == [(str(KGR["event/msc"]), "Munich Security Conference", "1")]


def test_agreements_rank_by_parties(graph):
    result = run_query(graph, load_query("agreements"))
    assert labels(result, "agreement", "agreementLabel", "parties") == [(str(KGR["agreement/sochi"]), "Sochi Agreement", "2")]


def test_attended_one_event(graph):
    result = run_query(graph, load_query("attended"), {"name": "Munich Security Conference"})
    assert labels(result, "eventLabel", "actorLabel", "evidence", "facts", "reported", "future", "first", "latest") == [
        ("Munich Security Conference", "Recep Tayyip Erdogan", "1", "0", "0", "1", "2020-02-17", "2020-02-17")
    ]
    assert labels(result, "actor") == [(str(KGR["person/erdogan"]),)]
    assert run_query(graph, load_query("attended"), {"name": "Sochi Agreement"}).rows == []  # not an event


def test_agreement_parties_of_one_agreement(graph):
    result = run_query(graph, load_query("agreement_parties"), {"name": "Sochi deal"})  # an alt label
    rows = labels(result, "agreementLabel", "partyLabel", "evidence", "facts", "reported", "future", "latest")
    assert rows == [
        ("Sochi Agreement", "Russia", "1", "1", "0", "0", "2020-02-17"),
        ("Sochi Agreement", "Turkey", "1", "1", "0", "0", "2020-02-17"),
    ]
    assert run_query(graph, load_query("agreement_parties"), {"name": "sochi agreement"}).rows == result.rows


# --------------------------------------------------------------------------- time and contested claims

SOCHI_DEAL = "Turkey and Russia signed the Sochi deal."


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("bindings, expected", [
    ({}, [("Russia", "agreed", "Sochi Agreement", "2018-09", "2018-09", "1"),
          ("Turkey", "agreed", "Sochi Agreement", "2018-09", "2018-09", "1"),
          ("Recep Tayyip Erdogan", "attended", "Munich Security Conference", "2020-02-17", "2020-02-17", "1"),
          ("Recep Tayyip Erdogan", "backs", "Turkey", "2020-02-17", "2020-02-17", "1"),
          ("Russia", "opposes", "Turkey", "2020-02-17", "2020-02-17", "1")]),  # the denial and doc-2 left out
    ({"since": "2018", "until": "2018"}, [("Russia", "agreed", "Sochi Agreement", "2018-09", "2018-09", "1"),
                                          ("Turkey", "agreed", "Sochi Agreement", "2018-09", "2018-09", "1")]),
    ({"since": "2018-09-30", "until": "2019"}, [("Russia", "agreed", "Sochi Agreement", "2018-09", "2018-09", "1"),
                                                ("Turkey", "agreed", "Sochi Agreement", "2018-09", "2018-09", "1")]),
    ({"since": "2018-10"}, [("Recep Tayyip Erdogan", "attended", "Munich Security Conference", "2020-02-17",
                             "2020-02-17", "1"),
                            ("Recep Tayyip Erdogan", "backs", "Turkey", "2020-02-17", "2020-02-17", "1"),
                            ("Russia", "opposes", "Turkey", "2020-02-17", "2020-02-17", "1")]),
    ({"until": "2020-02-16"}, [("Russia", "agreed", "Sochi Agreement", "2018-09", "2018-09", "1"),
                               ("Turkey", "agreed", "Sochi Agreement", "2018-09", "2018-09", "1")]),
    ({"since": "2020-02-18"}, []),  # only the denial is dated later
])
def test_relations_between_two_dates(graph, engine, bindings, expected):
    result = run_query(graph, load_query("relations_between"), bindings, engine=engine)
    assert labels(result, "subjectLabel", "relation", "objectLabel", "first", "last", "evidence") == expected


def test_relations_between_agrees_with_the_periods_python_reads():
    """The range the query keeps is the one kg export --since/--until keeps (kg.periods.overlaps)."""
    from kg.periods import overlaps

    dates = ["2018", "2018-09", "2018-09-15", "2019-12-31", "2020-02", "2020-02-29"]
    kg = sample_kg()
    kg.documents.append(Document("doc-9", "", "doc-9.txt"))
    kg.entities["sochi"].documents.add("doc-9")
    kg.assertions = [Assertion("turkey", RelationType.AGREED, "sochi", Evidence("doc-9", date, i, i + 1, date=date))
                     for i, date in enumerate(dates)]
    graph = to_rdf(kg)
    bounds = [None, "2018", "2018-09", "2018-09-10", "2018-09-15", "2019-12", "2020-02-29", "2020"]
    for since in bounds:
        for until in bounds:
            bindings = {k: v for k, v in (("since", since), ("until", until)) if v is not None}
            result = run_query(graph, load_query("relations_between"), bindings)
            expected = [d for d in dates if overlaps(d, since, until)]
            assert labels(result, "evidence") == ([(str(len(expected)),)] if expected else []), (since, until)
            if expected:
                assert labels(result, "first", "last") == [(min(expected), max(expected))], (since, until)


def test_relation_dates_give_first_and_last_seen(graph):
    result = run_query(graph, load_query("relation_dates"))
    rows = labels(result, "subjectLabel", "relation", "objectLabel", "firstSeen", "lastSeen", "evidence", "undated")
    assert rows == [
        ("Recep Tayyip Erdogan", "attended", "Munich Security Conference", "2020-02-17", "2020-02-17", "1", "0"),
        ("Recep Tayyip Erdogan", "backs", "Turkey", "2020-02-17", "2020-02-17", "1", "0"),
        ("Russia", "opposes", "Turkey", "2020-02-17", "2020-02-17", "2", "1"),  # doc-2's sentence is undated
        ("Russia", "agreed", "Sochi Agreement", "2018-09", "2018-09", "1", "0"),
        ("Turkey", "agreed", "Sochi Agreement", "2018-09", "2018-09", "1", "0"),
    ]


def test_relation_dates_show_a_stance_that_flips():
    kg = sample_kg()
    later = Evidence("doc-3", "Moscow now backs Turkey.", 0, 24, date="2021-05", date_precision="month")
    kg.assertions = mark_contested([*kg.assertions, Assertion("russia", RelationType.BACKS, "turkey", later)])
    result = run_query(to_rdf(kg), load_query("relation_dates"))
    rows = [row for row in labels(result, "subjectLabel", "relation", "objectLabel", "firstSeen", "lastSeen")
            if row[0] == "Russia" and row[2] == "Turkey"]
    assert rows == [("Russia", "backs", "Turkey", "2021-05", "2021-05"),
                    ("Russia", "opposes", "Turkey", "2020-02-17", "2020-02-17")]
    contested = run_query(to_rdf(kg), load_query("contested"))
    assert {row[1] for row in labels(contested, "subjectLabel", "relation")} == {"backs", "opposes"}


def test_contested_lists_both_sides_with_their_sentences(graph):
    result = run_query(graph, load_query("contested"))
    rows = labels(result, "subjectLabel", "relation", "objectLabel", "mode", "speakerLabel", "date", "sentence")
    assert rows == [
        ("Russia", "opposes", "Turkey", "ReportedSpeech", "Recep Tayyip Erdogan", "2020-02-17",
         "Moscow opposes Turkey, Erdogan said."),
        ("Russia", "opposes", "Turkey", "Denied", "Russia", "2020-02-20", "Moscow denied opposing Turkey."),
        ("Russia", "opposes", "Turkey", "Fact", None, None, "Russia opposes Turkey over Idlib."),  # undated last
    ]
    assert labels(result, "title", "url")[0] == ("Idlib talks", "https://example.org/news/1")


def test_denials_say_who_denies_what(graph):
    result = run_query(graph, load_query("denials"))
    rows = labels(result, "speakerLabel", "subjectLabel", "relation", "objectLabel", "date", "contested", "sentence",
                  "title")
    assert rows == [("Russia", "Russia", "opposes", "Turkey", "2020-02-20", "true", "Moscow denied opposing Turkey.",
                     "Moscow denies")]


def test_a_denial_is_no_party_nor_attendee():
    kg = sample_kg()
    denial = _denial("Erdogan denied signing the Sochi deal.")
    kg.assertions += [Assertion("erdogan", RelationType.AGREED, "sochi", denial),
                      Assertion("turkey", RelationType.ATTENDED, "msc", denial)]
    graph = to_rdf(kg)
    parties = run_query(graph, load_query("agreement_parties"), {"name": "Sochi Agreement"})
    assert {row[0] for row in labels(parties, "partyLabel")} == {"Russia", "Turkey"}
    attended = run_query(graph, load_query("attended"), {"name": "Munich Security Conference"})
    assert {row[0] for row in labels(attended, "actorLabel")} == {"Recep Tayyip Erdogan"}
    denials = run_query(graph, load_query("denials"))
    assert len(denials.rows) == 3


def _denial(sentence: str) -> Evidence:
    return Evidence("doc-3", sentence, 0, len(sentence), Mode.DENIED, date="2020-02-20", date_precision="day")


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_first_and_latest_dates_skip_articles_without_an_iso_date(engine):
    kg = sample_kg()  # doc-1 is dated 2020-02-17; doc-2's date, "17 February 2020", is no xsd:date
    evidence = Evidence("doc-2", "Russia opposes Turkey over Idlib.", 0, 33, Mode.FUTURE)
    kg.assertions.append(Assertion("russia", RelationType.AGREED, "sochi", evidence))
    kg.entities["nowhere"] = Entity("nowhere", EntityKind.COUNTRY, "Nowhere", set(), {"doc-2"})
    kg.assertions.append(Assertion("nowhere", RelationType.AGREED, "sochi", evidence))
    result = run_query(to_rdf(kg), load_query("agreement_parties"), {"name": "Sochi Agreement"}, engine=engine)
    assert labels(result, "partyLabel", "evidence", "facts", "future", "first", "latest") == [
        ("Russia", "2", "1", "1", "2020-02-17", "2020-02-17"),
        ("Nowhere", "1", "0", "1", None, None),  # no dated article
        ("Turkey", "1", "1", "0", "2020-02-17", "2020-02-17"),
    ]
    latest = result.terms[0][result.variables.index("latest")]
    assert str(latest.datatype) == "http://www.w3.org/2001/XMLSchema#date"


def test_evidence_of_one_actor_newest_first(graph):
    result = run_query(graph, load_query("evidence.rq"), {"name": "Russia"})
    rows = labels(result, "documentId", "direction", "relation", "otherLabel", "mode", "speakerLabel", "date")
    assert rows == [
        ("doc-3", "out", "opposes", "Turkey", "Denied", "Russia", "2020-02-20"),  # the denier is the speaker
        ("doc-1", "out", "opposes", "Turkey", "ReportedSpeech", "Recep Tayyip Erdogan", "2020-02-17"),
        ("doc-1", "out", "agreed", "Sochi Agreement", "Fact", None, "2020-02-17"),
        ("doc-2", "out", "opposes", "Turkey", "Fact", None, "17 February 2020"),  # no ISO date: last
    ]
    doc1 = [row for row in result.rows if row[result.variables.index("documentId")] == "doc-1"]
    assert {row[result.variables.index("title")] for row in doc1} == {"Idlib talks"}
    assert {row[result.variables.index("actor")] for row in result.rows} == {str(KGR["country/russia"])}
    sentences = [row[result.variables.index("sentence")] for row in result.rows]
    assert sentences[:2] == ["Moscow denied opposing Turkey.", "Moscow opposes Turkey, Erdogan said."]


def test_actor_by_label_and_alt_label_case_insensitive(graph):
    query = load_query("actor")
    by_label = run_query(graph, query, {"name": "turkey"})
    by_alt = run_query(graph, query, {"name": "ANKARA"})
    assert by_label.rows == by_alt.rows == run_query(graph, query, {"name": "Turkey"}).rows
    rows = labels(by_label, "direction", "relation", "otherLabel", "evidence", "facts", "reported", "future", "denied")
    assert rows == [
        ("in", "opposes", "Russia", "3", "1", "1", "0", "1"),
        ("in", "backs", "Recep Tayyip Erdogan", "1", "1", "0", "0", "0"),
        ("out", "agreed", "Sochi Agreement", "1", "1", "0", "0", "0"),
    ]
    assert {row[by_label.variables.index("actorLabel")] for row in by_label.rows} == {"Turkey"}


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_name_as_written_wins_over_other_spellings(engine):
    """"Beta" is one node's label: only that node. "beta" is no label as written: every node with
    a label equal to it ignoring case or ending with it as a word."""
    kg = sample_kg()
    kg.entities["beta"] = Entity("beta", EntityKind.ORGANIZATION, "Beta", set(), {"doc-2"})
    kg.entities["alpha-beta"] = Entity("alpha-beta", EntityKind.PERSON, "Alpha Beta", {"President Beta"}, {"doc-2"})
    kg.entities["alphabeta"] = Entity("alphabeta", EntityKind.PERSON, "Alphabeta", set(), {"doc-2"})
    evidence = Evidence("doc-2", "Russia opposes Turkey over Idlib.", 0, 33)
    for entity_id in ("beta", "alpha-beta", "alphabeta"):
        kg.assertions.append(Assertion(entity_id, RelationType.OPPOSES, "russia", evidence))
    graph = to_rdf(kg)
    actors = lambda name: {row[0] for row in labels(run_query(graph, load_query("actor"), {"name": name}, engine=engine), "actorLabel")}  # noqa: E731
    assert actors("Beta") == {"Beta"}
    assert actors("beta") == actors("BETA") == {"Beta", "Alpha Beta"}
    assert actors("President Beta") == {"Alpha Beta"}
    assert actors("alpha") == set()


def test_actor_unknown_or_unbound_name_gives_nothing(graph):
    query = load_query("actor")
    assert run_query(graph, query, {"name": "Atlantis"}).rows == []
    assert run_query(graph, query).rows == []


def test_actor_name_with_quotes_and_braces_is_bound_safely(tricky_graph):
    result = run_query(tricky_graph, load_query("actor"), {"name": TRICKY})
    assert labels(result, "actorLabel", "direction", "relation", "otherLabel") == [(TRICKY, "out", "opposes", "Russia")]
    assert run_query(tricky_graph, load_query("actor"), {"?name": "fa"}).rows == result.rows


def test_binding_an_absent_variable_is_an_error(graph):
    with pytest.raises(ValueError, match="nom"):
        run_query(graph, load_query("backs"), {"nom": "x"})


def test_invalid_sparql_is_a_value_error(graph):
    with pytest.raises(ValueError, match="invalid SPARQL"):
        run_query(graph, "SELECT ?x WHERE { ?x ")


def test_load_query_unknown_name():
    with pytest.raises(ValueError, match="backs"):
        load_query("no-such-query")


def test_queries_dir_holds_the_examples():
    assert (queries_dir() / "actor.rq").is_file()


# --------------------------------------------------------------------------- ASK and CONSTRUCT


def test_ask(graph):
    assert run_query(graph, "ASK { ?a kg:backs ?b }").boolean is True
    result = run_query(graph, "ASK { ?a kg:backs ?a }")
    assert result.kind == "ask" and result.boolean is False
    assert format_result(result, "table") == "false\n"
    assert json.loads(format_result(result, "json")) == {"head": {}, "boolean": False}


def test_construct(graph):
    result = run_query(graph, "CONSTRUCT { ?o kg:backedBy ?s } WHERE { ?s kg:backs ?o }")
    assert result.kind == "graph"
    assert set(result.graph) == {(KGR["country/turkey"], UNDECLARED.backedBy, KGR["person/erdogan"])}
    assert result.variables == ["subject", "predicate", "object"]
    assert result.rows == [(str(KGR["country/turkey"]), str(UNDECLARED.backedBy), str(KGR["person/erdogan"]))]


# --------------------------------------------------------------------------- formats


def test_table_is_aligned(graph):
    result = run_query(graph, load_query("evidence"), {"name": "Turkey"})
    text = format_result(result, "table")
    lines = text.splitlines()
    header, rule, body, footer = lines[0], lines[1], lines[2:-1], lines[-1]
    assert footer == "5 rows"
    assert header.split() == result.variables
    starts = [i for i, c in enumerate(rule) if c == "-" and (i == 0 or rule[i - 1] == " ")]
    assert len(starts) == len(result.variables)
    for line in [header, *body]:
        for start in starts[1:]:
            assert line[start - 2:start] == "  " or cell_len(line) < start
    assert "ReportedSpeech" in text


def test_table_shortens_iris(graph):
    text = format_result(run_query(graph, load_query("backs")), "table")
    assert "kgr:country/turkey" in text and "https://" not in text
    terms = format_result(run_query(graph, f"SELECT ?p ?o WHERE {{ <{KGR['country/turkey']}> ?p ?o }}"), "table")
    assert "rdf:type" in terms and "kg:Country" in terms and "kg:mentionedIn" in terms  # closed namespaces too


def test_csv(graph):
    result = run_query(graph, load_query("evidence"), {"name": "Turkey"})
    rows = list(csv.reader(io.StringIO(format_result(result, "csv"))))
    assert len(rows) == 6 and rows[0] == result.variables
    assert rows[1:] == [[value or "" for value in row] for row in result.rows]


def test_csv_quotes_awkward_values(tricky_graph):
    result = run_query(tricky_graph, load_query("actor"), {"name": TRICKY})
    rows = list(csv.reader(io.StringIO(format_result(result, "csv"))))
    assert rows[1][result.variables.index("actorLabel")] == TRICKY


def test_json_is_sparql_results_json(graph):
    result = run_query(graph, load_query("evidence"), {"name": "Turkey"})
    document = json.loads(format_result(result, "json"))
    assert document["head"]["vars"] == result.variables
    bindings = document["results"]["bindings"]
    assert len(bindings) == 5
    assert bindings[0]["sentence"]["value"] == "Moscow denied opposing Turkey."  # the newest article
    first = bindings[1]
    assert first["assertion"]["type"] == "uri"
    assert first["sentence"] == {"type": "literal", "value": "Erdogan backs Ankara's position in Idlib."}
    assert first["start"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
    assert "speakerLabel" not in first  # unbound variables are left out
    assert bindings[2]["speakerLabel"]["value"] == "Recep Tayyip Erdogan"


def test_unknown_result_format(graph):
    with pytest.raises(ValueError, match="table"):
        format_result(run_query(graph, load_query("backs")), "yaml")


# --------------------------------------------------------------------------- loading graphs


@pytest.mark.parametrize("name,fmt", [("graph.ttl", "turtle"), ("graph.jsonld", "json-ld"), ("graph.nt", "nt")])
def test_load_graph_guesses_the_format(tmp_path, graph, name, fmt):
    path = tmp_path / name
    path.write_text(serialize(graph, fmt), encoding="utf-8")
    assert isomorphic(load_graph(path), graph)


def test_load_graph_parse_error_names_the_file(tmp_path):
    path = tmp_path / "broken.ttl"
    path.write_text("this is <not turtle", encoding="utf-8")
    with pytest.raises(ValueError, match="broken.ttl"):
        load_graph(path)


def test_load_graph_unknown_extension(tmp_path):
    path = tmp_path / "graph.xyz"
    path.write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="graph.xyz"):
        load_graph(path)


def test_load_graph_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.ttl"):
        load_graph(tmp_path / "missing.ttl")


def test_bound_literal_is_a_plain_string(graph):
    result = run_query(graph, "SELECT ?x WHERE { ?x rdfs:label ?name }", {"name": Literal("Russia")})
    assert result.rows == [(str(KGR["country/russia"]),)]


# --------------------------------------------------------------------------- engines


import pyoxigraph as ox  # noqa: E402

from kg.query import (  # noqa: E402
    DEFAULT_ENGINE,
    ENGINES,
    bind_values,
    load_store,
    query_form,
    sparql_keywords,
    to_store,
)


def test_oxigraph_is_the_default_engine():
    assert DEFAULT_ENGINE == "oxigraph" and set(ENGINES) == {"oxigraph", "rdflib"}


@pytest.mark.parametrize("name", sorted(EXPECTED_QUERIES))
def test_both_engines_give_the_same_rows(graph, name):
    bindings = sample_bindings(name)
    oxigraph = run_query(graph, load_query(name), bindings)
    rdflib = run_query(graph, load_query(name), bindings, engine="rdflib")
    assert oxigraph.variables == rdflib.variables
    assert oxigraph.rows == rdflib.rows and oxigraph.rows
    assert format_result(oxigraph, "json") == format_result(rdflib, "json")


def test_a_store_can_be_queried_many_times(graph):
    store = to_store(graph)
    assert len(store) == len(graph)
    assert run_query(store, load_query("backs")).rows == run_query(graph, load_query("backs")).rows
    with pytest.raises(ValueError, match="rdflib Graph"):
        run_query(store, "ASK {}", engine="rdflib")
    with pytest.raises(ValueError, match="unknown SPARQL engine"):
        run_query(graph, "ASK {}", engine="jena")


@pytest.mark.parametrize("name,fmt", [("graph.ttl", "turtle"), ("graph.jsonld", "json-ld"), ("graph.nt", "nt")])
def test_load_store_reads_what_load_graph_reads(tmp_path, graph, name, fmt):
    path = tmp_path / name
    path.write_text(serialize(graph, fmt), encoding="utf-8")
    store = load_store(path)
    assert len(store) == len(graph)
    evidence = run_query(graph, load_query("evidence"), {"name": "Turkey"}).rows
    assert evidence and run_query(store, load_query("evidence"), {"name": "Turkey"}).rows == evidence


def test_load_store_merges_quads_into_the_default_graph(tmp_path, graph):
    lines = serialize(graph, "nt").splitlines()
    quads = [line[:-1] + "<https://example.org/g1> ." for line in lines] + [line[:-1] + "<https://example.org/g2> ." for line in lines]
    path = tmp_path / "graph.nq"
    path.write_text("\n".join(quads) + "\n", encoding="utf-8")
    assert len(load_store(path)) == len(graph)


def test_load_store_errors_name_the_file(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is <not turtle", encoding="utf-8")
    with pytest.raises(ValueError, match="broken.ttl"):
        load_store(broken)
    with pytest.raises(ValueError, match="graph.xyz"):
        load_store(tmp_path / "graph.xyz")
    with pytest.raises(FileNotFoundError, match="missing.ttl"):
        load_store(tmp_path / "missing.ttl")


def test_bind_values_never_touches_strings_iris_or_comments():
    sparql = 'SELECT ?x WHERE { ?x rdfs:label ?name. FILTER(?name2 != "?name") } # ?name\n'
    bound = bind_values(sparql, {"name": TRICKY})
    assert bound.count('"?name"') == 1 and "# ?name" in bound and "?name2" in bound
    assert '?x rdfs:label "The \\"Free\\" {Army} } UNION { ?actor ?p ?o } #".' in bound
    with pytest.raises(ValueError, match="blank node"):
        from rdflib import BNode

        bind_values(sparql, {"name": BNode()})


def test_bindings_on_oxigraph_keep_rdflib_semantics(graph):
    # a projected variable (Oxigraph's substitutions), BOUND() (a VALUES block), an IRI value
    projected = run_query(graph, "SELECT ?x ?name WHERE { ?x rdfs:label ?name }", {"name": "Russia"})
    assert projected.rows == [(str(KGR["country/russia"]), "Russia")]
    bound = run_query(graph, "SELECT ?x WHERE { ?x rdfs:label ?l FILTER(BOUND(?name) && ?l = ?name) }", {"name": "Turkey"})
    assert bound.rows == [(str(KGR["country/turkey"]),)]
    by_iri = run_query(graph, "SELECT ?l WHERE { ?who rdfs:label ?l }", {"who": KGR["person/erdogan"]})
    assert by_iri.rows == [("Recep Tayyip Erdogan",)]
    for engine in ENGINES:
        construct = run_query(graph, "CONSTRUCT { ?x kg:named ?name } WHERE { ?x rdfs:label ?name }",
                              {"name": "Turkey"}, engine=engine)
        assert len(construct.graph) == 1, engine


def test_invalid_sparql_with_bindings_reports_the_users_text(graph):
    with pytest.raises(ValueError, match="invalid SPARQL"):
        run_query(graph, "SELEKT ?x WHERE { ?x rdfs:label ?name", {"name": "x"})


def test_query_form_and_keywords():
    assert query_form("PREFIX kg: <https://w3id.org/kg/ontology#>\n# INSERT\nask { ?s kg:backs ?o }") == "ASK"
    assert query_form("BASE <http://e/> PREFIX : <http://e/#> DELETE WHERE { ?s ?p ?o }") == "DELETE"
    assert query_form("# nothing") is None
    assert "SERVICE" in sparql_keywords("SELECT * { SERVICE <http://e/s> { ?s ?p ?o } }")
    assert "SERVICE" not in sparql_keywords('SELECT * { ?s ?p "SERVICE" . ?s ex:SERVICE ?o }')


def test_oxigraph_literals_keep_their_datatype_and_language(graph):
    store = to_store(graph)
    store.add(ox.Quad(ox.NamedNode(str(KGR["country/turkey"])), ox.NamedNode(str(UNDECLARED.motto)), ox.Literal("Yurtta", language="tr")))
    result = run_query(store, "SELECT ?m ?d WHERE { ?x kg:motto ?m . <%s> schema:datePublished ?d }" % KGR["document/doc-1"])
    motto, date = result.terms[0]
    assert motto.language == "tr" and str(date) == "2020-02-17" and str(date.datatype).endswith("#date")


# --------------------------------------------------------------------------- every name finds its node


@pytest.fixture(scope="module")
def regression_graph(tmp_path_factory) -> Graph:
    """The graph of the real regression articles, built as ``kg build`` builds it."""
    from pathlib import Path

    from kg.build import build

    articles = Path(__file__).parent / "data" / "regression" / "articles"
    out = tmp_path_factory.mktemp("regression")
    build([articles], out, cache=False)
    return load_graph(out / "graph.ttl")


@pytest.mark.parametrize("name, label", [
    ("RSF", "Rapid Support Forces"),  # a lexicon alias the articles use
    ("M23", "March 23 Movement"),
    ("rsf", "Rapid Support Forces"),  # ignoring case
    ("SDN", "Sudan"),  # an ISO 3166 code
    ("Republic of the Sudan", "Sudan"),  # a lexicon alias the articles never use
])
def test_actor_found_by_any_known_name(regression_graph, name, label):
    result = run_query(regression_graph, load_query("actor"), {"name": name})
    assert {row[1] for row in result.rows} == {label}


def test_an_unknown_code_finds_nothing(regression_graph):
    assert run_query(regression_graph, load_query("actor"), {"name": "XYZ"}).rows == []
