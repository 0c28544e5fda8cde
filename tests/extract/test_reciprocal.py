"""kg.extract.reciprocal: relations that hold both ways, and the near-misses where they do not.

Each case gives exactly the relations found (labels as resolution gives them): a wrong side in a
war is worse than a gap, so "A and B fought" with A and B on one side must give no A-B relation.
"""
from __future__ import annotations

import pytest


def both(a: str, relation: str, b: str) -> set[tuple[str, str, str]]:
    return {(a, relation, b), (b, relation, a)}


FOUND = [
    # conflict nouns: between, a hyphenated pair, a possessor with "with", a verb with "between"
    ("The war between Russia and Ukraine entered its fourth year.", both("Russia", "opposes", "Ukraine")),
    ("Clashes between Sudan's army and the Rapid Support Forces killed dozens.",
     both("Sudan", "opposes", "Rapid Support Forces")),
    ("Fighting broke out between Armenia and Azerbaijan on Sunday.", both("Armenia", "opposes", "Azerbaijan")),
    ("The Iran-Iraq war killed a million people.", both("Iran", "opposes", "Iraq")),
    ("Russia's war with Ukraine entered its fourth year.", both("Russia", "opposes", "Ukraine")),
    ("Ethiopia and Eritrea went to war in 1998.", both("Ethiopia", "opposes", "Eritrea")),
    ("Russia is at war with Ukraine.", both("Russia", "opposes", "Ukraine")),
    ("Sudan has been at war with two rebel groups, the Justice and Equality Movement and the Sudan Liberation "
     "Movement, since 2003.",
     both("Sudan", "opposes", "Justice and Equality Movement") | both("Sudan", "opposes", "Sudan Liberation Movement")),
    # two sides: across them, never within one
    ("The conflict between Sudan and Chad on one side and Libya on the other escalated.",
     both("Sudan", "opposes", "Libya") | both("Chad", "opposes", "Libya")),
    # reciprocal verbs with the two as plural subject
    ("Sudan's army and the Rapid Support Forces clashed again near El Obeid.",
     both("Sudan", "opposes", "Rapid Support Forces")),
    ("Armenian and Azerbaijani forces clashed on the border.", both("Armenia", "opposes", "Azerbaijan")),
    ("Israel and Hezbollah exchanged fire across the border.", both("Israel", "opposes", "Hezbollah")),
    ("Israel and the Palestinians fought one another for decades.", both("Israel", "opposes", "Palestine")),
    ("Armenia and Azerbaijan fought a war in 2020.", both("Armenia", "opposes", "Azerbaijan")),
    ("India and Pakistan remain bitter rivals.", both("India", "opposes", "Pakistan")),
    # alliances: each backs the other; against a third, both oppose it
    ("An alliance between Russia and Iran worries Israel.", both("Russia", "backs", "Iran")),
    ("Iran's alliance with Syria has lasted four decades.", both("Iran", "backs", "Syria")),
    ("Russia and Iran are close allies.", both("Russia", "backs", "Iran")),
    ("Russia and Iran formed an alliance against the United States.",
     both("Russia", "backs", "Iran") | {("Russia", "opposes", "United States"), ("Iran", "opposes", "United States")}),
    # a truce between two: both agreed it
    ("A truce between Israel and Hezbollah took effect.",
     {("Israel", "agreed", "truce between Israel and Hezbollah"),
      ("Hezbollah", "agreed", "truce between Israel and Hezbollah")}),
]

NEAR_MISSES = [
    # on one side, or with a third: no relation between the two
    ("Russia and Iran fought in Syria.", set()),
    ("Russia and Iran fought alongside Syrian troops.", {("Russia", "backs", "Syria"), ("Iran", "backs", "Syria")}),
    ("Russia and Iran fought against the Islamic State.",
     {("Russia", "opposes", "Islamic State"), ("Iran", "opposes", "Islamic State")}),
    ("Russia and Iran fought a war against the Islamic State.",
     {("Russia", "opposes", "Islamic State"), ("Iran", "opposes", "Islamic State")}),
    ("Turkey and Russia fought together against the rebels.", set()),
    ("Israel and Hezbollah exchanged prisoners.", set()),
    # which pairs, when three clash, the text does not say
    ("Sudan, Chad and Libya clashed at the border.", set()),
    ("The war between Russia, Ukraine and Belarus dragged on.", set()),
    # feared, avoided, hypothetical
    ("A war between Russia and NATO would be a catastrophe.", set()),
    ("Diplomats worked to avoid a war between India and Pakistan.", set()),
    ("Israel and Hezbollah could clash again.", set()),
    # an alliance ended, left or former is none; one ally of a third is not the two allied
    ("Turkey left its military alliance with Israel.", set()),
    ("Russia and Iran are allies of Syria.", {("Russia", "backs", "Syria"), ("Iran", "backs", "Syria")}),
    # whose fight "its" is the parse does not say; the speaker after the list is no party to it
    ("Norway backs the Kenyan government in its fight against al-Shabaab, Jonas Berg said.",
     {("Norway", "backs", "Kenya"), ("Norway", "opposes", "al-Shabaab")}),
]


@pytest.mark.parametrize("text,expected", FOUND + NEAR_MISSES, ids=[text[:60] for text, _ in FOUND + NEAR_MISSES])
def test_reciprocal_relations(relations_in, text, expected):
    assert relations_in(text) == expected
