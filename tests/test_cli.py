"""The command line: ``kg build``, ``kg query`` and ``kg eval`` as a user runs them.

Commands run in-process with typer's CliRunner on an 80-column console (COLUMNS=80, so that
messages which should fit on one line are seen wrapping); one test runs the installed ``kg``
script in a subprocess. The sample articles are built once for the module.
"""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from typer.testing import CliRunner

from kg.cli import app
from kg.namespaces import KG, RDF, RDFS

ROOT = Path(__file__).resolve().parents[1]
INPUT = ROOT / "input"
QUERIES = ROOT / "ontology" / "queries"
GOLD = ROOT / "tests" / "data" / "gold"
OUTPUT_FILES = ["graph.html", "graph.jsonld", "graph.ttl"]

runner = CliRunner()


def kg(*args: object):
    """Run ``kg ARGS...`` in-process; ``result.stdout``, ``result.stderr`` and ``result.output`` (both)."""
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "80"})


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def count_row(output: str, name: str) -> int:
    """The number in the printed table row ``│ name │ n │`` (box characters vary with the console)."""
    match = re.search(rf"^\W*{re.escape(name)}\W+(\d+)\W*$", output, re.MULTILINE)
    assert match, f"no {name!r} row in:\n{output}"
    return int(match.group(1))


def labels_of(graph: Graph, relation: str) -> set[tuple[str, str]]:
    return {
        (str(graph.value(s, RDFS.label)), str(graph.value(o, RDFS.label)))
        for s, o in graph.subject_objects(KG[relation])
    }


# --------------------------------------------------------------------------- kg build


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """``kg build input --out DIR`` over the five sample articles: (result, DIR)."""
    out = tmp_path_factory.mktemp("cli-sample")
    result = kg("build", INPUT, "--out", out)
    return result, out


@pytest.fixture(scope="module")
def graph_file(sample) -> Path:
    return sample[1] / "graph.ttl"


def test_build_reports_documents_nodes_and_relations(sample, graph_file):
    result, out = sample
    assert result.exit_code == 0, result.output
    assert "Read 5 documents, skipped 0." in result.stdout
    assert sorted(p.name for p in out.iterdir()) == OUTPUT_FILES
    for name in OUTPUT_FILES:
        assert f"wrote {out / name}" in result.stdout.replace("\n", "")

    # The printed counts are those of the written graph.
    graph = Graph().parse(graph_file)
    for relation in ("backs", "opposes", "attended", "agreed"):
        printed = count_row(result.stdout.split("Relations")[1], relation)
        assert printed == len(set(graph.subject_objects(KG[relation]))) > 0, relation
    nodes = result.stdout.split("Nodes")[1].split("Relations")[0]
    for kind in ("Person", "Country", "Event", "Agreement"):
        assert count_row(nodes, kind) == len(set(graph.subjects(RDF.type, KG[kind]))) > 0, kind
    assert count_row(nodes, "total") >= 20


GOOD_ARTICLE = """\
Iran's allies close ranks over Syria

Russia and Iran support the Syrian government, officials said on Thursday.
Iran backs Hezbollah, the Lebanese group that has sent fighters to Syria.
Russia and Iran back the Syrian government, a spokesman said.
Western diplomats said no date had been set for new talks on Idlib.
"""

GOOD_FEED_LINE = {
    "title": "Ankara warns Damascus",
    "date": "2020-02-20",
    "url": "https://example.com/ankara-warns-damascus",
    "text": "Turkey opposes the Syrian government, Turkish officials said.",
}

PAGE = """\
<!DOCTYPE html>
<html><head><title>Moscow backs Damascus</title>
<script>var tracker = "Turkey backs NATO"; document.write(tracker);</script></head>
<body><nav>Home | World | Politics</nav>
<article><h1>Moscow backs Damascus</h1>
<p>Russia backs the Syrian government in its offensive in Idlib province, the Kremlin said on Monday,
as fighting continued for a third week.</p>
<p>Turkish officials said the offensive had forced hundreds of thousands of civilians to flee towards
the Turkish border, and that Ankara would not accept a new wave of refugees.</p>
<p>Diplomats in Geneva said the United Nations was preparing a new round of humanitarian talks,
though no date had yet been set by the organisers.</p>
</article></body></html>
"""


