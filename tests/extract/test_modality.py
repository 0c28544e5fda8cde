"""kg.extract.modality: how a sentence states a relation (fact, someone's words, intention), denies it, or
does not state it at all."""
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


@pytest.mark.parametrize("text, denial", [
    ("Rwanda denied supporting the M23 rebels.", ("Rwanda", "backs", "March 23 Movement", "Rwanda")),
    ("The Kremlin denied that Russian forces had targeted Ukraine.", ("Russia", "opposes", "Ukraine", "Russia")),
    ("Moscow denied arming the Houthis.", ("Russia", "backs", "Houthis", "Russia")),
    ("Iran rejected reports that Tehran backs the Houthis.", ("Iran", "backs", "Houthis", "Iran")),
    ("Russia backs Syria and denied arming Hezbollah.", ("Russia", "backs", "Hezbollah", "Russia")),
    ("Hungary has not backed the European Union.", ("Hungary", "backs", "European Union", None)),
    ("Egypt refused to back Ethiopia.", ("Egypt", "backs", "Ethiopia", None)),
    ("Turkey said Russia has not backed the Syrian government.", ("Russia", "backs", "Syria", "Turkey")),
])
def test_denials_and_negations_are_kept_as_denied_with_the_denier(relations_in, denials_in, text, denial):
    assert denials_in(text) == {denial}
    assert denial[:3] not in relations_in(text)  # a denial states nothing: no direct triple


@pytest.mark.parametrize("text", [
    "Russia did not deny backing the Syrian government.",  # neither stated nor denied
    "We will not allow al-Qaeda to attack the United States.",  # prevented, not denied
    "Saudi Arabia has not joined the strikes and has held talks with the Houthis.",  # the talks are held
    "South Korea has rejected North Korea's demand to sever its alliance with the United States.",
])
def test_a_negation_elsewhere_in_the_sentence_denies_nothing(denials_in, text):
    assert denials_in(text) == set()


def test_a_denial_beside_an_accusation_keeps_only_the_denial(denials_in):
    # "accuses" is coordinated with what Kigali denies, not denied itself
    text = "Kigali denies backing the M23 rebels and accuses Kinshasa of fighting alongside the FDLR."
    assert {d[:3] for d in denials_in(text)} == {("Rwanda", "backs", "March 23 Movement")}


def test_a_statement_and_a_denial_in_one_sentence_are_both_kept(claims_in):
    claims = claims_in("Russia backs Syria politically but has not backed Syria militarily.")
    assert sorted((c.subject.text, c.relation, c.object.text, c.evidence.mode) for c in claims) == [
        ("Russia", RelationType.BACKS, "Syria", Mode.DENIED), ("Russia", RelationType.BACKS, "Syria", Mode.FACT)]


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
