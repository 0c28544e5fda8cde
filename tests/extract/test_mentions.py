"""kg.extract.mentions: the spans that name or refer to nodes, and references the article settles.

Each case is (sentence(s), exactly the relations found through a mention that only the article's context names:
"the army" of a state named before, an agreement named in the next sentence or by its acronym).
"""
from __future__ import annotations

import pytest

from kg.model import Document
from kg.nlp import parse_text

CONTEXT = [
    # a state body named once, then "the army"
    ("Mali's army and Wagner fighters retook Kidal. Algeria has sided with the army.",
     {("Algeria", "backs", "Mali")}),
    # an indefinite agreement named in the next sentence
    ("Ilham Aliyev and Nikol Pashinyan signed a joint declaration on Friday. The Washington Declaration was "
     "witnessed by US officials.",
     {("Ilham Aliyev", "agreed", "Washington Declaration"), ("Nikol Pashinyan", "agreed", "Washington Declaration")}),
    # an acronym in parentheses names the same agreement later
    ("Iran and six world powers concluded the Joint Comprehensive Plan of Action (JCPOA) in 2015. Britain accused "
     "Iran of violating the JCPOA.",
     {("Iran", "agreed", "Joint Comprehensive Plan of Action"), ("United Kingdom", "opposes", "Iran")}),
]
CASES = [pytest.param(text, expected, id=text[:50]) for text, expected in CONTEXT]


@pytest.mark.parametrize("text,expected", CASES)
def test_the_article_settles_references(relations_in, text, expected):
    assert relations_in(text) == expected  # pytest names what is missing and what is extra


def test_brokers_are_not_parties(relations_in):
    found = relations_in("An Oman-brokered truce between Washington and the Houthis took effect in May.")
    parties = {s for s, r, o in found if r == "agreed"}
    assert parties == {"United States", "Houthis"}
    truce = "Oman-brokered truce between United States and Houthis"
    assert found == {("United States", "agreed", truce), ("Houthis", "agreed", truce)}


def test_press_conferences_are_not_events(relations_in):
    assert relations_in("Qatar's prime minister told a news conference in Doha that talks would resume.") == set()


def test_mentions_are_the_text_at_their_offsets(nlp, extractor):
    text = "Russia backs the Syrian government in its offensive, the Kremlin said. Turkish soldiers were killed."
    extraction = extractor(Document("d", text, "d.txt"), parse_text(nlp, text))
    assert extraction.mentions
    for mention in extraction.mentions:
        assert text[mention.start:mention.end] == mention.text
    assert "Syrian government" in {m.text for m in extraction.mentions}