@pytest.fixture(scope="module")
def bad_input(tmp_path_factory):
    """A folder with one good article and every kind of bad input, built with a missing path too."""
    base = tmp_path_factory.mktemp("bad-input")
    folder = base / "articles"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD_ARTICLE, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    (folder / "latin1.txt").write_bytes("Le président a parlé à Damas.\n".encode("latin-1"))
    (folder / "feed.jsonl").write_text(json.dumps(GOOD_FEED_LINE) + '\n{"title": "cut off", "text": \n', encoding="utf-8")
    (folder / "page.html").write_text(PAGE, encoding="utf-8")
    missing = base / "not-there.txt"
    out = base / "out"
    result = kg("build", folder, missing, "--out", out)
    return result, folder, missing, out


def test_build_skips_bad_input_with_one_line_each(bad_input):
    result, folder, missing, out = bad_input
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "Read 3 documents, skipped 5." in result.stdout
    output = lines(result.output)
    expected = {
        f"{folder / 'empty.txt'}:": "empty",
        f"{folder / 'binary.txt'}:": "binary",
        f"{folder / 'latin1.txt'}:": "UTF-8",
        f"{folder / 'feed.jsonl'}:2:": "JSON",
        f"{missing}:": "no such file",
    }
    for where, reason in expected.items():
        named = [line for line in output if where in line]
        assert len(named) == 1, (where, result.output)
        assert reason in named[0], named[0]
    assert not any(f"{folder / 'good.txt'}" in line for line in output if "skipped" in line)
    assert not any("feed.jsonl:1" in line for line in output)


def test_build_keeps_the_relations_of_the_readable_input(bad_input):
    _, _, _, out = bad_input
    graph = Graph().parse(out / "graph.ttl")
    backs = labels_of(graph, "backs")
    assert ("Iran", "Hezbollah") in backs  # good.txt
    assert ("Russia", "Syria") in backs  # good.txt and page.html
    assert ("Turkey", "Syria") in labels_of(graph, "opposes")  # line 1 of feed.jsonl
    paths = {str(v) for v in graph.objects(None, KG.path)}  # ids come from the articles: the files by their paths
    assert paths == {"good.txt", "feed.jsonl", "page.html"}
    sentences = " ".join(str(s) for s in graph.objects(None, KG.sentence))
    assert "Kremlin said on Monday" in sentences  # the article body of page.html ...
    assert "tracker" not in sentences and "Politics" not in sentences  # ... without its script and menu


def test_a_sentence_after_a_blank_line_is_one_sentence(bad_input):
    _, _, _, out = bad_input
    graph = Graph().parse(out / "graph.ttl")
    sentences = {str(s).strip() for s in graph.objects(None, KG.sentence)}
    assert "Russia and Iran support the Syrian government, officials said on Thursday." in sentences


