"""Mention keys: every form written and read back, malformed text refused, real extractions canonical."""
from __future__ import annotations

import doctest
import subprocess
import sys
from pathlib import Path

import pytest

import kg.mention_key
from kg.mention_key import MentionKey, Namespace
from kg.model import Document, EntityKind
from kg.nlp import parse_text

ROOT = Path(__file__).resolve().parent.parent

# Each form of the grammar, built by its constructor, and the text it is written as.
FORMS = [
    (MentionKey.country("TUR"), "country:TUR"),
    (MentionKey.holder_of("TUR", "president"), "role:TUR:president"),
    (MentionKey.holder_of("GBR", "defence minister"), "role:GBR:defence minister"),
    (MentionKey.from_title("FRA:president"), "role:FRA:president"),
    (MentionKey.person("hulusi akar"), "person:hulusi akar"),
    (MentionKey.person(""), "person:"),  # a name in a script folding leaves nothing of
    (MentionKey.organization("United Nations"), "org:United Nations"),
    (MentionKey.organization("OPEC+"), "org:OPEC+"),
    (MentionKey.armed_group("Islamic State"), "group:Islamic State"),
    (MentionKey.armed_group_of("rebels", "SDN"), "group:rebels:SDN"),
    (MentionKey.named_org("syrian human rights network"), "named-org:syrian human rights network"),
    (MentionKey.government_of(MentionKey.person("bashar al-assad")), "government-of:person:bashar al-assad"),
    (MentionKey.government_of(MentionKey.holder_of("SYR", "president")), "government-of:role:SYR:president"),
    (MentionKey.agreement("ceasefire", ["idlib", "TUR"]), "agreement:ceasefire:idlib+TUR"),
    (MentionKey.agreement("agreement", ["peace"], local=True), "local-agreement:agreement:peace"),
    (MentionKey.agreement("ceasefire", []), "agreement:ceasefire:"),
    (MentionKey.event("conference", ["DEU", "LBY"]), "event:conference:DEU+LBY"),
    (MentionKey.agreement("ceasefire", ["CHL", "PER"], date="2024-05"), "agreement:ceasefire:CHL+PER:2024-05"),
    (MentionKey.event("meeting", ["putin", "TUR"], date="2019"), "event:meeting:putin+TUR:2019"),
    (MentionKey.named_by(EntityKind.EVENT, "talks", ["peace"], local=True), "local-event:talks:peace"),
    (MentionKey.person("akar").in_document("d1"), "person:akar@d1"),
    (MentionKey.agreement("agreement", ["peace"], local=True).in_document("a-b-1f2e"),
     "local-agreement:agreement:peace@a-b-1f2e"),
]


@pytest.mark.parametrize(("key", "text"), FORMS, ids=[text for _, text in FORMS])
def test_each_form_is_written_as_the_grammar_says_and_read_back(key, text):
    assert str(key) == text
    assert MentionKey.parse(str(key)) == key
    assert str(MentionKey.parse(text)) == text


def test_fields_are_read_by_name():
    role = MentionKey.parse("role:TUR:president")
    assert (role.namespace, role.code, role.role, role.title) == (Namespace.ROLE, "TUR", "president", "TUR:president")
    group = MentionKey.parse("group:rebels:SDN")
    assert (group.family, group.code, group.name) == ("rebels", "SDN", "")
    assert MentionKey.parse("group:Islamic State").name == "Islamic State"
    thing = MentionKey.parse("local-event:summit:nato+vilnius@d7")
    assert (thing.namespace, thing.family, thing.words, thing.local, thing.document) == (
        Namespace.EVENT, "summit", ("nato", "vilnius"), True, "d7")
    regime = MentionKey.parse("government-of:role:SYR:president")
    assert regime.leader == MentionKey.holder_of("SYR", "president")
    assert regime.last_field == "president"
    assert MentionKey.parse("agreement:ceasefire:").words == ()


def test_a_name_is_everything_up_to_the_document():
    """Person names in resolution come from surfaces: a colon in one is part of the name."""
    key = MentionKey.parse("person:jean: dupont@d2")
    assert (key.name, key.document) == ("jean: dupont", "d2")
    assert str(key) == "person:jean: dupont@d2"


def test_keys_are_values():
    assert MentionKey.parse("country:TUR") == MentionKey.country("TUR")
    assert MentionKey("country", code="TUR") == MentionKey.country("TUR")  # a namespace given as text
    assert MentionKey.country("TUR") != MentionKey.country("TUR").in_document("d1")
    assert len({MentionKey.parse("person:akar"), MentionKey.person("akar")}) == 1


@pytest.mark.parametrize("text", [
    "", "country", "country:", "@d1", "planet:mars", "Country:TUR", "local-country:TUR", "local-person:x",
    "role:TUR", "role::president", "role:TUR:", "role:TUR:head:of:state", "group:rebels:", "group::SDN",
    "agreement:ceasefire", "event:summit:a++b", "agreement::idlib", "agreement:ceasefire:idlib:TUR",
    "government-of:", "government-of:planet:x", "government-of:role:TUR", "country:TU:R",
])
def test_malformed_keys_are_refused(text):
    with pytest.raises(ValueError):
        MentionKey.parse(text)


def test_malformed_titles_and_namespaces_are_refused():
    for title in ("TUR", ":president", "TUR:", "TUR:head:of:state"):
        with pytest.raises(ValueError):
            MentionKey.from_title(title)
    with pytest.raises(ValueError):
        MentionKey("planet", name="mars")
    with pytest.raises(ValueError):
        MentionKey("person", name="x", local=True)


def test_docstring_examples():
    assert doctest.testmod(kg.mention_key).failed == 0


def test_importable_without_spacy():
    code = "import sys, kg.mention_key; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_every_key_the_extractor_writes_is_canonical(nlp, extractor):
    """Keys are text at rest (cache, ids): reading one and writing it again gives the same text."""
    articles = sorted((ROOT / "tests/data/regression/articles").glob("*.txt"))[:4]
    keys = set()
    for path in articles:
        document = Document(path.stem, path.read_text(encoding="utf-8"), path.name)
        extraction = extractor(document, parse_text(nlp, document.text))
        keys |= {m.key for m in extraction.mentions}
        keys |= {m.key for c in extraction.claims for m in (c.subject, c.object)}
    namespaces = {MentionKey.parse(key).namespace for key in keys}
    assert {Namespace.COUNTRY, Namespace.PERSON, Namespace.AGREEMENT} <= namespaces
    assert all(str(MentionKey.parse(key)) == key for key in keys)
