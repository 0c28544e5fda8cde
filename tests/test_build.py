"""kg.build.build on the sample articles in input/: the files it writes, what the graph says, how good it is.

One build of the five sample articles is shared by the whole module (loading spaCy costs seconds).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

import kg.build
import kg.rdf
from kg.build import build
from kg.evaluate import load_gold, score
from kg.model import RelationType
from kg.namespaces import KG, RDF

ROOT = Path(__file__).resolve().parents[1]
INPUT = ROOT / "input"
GOLD = ROOT / "tests" / "data" / "gold"
OUTPUT_FILES = ["graph.html", "graph.jsonld", "graph.ttl"]

# A one-article input whose graph differs from the sample articles' graph.
OTHER_ARTICLE = (
    "Ankara sends more troops to Idlib\n\n"
    "Turkey opposes the Syrian government, Turkish officials said on Tuesday.\n"
    "Iran backs Hezbollah.\n"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample-build")
    result = build([INPUT], out)
    return result, out


@pytest.fixture(scope="module")
def turtle(built) -> Graph:
    _, out = built
    return Graph().parse(out / "graph.ttl", format="turtle")


def document_text(path: str) -> str:
    """The text the offsets refer to: the file as ingest reads a .txt (newlines normalised, stripped)."""
    raw = Path(path).read_text(encoding="utf-8-sig")
    return raw.replace("\r\n", "\n").replace("\r", "\n").strip()


# --------------------------------------------------------------------------- files


def test_build_writes_turtle_jsonld_and_html(built):
    result, out = built
    assert sorted(p.name for p in out.iterdir()) == OUTPUT_FILES
    assert result.outputs == {"turtle": out / "graph.ttl", "json-ld": out / "graph.jsonld", "html": out / "graph.html"}
    assert result.problems == []
    assert len(result.graph.documents) == 5
    html = (out / "graph.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<html") or html.lstrip().lower().startswith("<!doctype html")
    assert "Munich Security Conference" in html


def test_turtle_and_jsonld_hold_the_same_triples(built, turtle):
    _, out = built
    jsonld = Graph().parse(out / "graph.jsonld", format="json-ld")
    assert len(turtle) > 100
    assert len(jsonld) == len(turtle)
    assert isomorphic(turtle, jsonld)


def test_graph_conforms_to_the_shacl_shapes(turtle):
    conforms, report = kg.rdf.validate(turtle)
    assert conforms, report


def test_the_files_are_the_rdflib_graph_of_the_build_serialized(built, turtle):
    """The build streams its RDF from the knowledge graph: the same triples, and the same text,
    as building the rdflib graph with ``to_rdf`` and serializing that."""
    result, out = built
    rdf = kg.rdf.to_rdf(result.graph)
    assert isomorphic(turtle, rdf)
    for fmt, name in (("turtle", "graph.ttl"), ("json-ld", "graph.jsonld")):
        assert (out / name).read_text(encoding="utf-8") == kg.rdf.serialize(rdf, fmt), name


# --------------------------------------------------------------------------- content


def test_every_assertion_points_at_its_sentence_in_the_source_document(turtle):
    assertions = set(turtle.subjects(RDF.type, KG.Assertion))
    assert len(assertions) >= 20
    texts: dict[URIRef, str] = {}
    for node in assertions:
        document = turtle.value(node, KG.source)
        assert document is not None, node
        assert (document, RDF.type, KG.Document) in turtle
        doc_id = turtle.value(document, KG.documentId)
        assert isinstance(doc_id, Literal) and str(doc_id), document
        path = turtle.value(document, KG.path)
        assert (INPUT / str(path)).is_file() and not Path(str(path)).is_absolute()  # relative to the folder given
        if document not in texts:
            texts[document] = document_text(str(INPUT / str(path)))
        sentence = str(turtle.value(node, KG.sentence))
        start = turtle.value(node, KG.startOffset).toPython()
        end = turtle.value(node, KG.endOffset).toPython()
        assert 0 <= start < end <= len(texts[document])
        assert texts[document][start:end] == sentence, (doc_id, start, end)
        assert turtle.value(node, KG.mode) in {KG.Fact, KG.ReportedSpeech, KG.Future}
        for role in (KG.subject, KG.object):
            assert turtle.value(node, role) is not None
        relation = turtle.value(node, KG.relation)
        # The direct triple stands next to its provenance node.
        assert (turtle.value(node, KG.subject), relation, turtle.value(node, KG.object)) in turtle
    assert len(texts) == 5  # every article states at least one relation


def test_all_four_relation_types_are_present(turtle):
    stated = {
        (turtle.value(node, KG.subject), turtle.value(node, KG.relation), turtle.value(node, KG.object))
        for node in turtle.subjects(RDF.type, KG.Assertion)
    }
    for relation in RelationType:
        linked = set(turtle.subject_objects(KG[relation.value]))
        assert linked, relation
        # Each direct triple has at least one kg:Assertion (a sentence) behind it.
        assert {(s, KG[relation.value], o) for s, o in linked} <= stated, relation


@pytest.fixture(scope="module")
def gold_score(turtle):
    return score(turtle, load_gold(GOLD / "seeds.tsv", GOLD / "seeds.aliases.tsv"))


def test_known_relations_of_the_sample_articles(gold_score):
    """Relations the articles state plainly, in the gold list's names."""
    found = set(gold_score.true_positives)
    assert ("Russia", "backs", "Syrian government") in found
    assert ("Iran", "backs", "Syrian government") in found
    assert ("Turkey", "opposes", "Syrian government") in found
    assert ("Heiko Maas", "attended", "Munich Security Conference") in found
    assert ("Mark Esper", "attended", "NATO defence ministers' meeting") in found
    assert ("Recep Tayyip Erdogan", "agreed", "Sochi Agreement") in found


