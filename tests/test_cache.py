"""The extractor version in every cache key is computed from the files of the package and the
lexicon, found by walking them: a module edited, added, moved or renamed changes every key, so
no entry made by other code is ever reused."""
from __future__ import annotations

import json
import shutil
from dataclasses import fields
from pathlib import Path

import pytest

from kg.cache import (PACKAGE, ExtractionCache, claim_from_json, claim_to_json, document_key, extractor_version,
                      source_files, sources_digest)
from kg.model import Claim, Document, EntityKind, Evidence, Extraction, Mention, Mode, RelationType
from kg.namespaces import ontology_dir
from kg.nlp import DEFAULT_MODEL

LEXICON = ontology_dir() / "lexicon"


@pytest.fixture
def copy(tmp_path) -> tuple[Path, Path]:
    """A copy of the installed package (its modules only) and of the lexicon."""
    package = tmp_path / "site" / "kg"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    lexicon = shutil.copytree(LEXICON, tmp_path / "lexicon")
    return package, lexicon


def test_every_module_of_the_package_and_every_lexicon_file_is_hashed():
    names = [name for name, _ in source_files(PACKAGE, LEXICON)]
    assert names == sorted(names)
    assert {f"kg/{p.relative_to(PACKAGE).as_posix()}" for p in PACKAGE.rglob("*.py")} <= set(names)
    assert {f"lexicon/{p.name}" for p in LEXICON.iterdir() if p.is_file()} <= set(names)
    assert {"kg/cache.py", "kg/extract/relations.py", "lexicon/triggers.json"} <= set(names)


def test_the_same_files_elsewhere_give_the_same_digest(copy):
    assert sources_digest(*copy) == sources_digest(PACKAGE, LEXICON)


def test_a_moved_module_changes_the_digest_though_no_byte_changed(copy):
    package, lexicon = copy
    before = sources_digest(package, lexicon)
    (package / "extract" / "modality.py").rename(package / "modality.py")
    moved = sources_digest(package, lexicon)
    assert moved != before
    (package / "modality.py").rename(package / "extract" / "mood.py")
    assert sources_digest(package, lexicon) not in (before, moved)
    (package / "extract" / "mood.py").rename(package / "extract" / "modality.py")
    assert sources_digest(package, lexicon) == before


@pytest.mark.parametrize("change", [
    lambda package, lexicon: (package / "newly_added.py").write_text("X = 1\n"),
    lambda package, lexicon: (package / "render.py").unlink(),
    lambda package, lexicon: (package / "extract" / "mentions.py").write_bytes(
        (package / "extract" / "mentions.py").read_bytes() + b"\n"),
    lambda package, lexicon: (lexicon / "spelling.tsv").write_bytes((lexicon / "spelling.tsv").read_bytes() + b"x\ty\n"),
    lambda package, lexicon: (lexicon / "extra.tsv").write_text("a\tb\n"),
], ids=["module added", "module removed", "module edited", "lexicon edited", "lexicon file added"])
def test_any_change_to_the_sources_changes_the_digest(copy, change):
    before = sources_digest(*copy)
    change(*copy)
    assert sources_digest(*copy) != before


def test_a_moved_module_leaves_no_stale_entry_in_the_cache(copy, tmp_path):
    package, lexicon = copy
    document = Document("d", "Iran backs Hezbollah.", "d.txt")
    iran = Mention("d", 0, 4, "Iran", EntityKind.COUNTRY, "country:IRN", "Iran")
    old_key = document_key(document, extractor_version(DEFAULT_MODEL, package, lexicon))
    with ExtractionCache(tmp_path / "cache") as cache:
        assert cache.get(old_key, document) is None
        cache.put(old_key, Extraction(document, [iran], []), 5)
        cache.finish()
    (package / "extract" / "modality.py").rename(package / "modality.py")
    extractor_version.cache_clear()  # computed once per process: a moved module means a new install
    new_key = document_key(document, extractor_version(DEFAULT_MODEL, package, lexicon))
    assert new_key != old_key
    with ExtractionCache(tmp_path / "cache") as cache:
        assert cache.get(new_key, document) is None  # extracted again, by the code as it is now
        assert cache.finish() == 1  # and the entry of the old layout is dropped
        assert list(cache.keys()) == []


def test_the_installed_package_is_what_the_version_hashes_by_default():
    assert extractor_version(DEFAULT_MODEL) == extractor_version(DEFAULT_MODEL, PACKAGE, LEXICON)
    assert len(extractor_version(DEFAULT_MODEL)) == 64


def test_an_unknown_model_is_a_clear_error_with_the_cache_too(tmp_path):
    from kg.build import build

    assert len(extractor_version("no-such-model")) == 64  # spaCy knows nothing of it: the name is hashed
    article = tmp_path / "a.txt"
    article.write_text("Iran backs Hezbollah.\n", encoding="utf-8")
    for cache in (False, True):
        with pytest.raises(ValueError, match="'no-such-model' is not installed"):
            build([article], tmp_path / "out", model="no-such-model", cache=cache)


def test_a_claim_comes_back_whole_every_field_of_its_evidence_included():
    iran = Mention("d", 0, 4, "Iran", EntityKind.COUNTRY, "country:IRN", "Iran")
    houthis = Mention("d", 16, 23, "Houthis", EntityKind.ARMED_GROUP, "group:houthis", "Houthis")
    evidence = Evidence("d", "Iran denied arming the Houthis in May 2019.", 0, 43, Mode.DENIED, iran,
                        date="2019-05", date_precision="month")
    assert all(getattr(evidence, f.name) is not None for f in fields(Evidence))  # a new field must be set here too
    claim = Claim(iran, RelationType.BACKS, houthis, evidence)
    assert claim_from_json(json.loads(json.dumps(claim_to_json(claim)))) == claim
