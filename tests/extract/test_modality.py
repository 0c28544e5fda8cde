"""kg.extract.modality: how a sentence states a relation (fact, someone's words, intention), or that it does not."""
from __future__ import annotations

import pytest

from kg.model import Mode, RelationType

NOT_ASSERTED = [
    "Rwanda denied supporting the M23 rebels.",
    "The United States has shown no sign of backing away from the offensive.",
    "We would be glad if we could do this with the support of Egypt.",
    "Erdogan hopes to broker a deal between Russia and Ukraine.",
    "The Kremlin denied that Russian forces had targeted Ukraine.",
    "Hungary did not back the sanctions against Russia.",
    "The United States withdrew from the nuclear deal in 2018.",
]


@pytest.mark.parametrize("text", NOT_ASSERTED)
def test_negated_denied_and_wished_relations_are_not_asserted(relations_in, text):
    assert relations_in(text) == set()


def test_accusations_oppose_the_accused_only(relations_in):
    found = relations_in("Sudan accused the United Arab Emirates of arming the Rapid Support Forces.")
    assert found == {("Sudan", "opposes", "United Arab Emirates")}


def test_the_sanctions_of_others_survive_a_refusal_to_back_them(relations_in):
    found = relations_in("Hungary refused to back the EU's sanctions against Russia.")
    assert ("European Union", "opposes", "Russia") in found
    assert ("Hungary", "backs", "European Union") not in found
    assert found == {("European Union", "opposes", "Russia")}


def test_reported_speech_names_its_speaker(claims_in):
    claims = claims_in("Vice President Fuat Oktay told broadcaster NTV that Turkey was determined to stop "
                       "Syrian regime advances.")
    assert [c.relation for c in claims] == [RelationType.OPPOSES]
    claim = next(c for c in claims if c.relation == RelationType.OPPOSES)
    assert (claim.subject.text, claim.object.key) == ("Turkey", "country:SYR")
    assert claim.evidence.mode == Mode.REPORTED
    assert claim.evidence.speaker.text == "Fuat Oktay"


def test_according_to_gives_the_speaker(claims_in):
    claims = claims_in("According to the Pentagon, Iranian-backed militias attacked US bases in Iraq.")
    assert [(c.subject.text, c.relation) for c in claims] == [("Iranian", RelationType.BACKS), ("militias", RelationType.OPPOSES)]
    attack = next(c for c in claims if c.relation == RelationType.OPPOSES)
    assert attack.object.key == "country:USA"
    assert attack.evidence.mode == Mode.REPORTED
    assert attack.evidence.speaker.key == "country:USA"


def test_future_intentions_are_marked(claims_in):
    claims = claims_in("Ankara will use military power to drive back the Syrian forces.")
    assert [c.relation for c in claims] == [RelationType.OPPOSES]
    claim = next(c for c in claims if c.relation == RelationType.OPPOSES)
    assert claim.evidence.mode == Mode.FUTURE
