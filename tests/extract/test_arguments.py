"""kg.extract.arguments: from a relation's syntactic argument to the mentions it stands for.

Each case is (sentence(s), exactly the relations found): pronouns and "the group" stand for what was named
before them, holders of places and assets for their owner, counted people for no one.
"""
from __future__ import annotations

import pytest

ANAPHORA_AND_OWNERS = [
    # "the group" is the last armed group named
    ("The Houthis seized a cargo ship in November. The group has also launched missiles at Israel.",
     {("Houthis", "opposes", "Israel")}),
    # "they" after a coordinated subject
    ("Keir Starmer, Emmanuel Macron and Friedrich Merz met in Kyiv. In a joint statement, they said they "
     "continued to support Ukraine.",
     {("Keir Starmer", "backs", "Ukraine"), ("Emmanuel Macron", "backs", "Ukraine"), ("Friedrich Merz", "backs", "Ukraine")}
     | {(who, "attended", "meeting in Kyiv")
        for who in ("Keir Starmer", "Emmanuel Macron", "Friedrich Merz")}),
    # holders of places and assets
    ("Israel struck the Houthi-held port of Hodeidah.", {("Israel", "opposes", "Houthis")}),
    ("Ukrainian drones struck four airbases deep inside Russia.", {("Ukraine", "opposes", "Russia")}),
]
CASES = [pytest.param(text, expected, id=text[:50]) for text, expected in ANAPHORA_AND_OWNERS]


@pytest.mark.parametrize("text,expected", CASES)
def test_arguments_stand_for_what_they_refer_to(relations_in, text, expected):
    assert relations_in(text) == expected  # pytest names what is missing and what is extra


def test_counted_people_are_not_their_state(relations_in):
    assert relations_in("The offensive has killed more than 46,000 Palestinians.") == set()
