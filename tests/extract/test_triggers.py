"""Trigger coverage from the event coders' dictionaries (``cameo_verbs.tsv``, ``cameo_objects.tsv``).

Each case is (sentence, the relations found): exactly those, so a wrong extra relation fails. The
sentences are written in the style of news reports; each tests one pattern, and near-misses (the
same words in a sense that is no relation, or under negation, denial or a wish) must give nothing.
Labels are those resolution gives: countries by their lexicon name.
"""
from __future__ import annotations

import pytest

from kg.extract.relations import trigger_words
from kg.lexicon import load_lexicon

REJECTIONS = [
    # stance verbs: the owner of what is rejected, vetoed or turned down is opposed
    ("South Korea has rejected North Korea's demand to end its military alliance with Washington.",
     {("South Korea", "opposes", "North Korea")}),
    ("The Palestinian Authority on Friday rejected a Jordanian peace plan.", {("Palestine", "opposes", "Jordan")}),
    ("Washington rejected calls by Russia to lift the sanctions.", {("United States", "opposes", "Russia")}),
    ("Hungary vetoed the European Union's resolution on Ukraine.", {("Hungary", "opposes", "European Union")}),
    ("Iran turned down a Qatari offer to mediate.", {("Iran", "opposes", "Qatar")}),
    ("Kyiv dismissed Moscow's claims as propaganda.", {("Ukraine", "opposes", "Russia")}),
    ("Chad obstructed Sudan's bid to join the bloc.", {("Chad", "opposes", "Sudan")}),
    ("Turkey is opposed to Sweden's membership.", {("Turkey", "opposes", "Sweden")}),
    # ... and praise of someone's decision backs him
    ("Uganda praised Kenya's decision to send troops.", {("Uganda", "backs", "Kenya")}),
    ("Iran condemned the Israeli raid.", {("Iran", "opposes", "Israel")}),
]

THREATS_AND_CUT_TIES = [
    ("Turkey threatened Greece with sanctions.", {("Turkey", "opposes", "Greece")}),
    ("Iran threatened further action against Israel.", {("Iran", "opposes", "Israel")}),
    ("France expelled Russia's ambassador.", {("France", "opposes", "Russia")}),
    ("Ukraine expelled two Russian diplomats.", {("Ukraine", "opposes", "Russia")}),
    ("Germany recalled its ambassador from Turkey.", {("Germany", "opposes", "Turkey")}),
    ("Washington withdrew its ambassador from Caracas.", {("United States", "opposes", "Venezuela")}),
    ("Bahrain closed its embassy in Beirut.", {("Bahrain", "opposes", "Lebanon")}),
    ("Morocco cut ties with Iran.", {("Morocco", "opposes", "Iran")}),
    ("The United States suspended military aid to Pakistan.", {("United States", "opposes", "Pakistan")}),
    ("Egypt called off talks with Ethiopia.", {("Egypt", "opposes", "Ethiopia")}),
    ("Russia closed its borders with Iran and Turkey.", {("Russia", "opposes", "Iran"), ("Russia", "opposes", "Turkey")}),
    ("Niger threatened to cut ties with France.", {("Niger", "opposes", "France")}),  # a threat: Future
    ("The United States warned Iran of serious consequences.", {("United States", "opposes", "Iran")}),
    ("China warned of reprisals against Taiwan.", {("China", "opposes", "Taiwan")}),
]

COERCION_AND_FORCE = [
    ("Israeli troops arrested three Hamas commanders.", {("Israel", "opposes", "Hamas")}),
    ("Ethiopia banned the Tigray People's Liberation Front.",
     {("Ethiopia", "opposes", "Tigray People's Liberation Front")}),
    ("The Houthis seized a ship from Israel.", {("Houthis", "opposes", "Israel")}),
]

AID_AND_COOPERATION = [
    ("The United States delivered weapons to Ukraine.", {("United States", "backs", "Ukraine")}),
    ("China sold weapons to Pakistan.", {("China", "backs", "Pakistan")}),
    ("Iran supplied Hezbollah and the Houthis with weapons and money.",
     {("Iran", "backs", "Hezbollah"), ("Iran", "backs", "Houthis")}),
    ("The European Union gave Jordan 50 million euros of aid.", {("European Union", "backs", "Jordan")}),
    ("Russia granted asylum to Edward Snowden.", {("Russia", "backs", "Edward Snowden")}),
    ("Colombia cooperated with the United States.", {("Colombia", "backs", "United States")}),
    ("Germany praised Poland.", {("Germany", "backs", "Poland")}),
    ("Hezbollah is allied with Iran.", {("Hezbollah", "backs", "Iran")}),
]

GUARDED = [
    # the modality guard holds over every trigger, kg's and the coders': negation, denial, refusal, wishes
    ("Israel did not reject the Egyptian proposal.", set()),
    ("Germany refused to condemn Israel.", set()),
    ("Britain did not suspend aid to Rwanda.", set()),
    ("Morocco denied recalling its ambassador from Algeria.", set()),
    ("Chad hopes to cut ties with Libya.", set()),
    ("The government will not rule out Turkey's proposal.", set()),
    ("Iran denied supplying weapons to the Houthis.", set()),
    ("Egypt did not warn Israel of any reprisals.", set()),
    ("Turkey is not opposed to Sweden's membership.", set()),
]

NEAR_MISSES = [
    # the same words, no relation
    ("Egypt cut a deal with Iran.", set()),  # a deal is no tie cut
    ("Russia sent troops to Belarus.", set()),  # troops help or invade: sending them says neither
    ("The United States sent a delegation to Turkey.", set()),
    ("Israel condemned the killing of Hamas leader Ismail Haniyeh.", set()),  # the victim is not opposed
    ("France dismissed its ambassador to Mali.", set()),  # one's own envoy
    ("Kenya welcomed Ethiopia's prime minister.", set()),  # receiving a visitor
    ("Putin congratulated Trump on his victory.", set()),  # courtesy
    ("Germany backed down from its threat to Poland.", set()),  # yielding, not backing
    ("Hamas released Israeli hostages.", set()),
    ("The storm killed 20 people in Bangladesh.", set()),
    ("The WHO warned of a health crisis in Gaza.", set()),  # a warning of no threat
]

CASES = REJECTIONS + THREATS_AND_CUT_TIES + COERCION_AND_FORCE + AID_AND_COOPERATION + GUARDED + NEAR_MISSES


@pytest.mark.parametrize("text,expected", CASES)
def test_triggers(relations_in, text, expected):
    assert relations_in(text) == expected


@pytest.mark.parametrize("text", ["Niger threatened to cut ties with France.",
                                  "The United States will prohibit all aid to Hamas."])
def test_a_threatened_or_announced_cut_is_future(claims_in, text):
    assert {claim.evidence.mode.value for claim in claims_in(text)} == {"Future"}


def test_the_hand_curated_words_win_over_the_coders():
    words = trigger_words(load_lexicon())
    assert words.verbs["contest"] == "attended"  # CAMEO: 110 disapprove; triggers.json: "contest an election"
    assert words.verbs["reinforce"] == "backs"  # CAMEO: 170 coerce ("reinforce" as "enforce")
    assert "down" in words.particles_excluded["back"]


def test_dropped_verbs_are_no_triggers_and_say_why():
    lexicon = load_lexicon()
    words = trigger_words(lexicon)
    dropped = {row.lemma: row.note for row in lexicon.event_verbs if row.relation == "none" and not row.particle}
    for lemma in ("fire", "die", "take", "welcome", "deny", "warn"):
        assert dropped[lemma]
        assert lemma not in words.verbs or lemma in lexicon.triggers["verbs"]