def test_build_with_nothing_readable_fails_clearly(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = kg("build", tmp_path / "empty.txt", tmp_path / "missing", "--out", tmp_path / "out")
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "Read 0 documents, skipped 2." in result.stdout
    assert "kg build: no article could be read" in result.stderr


def test_build_with_nothing_readable_keeps_the_previous_output(sample, tmp_path):
    _, sample_out = sample
    out = tmp_path / "out"
    out.mkdir()
    for name in OUTPUT_FILES:
        (out / name).write_bytes((sample_out / name).read_bytes())
    result = kg("build", tmp_path / "missing", "--out", out)
    assert result.exit_code != 0
    for name in ("graph.ttl", "graph.jsonld", "graph.html"):
        assert (out / name).read_bytes() == (sample_out / name).read_bytes(), name


# --------------------------------------------------------------------------- kg query


def counterparts(graph: Graph, relation: str) -> dict[str, int]:
    """Label -> the number of distinct nodes that ``relation`` links to it, read from the graph."""
    sources: dict[str, set] = {}
    for s, o in graph.subject_objects(KG[relation]):
        sources.setdefault(str(graph.value(o, RDFS.label)), set()).add(s)
    return {label: len(nodes) for label, nodes in sources.items()}


def test_query_by_example_name_prints_a_table(graph_file):
    result = kg("query", graph_file, "backs")
    assert result.exit_code == 0, result.output
    table = lines(result.stdout)
    assert table[0].split() == ["actor", "actorLabel", "backers"]
    assert set(table[1].replace(" ", "")) == {"-"}
    rows = [line.split(None, 1)[1].rsplit(None, 1) for line in table[2:-1]]  # [label, backers]
    assert ["Syria", "2"] in rows  # Russia and Iran back it
    # Every actor backed, with its number of distinct backers, most backed first.
    assert {label: int(n) for label, n in rows} == counterparts(Graph().parse(graph_file), "backs")
    assert [int(n) for _, n in rows] == sorted((int(n) for _, n in rows), reverse=True)
    assert table[-1] == f"{len(rows)} rows"


def test_query_file_as_csv_with_a_bound_name(graph_file):
    result = kg("query", graph_file, "--file", QUERIES / "attended.rq", "--name", "Munich Security Conference",
                "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["event", "eventLabel", "actor", "actorLabel", "evidence", "facts", "reported", "future",
                             "first", "latest"]
    assert {r["eventLabel"] for r in rows} == {"Munich Security Conference"}
    assert {"Heiko Maas", "Mevlut Cavusoglu"} <= {r["actorLabel"] for r in rows}
    assert all(r["actor"].startswith("https://w3id.org/kg/resource/") for r in rows)
    for r in rows:  # the sentences saying so, split by how they say it
        assert int(r["evidence"]) == int(r["facts"]) + int(r["reported"]) + int(r["future"]) >= 1


def test_query_binds_any_variable_as_a_value(graph_file):
    result = kg("query", graph_file, "relations_between", "--bind", "since=2018", "--bind", "?until=2018-12",
                "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and {r["objectLabel"] for r in rows} == {"Sochi agreement"}  # agreed in 2018, in September 2018
    assert {(r["first"], r["last"]) for r in rows} == {("2018", "2018"), ("2018-09", "2018-09")}
    for bad, message in ((["--bind", "since"], "give VAR=VALUE"), (["--bind", "nope=1"], "no variable ?nope")):
        result = kg("query", graph_file, "relations_between", *bad)
        assert result.exit_code == 2 and message in result.stderr


def test_query_file_as_json(graph_file):
    result = kg("query", graph_file, "--file", QUERIES / "events.rq", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["head"]["vars"] == ["event", "eventLabel", "attendees"]
    bindings = document["results"]["bindings"]
    expected = counterparts(Graph().parse(graph_file), "attended")
    assert {b["eventLabel"]["value"]: int(b["attendees"]["value"]) for b in bindings} == expected
    assert len(bindings) >= 3 and expected["Munich Security Conference"] >= 2
    first = bindings[0]
    assert first["event"]["type"] == "uri" and first["eventLabel"]["type"] == "literal"
    assert first["attendees"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"


def test_query_with_invalid_sparql_exits_2_with_one_line(graph_file):
    result = kg("query", graph_file, "SELEKT nonsense {")
    assert result.exit_code == 2
    assert result.stdout == ""
    message = lines(result.stderr)
    assert len(message) == 1, result.stderr
    assert message[0].startswith("kg query: ") and "invalid" in message[0].lower()
    assert "Traceback" not in result.output


def test_query_with_invalid_sparql_exits_2(graph_file):
    result = kg("query", graph_file, "SELEKT nonsense {")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("kg query: ")
    assert "Traceback" not in result.output


def test_query_with_sparql_text(graph_file):
    result = kg("query", graph_file, "SELECT ?a ?b WHERE { ?a kg:backs ?b }", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {"a": "https://w3id.org/kg/resource/country/russia", "b": "https://w3id.org/kg/resource/country/syria"} in rows


def test_query_actor_by_name_returns_its_relations(graph_file):
    # actor.rq binds ?name from --actor and matches rdfs:label or skos:altLabel, ignoring case.
    result = kg("query", graph_file, "actor", "--actor", "erdogan", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) >= 3
    assert {r["actorLabel"] for r in rows} == {"Recep Tayyip Erdogan"}
    assert {"opposes", "agreed"} <= {r["relation"] for r in rows if r["direction"] == "out"}
    assert all(r["otherLabel"].strip() and r["other"].startswith("https://w3id.org/kg/resource/") for r in rows)
    counts = [int(r["evidence"]) for r in rows]
    assert min(counts) >= 1 and counts == sorted(counts, reverse=True)  # most stated first


def test_query_evidence_by_name_returns_sentences_newest_first(graph_file):
    result = kg("query", graph_file, "evidence", "--actor", "Erdogan", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) >= 3
    assert {r["actor"] for r in rows} == {"https://w3id.org/kg/resource/person/recep-tayyip-erdogan"}
    assert all(r["sentence"].strip() and r["documentId"] and int(r["end"]) > int(r["start"]) for r in rows)
    assert any("Erdogan" in r["sentence"] for r in rows)
    dated = [r["date"] for r in rows if re.fullmatch(r"\d{4}-\d\d-\d\d", r["date"])]
    assert dated == sorted(dated, reverse=True)


def test_query_actor_name_is_data_not_sparql(graph_file):
    tricky = 'Erdogan" } UNION { ?actor ?p ?o } #{'
    result = kg("query", graph_file, "actor", "--actor", tricky)
    assert result.exit_code == 0, result.output
    assert lines(result.stdout)[-1] == "0 rows"


def test_installed_kg_script_runs_a_query(graph_file):
    script = Path(sys.executable).with_name("kg")
    assert script.is_file(), f"the kg console script is not installed next to {sys.executable}"
    done = subprocess.run(
        [str(script), "query", str(graph_file), "opposes", "--format", "csv"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    opposed = counterparts(Graph().parse(graph_file), "opposes")
    assert {r["actorLabel"]: int(r["opponents"]) for r in rows} == opposed and opposed["Syria"] >= 1, done.stdout


# --------------------------------------------------------------------------- kg eval


def test_eval_prints_per_relation_scores_and_f1(graph_file):
    result = kg("eval", graph_file, "--gold", GOLD / "seeds.tsv", "--aliases", GOLD / "seeds.aliases.tsv")
    assert result.exit_code == 0, result.output
    report = lines(result.stdout)
    for relation in ("backs", "opposes", "attended", "agreed"):
        assert any(re.fullmatch(rf"{relation}\s+P=\d\.\d\d R=\d\.\d\d tp=\d+ fp=\d+ fn=\d+", line) for line in report), relation
    match = re.fullmatch(r"F1=(\d\.\d{3}) P=(\d\.\d{3}) R=(\d\.\d{3}) tp=\d+ fp=\d+ fn=\d+", report[-1])
    assert match, report[-1]
    assert float(match.group(1)) >= 0.8
    assert re.search(r"entities: \d+/\d+ mapped nodes typed as gold; 0 duplicate nodes", result.stdout)


def test_eval_min_f1_sets_the_exit_code(graph_file):
    gold = ["--gold", GOLD / "seeds.tsv", "--aliases", GOLD / "seeds.aliases.tsv"]
    failing = kg("eval", graph_file, *gold, "--min-f1", "1.01")
    assert failing.exit_code == 1
    assert failing.stdout.splitlines()[-1].startswith("F1=")  # the report is still printed
    assert kg("eval", graph_file, *gold, "--min-f1", "0.5").exit_code == 0


# --------------------------------------------------------------------------- what a person at a terminal sees


def test_build_on_a_terminal_shows_progress_and_a_summary(tmp_path, monkeypatch):
    import io
    import shutil

    from rich.console import Console

    from kg import cli

    corpus = tmp_path / "corpus"
    shutil.copytree(INPUT, corpus)
    screen_out, screen_err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(cli, "out", Console(file=screen_out, force_terminal=True, width=120))
    monkeypatch.setattr(cli, "err", Console(file=screen_err, force_terminal=True, width=120))
    monkeypatch.setattr(cli, "_count_documents", lambda paths, follow_symlinks=False: 5)
    (corpus / "empty.txt").write_text("")
    result = runner.invoke(app, ["build", str(corpus), "--out", str(tmp_path / "out"), "--no-cache"])

    assert result.exit_code == 0, result.output
    assert "tokens/s" in screen_err.getvalue()  # the bar was drawn
    summary = screen_out.getvalue()
    assert "Top actors" in summary and "Turkey" in summary
    assert "Skipped 1 input" in summary and "empty file" in summary


def test_build_in_a_pipe_prints_no_bar_and_no_summary(tmp_path):
    result = runner.invoke(app, ["build", str(INPUT), "--out", str(tmp_path / "out"), "--no-cache"])

    assert result.exit_code == 0
    assert "tokens/s" not in result.output and "\x1b[" not in result.output
    assert "Top actors" not in result.output
    assert "Read 5 documents, skipped 0." in result.stdout