def test_scores_on_the_gold_list_meet_the_acceptance_bars(gold_score):
    result = gold_score
    assert result.f1 >= 0.8, result.misses
    assert result.precision >= 0.85, result.false_positives
    assert result.duplicate_nodes == 0, result.mapping
    assert set(result.per_relation) == {r.value for r in RelationType}


# --------------------------------------------------------------------------- failed builds


@pytest.fixture
def previous_output(built, tmp_path):
    """An output folder holding the sample build, and a different one-article input for a second build."""
    _, sample_out = built
    out = tmp_path / "out"
    out.mkdir()
    for name in OUTPUT_FILES:
        (out / name).write_bytes((sample_out / name).read_bytes())
    other = tmp_path / "other"
    other.mkdir()
    (other / "ankara.txt").write_text(OTHER_ARTICLE, encoding="utf-8")
    return out, other, {name: (out / name).read_bytes() for name in OUTPUT_FILES}


class _Boom(RuntimeError):
    pass


def test_a_build_that_fails_while_writing_turtle_leaves_the_old_output(previous_output, monkeypatch):
    out, other, before = previous_output
    real_groups = kg.rdf.canonical.canonical_groups
    temps_at_failure = []

    def failing_groups(source):
        for n, group in enumerate(real_groups(source)):
            if n == 2:  # Turtle and JSON-LD are being streamed into their temporary files
                temps_at_failure.extend(sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp")))
                raise _Boom("disk on fire")
            yield group

    monkeypatch.setattr(kg.rdf.canonical, "canonical_groups", failing_groups)
    with pytest.raises(_Boom):
        build([other], out)
    assert [name.split(".")[1:3] for name in temps_at_failure] == [["graph", "html"], ["graph", "jsonld"], ["graph", "ttl"]]
    assert sorted(p.name for p in out.iterdir()) == OUTPUT_FILES  # no .graph.ttl.*.tmp left behind
    for name in OUTPUT_FILES:
        assert (out / name).read_bytes() == before[name], name


def test_a_build_that_fails_while_rendering_html_leaves_the_old_output(previous_output, monkeypatch):
    out, other, before = previous_output

    def failing_render(graph, *args, **kwargs):
        raise _Boom("renderer crashed")

    monkeypatch.setattr(kg.build, "html_page", failing_render)
    with pytest.raises(_Boom):
        build([other], out)
    assert sorted(p.name for p in out.iterdir()) == OUTPUT_FILES
    assert (out / "graph.ttl").read_bytes() == before["graph.ttl"]
    assert (out / "graph.jsonld").read_bytes() == before["graph.jsonld"]


def test_a_second_build_replaces_the_output(previous_output):
    """The control for the two tests above: without a failure the other article's graph replaces the old one."""
    out, other, before = previous_output
    result = build([other], out)
    assert sorted(p.name for p in out.iterdir()) == OUTPUT_FILES
    assert (out / "graph.ttl").read_bytes() != before["graph.ttl"]
    graph = Graph().parse(out / "graph.ttl", format="turtle")
    text_hash = hashlib.sha256(OTHER_ARTICLE.strip().encode()).hexdigest()[:12]  # the id: title slug, text hash
    assert {str(v) for v in graph.objects(None, KG.documentId)} == {f"ankara-sends-more-troops-to-idlib-{text_hash}"}
    assert [d.path for d in result.graph.documents] == ["ankara.txt"]


# --------------------------------------------------------------------------- a real-looking news page


NEWS_PAGE = ROOT / "tests" / "data" / "pages" / "turkey_idlib_news_page.html"
BOILERPLATE_NAMES = ("China", "Venezuela", "Guyana", "Japan", "North Korea", "Brazil", "Argentina",
                     "Canada", "Mexico", "Chile", "Sweden", "Norway", "Peru", "Bolivia")


def _labelled_relations(graph):
    return {(graph.entities[a.subject_id].label, a.relation.value, graph.entities[a.object_id].label)
            for a in graph.assertions}


def test_a_news_page_gives_the_article_s_relations_and_none_of_the_boilerplate(tmp_path):
    # The page wraps the text of a sample article in a menu, a ticker, share buttons, related
    # stories, readers' comments, a footer and scripts, each with sentences that would be relations.
    page = build([NEWS_PAGE], tmp_path / "page", cache=False)
    article = build([INPUT / "001_e2a5421fd2ec2f6f.txt"], tmp_path / "text", cache=False)

    assert not page.problems
    (document,) = page.graph.documents
    assert document.title == "Turkey says it fulfilled its Idlib duties under deals with Russia and Iran"
    assert document.date == "2020-02-15"
    relations = _labelled_relations(page.graph)
    assert relations and relations == _labelled_relations(article.graph)
    labels = {entity.label for entity in page.graph.entities.values()}
    assert not labels & set(BOILERPLATE_NAMES)
    turtle = (tmp_path / "page" / "graph.ttl").read_text(encoding="utf-8")
    assert not [name for name in BOILERPLATE_NAMES if name in turtle]


def test_a_reader_that_fails_costs_its_file_one_problem_never_the_build(tmp_path, monkeypatch):
    from kg import ingest

    def broken(*args, **kwargs):
        raise ModuleNotFoundError("No module named 'lxml_html_clean'")

    monkeypatch.setitem(ingest.READERS, ".html", broken)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "page.html").write_text(NEWS_PAGE.read_text(encoding="utf-8"), encoding="utf-8")
    (corpus / "article.txt").write_text((INPUT / "001_e2a5421fd2ec2f6f.txt").read_text(encoding="utf-8"),
                                        encoding="utf-8")
    result = build([corpus], tmp_path / "out", cache=False)

    assert [str(p) for p in result.problems] == [
        f"{corpus / 'page.html'}: cannot read: ModuleNotFoundError: No module named 'lxml_html_clean'"]
    assert len(result.graph.documents) == 1 and result.graph.assertions
    assert (tmp_path / "out" / "graph.ttl").stat().st_size > 0
