"""Every key of the lexicon's JSON files is read by some module of ``kg``: a word list nothing
reads is dead data (or a second copy of a list the code keeps), and goes."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.namespaces import ontology_dir

PACKAGE = Path(__file__).resolve().parents[1] / "kg"
FILES = sorted((ontology_dir() / "lexicon").glob("*.json"))


def _source() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(PACKAGE.rglob("*.py")))


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_key_of_a_lexicon_file_is_read_by_the_code(path):
    source = _source()
    keys = [key for key in json.loads(path.read_text(encoding="utf-8")) if key != "_comment"]
    assert keys
    assert [key for key in keys if f'"{key}"' not in source] == []


def test_the_files_are_found():
    assert {"triggers.json", "modality.json", "mention_heads.json"} <= {p.name for p in FILES}
