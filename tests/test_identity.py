"""Identities across builds: adding articles to a corpus leaves every earlier IRI naming the same thing.

Real articles: the sample news of ``input/`` and the regression articles of ``tests/data``. A thing
is identified by where the text names it: each relation's evidence (article, sentence offsets) and
the IRIs of its subject and object. Every relation of the first graph must be stated again in the
grown graph, between the same IRIs, and every node of the first graph must still be there with the
same type. Camps (``kg:Camp``) are no such thing: they are drawn from the whole corpus, and new
articles may redraw them.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg.build import build
from kg.namespaces import KG

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "input").glob("*.txt"))
REGRESSION = sorted((ROOT / "tests/data/regression/articles").glob("*.txt"))


def _statements(path: Path) -> tuple[dict[tuple, tuple], dict[URIRef, set]]:
    """(source title, start, end, relation) -> (subject, object); node IRI -> its types."""
    g = Graph().parse(path)
    statements = {}
    for node in g.subjects(RDF.type, KG.Assertion):
        source = g.value(node, KG.source)
        where = (str(g.value(source, KG.path)), int(g.value(node, KG.startOffset)), int(g.value(node, KG.endOffset)),
                 g.value(node, KG.relation))
        statements[where] = (g.value(node, KG.subject), g.value(node, KG.object))
    types = {}
    for node, kind in g.subject_objects(RDF.type):
        if kind not in (KG.Assertion, KG.Document, KG.Camp):  # a camp is drawn from the whole corpus, not named
            types.setdefault(node, set()).add(kind)
    return statements, types


@pytest.mark.parametrize("first, added", [
    (SAMPLES, REGRESSION),
    (REGRESSION[1::2], REGRESSION[0::2] + SAMPLES),
], ids=["samples-then-regression", "half-then-rest"])
def test_adding_articles_keeps_every_iri(tmp_path, first, added):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in first:
        shutil.copy(path, corpus / path.name)
    build([corpus], tmp_path / "one", cache=False)
    before, nodes_before = _statements(tmp_path / "one" / "graph.ttl")
    for path in added:
        shutil.copy(path, corpus / path.name)
    build([corpus], tmp_path / "two", cache=False)
    after, nodes_after = _statements(tmp_path / "two" / "graph.ttl")

    assert before, "the first corpus states relations"
    moved = {where: (was, after.get(where)) for where, was in before.items() if after.get(where) != was}
    assert not moved
    lost = {node: kinds for node, kinds in nodes_before.items() if nodes_after.get(node) != kinds}
    assert not lost
