"""tools/derive_cameo.py: the converter from PETRARCH2's CAMEO verb dictionary to kg's lexicon rows,
run on an excerpt of the dictionary (tests/data/cameo_excerpt.txt)."""
from __future__ import annotations

import doctest
import importlib.util
import sys
from pathlib import Path

import pytest

from kg.namespaces import ontology_dir

ROOT = Path(__file__).resolve().parents[1]
EXCERPT = Path(__file__).parent / "data" / "cameo_excerpt.txt"


@pytest.fixture(scope="module")
def derive_cameo():
    spec = importlib.util.spec_from_file_location("derive_cameo", ROOT / "tools" / "derive_cameo.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


@pytest.fixture(scope="module")
def derived(derive_cameo):
    verbs, objects = derive_cameo.derive(EXCERPT.read_text(encoding="latin-1"))
    return ({row[:3]: row for row in verbs}, {(row[0], row[2], row[6]): row for row in objects})


def test_the_examples_in_its_docstrings(derive_cameo):
    result = doctest.testmod(derive_cameo)
    assert result.attempted and not result.failed


def test_codes_become_relations_and_families(derived):
    verbs, _ = derived
    assert verbs[("reject", "", "")][3:7] == ("120", "REFUSE", "opposes", "stance")  # the block's code, from BLOCK_CODES
    assert verbs[("spurn", "", "")][3] == "110"  # a code of its own wins over the block's
    assert verbs[("rule", "out", "")][5:7] == ("opposes", "stance")  # "+RULE_OUT": verb and particle
    assert verbs[("side", "", "with")][5:7] == ("backs", "prep")  # "+SIDE_WITH": verb and preposition
    assert verbs[("cooperate", "", "against")][5:7] == ("opposes", "prep")  # "- * (AGAINST) [110]"
    assert verbs[("cooperate", "", "with")][5:7] == ("backs", "prep")  # its partner: PARTNER_PREPOSITIONS
    assert verbs[("give", "", "")][5:7] == ("backs", "giving")
    assert verbs[("back", "down", "")][5:7] == ("none", "particle")  # "- * DOWN [080] # BACK": yielding


def test_ambiguous_verbs_are_kept_out_with_a_reason(derived):
    verbs, _ = derived
    for lemma in ("deny", "die", "withstand", "issue", "promote"):
        row = verbs[(lemma, "", "")]
        assert row[5] == "none" and row[7], row
    assert ("recall", "", "") not in verbs  # no code of its own: CAMEO codes it only with an object


def test_patterns_become_objects(derived):
    _, objects = derived
    assert objects[("recall", "ambassador", "severance")][5] == "opposes"  # "- * AMBASSADOR [161] # RECALL"
    assert ("recall", "envoy", "severance") in objects  # the pattern holds for its class of nouns
    assert ("remember", "ambassador", "severance") not in objects  # the comment names only "recall"
    assert {noun for (verb, noun, family) in objects if family == "stance"} >= {"proposal", "suggestion"}
    assert ("*", "aid", "giving") in objects
    assert {noun for (verb, noun, family) in objects if family == "warning"} == {"consequences", "response"}


def test_the_lexicon_holds_what_the_converter_derives(derived):
    """The committed files were written by this converter: every row it derives from the excerpt is there
    (the excerpt's blocks are cut short, so the files hold more)."""
    folder = ontology_dir() / "lexicon"
    verbs, objects = derived
    lines = set((folder / "cameo_verbs.tsv").read_text(encoding="utf-8").splitlines())
    lines |= set((folder / "cameo_objects.tsv").read_text(encoding="utf-8").splitlines())
    wanted = {"\t".join(row) for row in verbs.values() if row[4] != "SUPPORT"}  # SUPPORT's other patterns differ
    wanted |= {"\t".join(row) for key, row in objects.items() if key[0] != "*"}
    assert wanted - lines == set()
    for name in ("cameo_verbs.tsv", "cameo_objects.tsv"):
        assert "PETRARCH2-LICENSE" in (folder / name).read_text(encoding="utf-8").splitlines()[2]
    assert "MIT License" in (folder / "PETRARCH2-LICENSE").read_text(encoding="utf-8")


def test_an_unreadable_source_is_one_line_and_no_output(derive_cameo, tmp_path, capsys):
    assert derive_cameo.main(["derive_cameo.py", str(tmp_path / "missing.txt"), str(tmp_path)]) == 1
    error = capsys.readouterr().err.strip()
    assert "missing.txt" in error and "\n" not in error
    assert list(tmp_path.iterdir()) == []


def test_writes_both_files_atomically(derive_cameo, tmp_path):
    assert derive_cameo.main(["derive_cameo.py", str(EXCERPT), str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cameo_objects.tsv", "cameo_verbs.tsv"]
    header = (tmp_path / "cameo_verbs.tsv").read_text(encoding="utf-8").splitlines()[:4]
    assert header[0].startswith("# Derived by tools/derive_cameo.py") and header[3].startswith("# lemma\t")
