"""Extraction quality on whole articles, scored as the referee scores it (kg.evaluate)."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import extract_graph
from kg.evaluate import load_gold, score
from kg.rdf import to_rdf

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent

SETS = {
    # name: (articles, gold, aliases, minimum F1, minimum precision, most duplicate nodes allowed)
    "sample articles": (ROOT / "input", DATA / "gold" / "seeds.tsv", DATA / "gold" / "seeds.aliases.tsv",
                        0.80, 0.85, 0),
    # Known: "a Gaza ceasefire and hostage deal" and "the three-phase deal" are one agreement to the gold.
    "regression articles": (DATA / "regression" / "articles", DATA / "regression" / "gold.tsv",
                            DATA / "regression" / "aliases.tsv", 0.80, 0.85, 2),
}


@pytest.mark.parametrize("name", sorted(SETS))
def test_extraction_quality(name):
    articles, gold, aliases, min_f1, min_precision, max_duplicates = SETS[name]
    graph, problems = extract_graph([articles])
    assert not problems
    result = score(to_rdf(graph), load_gold(gold, aliases))
    assert result.f1 >= min_f1, f"{name}: F1 {result.f1:.3f} < {min_f1}"
    assert result.precision >= min_precision, f"{name}: precision {result.precision:.3f} < {min_precision}"
    assert result.duplicate_nodes <= max_duplicates
    assert result.typed_as_gold == result.mapped_nodes
