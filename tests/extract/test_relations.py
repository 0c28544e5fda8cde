"""kg.extract.relations: relation extraction, one trigger family at a time, on real-world sentences.

Each case is (sentence(s), the relations found): exactly those, so a wrong extra relation fails.
Labels are those resolution gives: countries by their lexicon name, people by full name.
"""
from __future__ import annotations

import pytest

ACTIVE_AND_PASSIVE = [
    ("Russia and Iran back the Syrian government.",
     {("Russia", "backs", "Syria"), ("Iran", "backs", "Syria")}),
    ("Hezbollah, backed by Iran, fired rockets at Israel.",
     {("Iran", "backs", "Hezbollah"), ("Hezbollah", "opposes", "Israel")}),
    ("The Syrian regime has pressed on. Regime forces backed by Russia and Iran have recently made gains in Idlib.",
     {("Russia", "backs", "Syria"), ("Iran", "backs", "Syria")}),
    ("Syrian President Bashar al-Assad spoke on Sunday. Supported by Russian airpower, pro-Assad forces have "
     "been fighting rebels near Aleppo.",
     {("Russia", "backs", "Syria")}),
    ("Turkey has upheld rebels seeking to expel Syrian President Bashar al-Assad.",
     {("Turkey", "backs", "Syrian opposition"), ("Syrian opposition", "opposes", "Bashar al-Assad")}),
    ("Sudan's army accused the Rapid Support Forces of attacking civilians in Darfur.",
     {("Sudan", "opposes", "Rapid Support Forces")}),
    ("Russian forces shelled Ukrainian positions near Bakhmut.",
     {("Russia", "opposes", "Ukraine")}),
    ("Azerbaijani troops clashed with Armenian forces along the border.",
     {("Azerbaijan", "opposes", "Armenia")}),
    ("Washington accused Beijing of supplying weapons to Moscow.",
     {("United States", "opposes", "China")}),
]

HYPHENATED_AND_STANCE = [
    ("The Iran-backed Houthis attacked Saudi Arabia's oil facilities.",
     {("Iran", "backs", "Houthis"), ("Houthis", "opposes", "Saudi Arabia")}),
    ("Russia-led Syrian forces have pressed to seize Idlib.", {("Russia", "backs", "Syria")}),
    ("Pro-Russian separatists in eastern Ukraine are backed by Moscow.",
     {("Russia", "backs", "Ukrainian separatists"), ("Ukrainian separatists", "backs", "Russia")}),
]

NOUNS_AND_LIGHT_VERBS = [
    ("Israel launched airstrikes against Hamas in Gaza.", {("Israel", "opposes", "Hamas")}),
    ("The European Union imposed sanctions on Belarus.", {("European Union", "opposes", "Belarus")}),
    ("The United States and its allies condemned North Korea's missile launch.",
     {("United States", "opposes", "North Korea")}),
    ("Acar called on NATO to provide support in order to stop Bashar al-Assad's attacks on Idlib.",
     {("Acar", "opposes", "Bashar al-Assad")}),
]

APPEALS = [
    ("The Turkish President, Recep Tayyip Erdogan, spoke on Wednesday. During a speech in Ankara, Erdogan called "
     "on the Syrian regime forces to withdraw.",
     {("Recep Tayyip Erdogan", "opposes", "Syria")}),
    ("Secretary-General Antonio Guterres urged Israel to halt its offensive.",
     {("Antonio Guterres", "opposes", "Israel")}),
]

ATTENDED = [
    ("French President Emmanuel Macron and German Chancellor Olaf Scholz attended the NATO summit in Vilnius.",
     {("Emmanuel Macron", "attended", "NATO summit in Vilnius"), ("Olaf Scholz", "attended", "NATO summit in Vilnius")}),
    ("US Secretary of State Antony Blinken met Chinese Foreign Minister Wang Yi on the sidelines of the G20 summit in New Delhi.",
     {("Antony Blinken", "attended", "G20 summit in New Delhi"), ("Wang Yi", "attended", "G20 summit in New Delhi")}),
    ("The African Union held a summit in Addis Ababa. Kenyan President William Ruto and Nigerian President "
     "Bola Tinubu attended the summit.",
     {("William Ruto", "attended", "summit in Addis Ababa"), ("Bola Tinubu", "attended", "summit in Addis Ababa"),
      ("African Union", "attended", "summit in Addis Ababa")}),  # the host attends ("host" is an attended trigger)
    ("Leaders gathered for the Munich Security Conference. The conference was attended by Ukrainian President "
     "Volodymyr Zelensky, Defense Minister Boris Pistorius and Kenyan Foreign Minister Musalia Mudavadi.",
     {("Volodymyr Zelensky", "attended", "Munich Security Conference"),
      ("Boris Pistorius", "attended", "Munich Security Conference"),
      ("Musalia Mudavadi", "attended", "Munich Security Conference")}),
    ("Iran will attend the talks in Vienna next week, the foreign ministry said.",
     {("Iran", "attended", "talks in Vienna")}),
    ("Talks between Russia and Ukraine in Istanbul ended without a breakthrough.",
     {("Russia", "attended", "Talks between Russia and Ukraine"), ("Ukraine", "attended", "Talks between Russia and Ukraine")}),
    ("Israel-Hamas talks in Cairo resumed on Monday.",
     {("Israel", "attended", "Israel-Hamas talks in Cairo"), ("Hamas", "attended", "Israel-Hamas talks in Cairo")}),
    ("Russia and Ukraine held talks in Istanbul on Monday.",
     {("Russia", "attended", "talks in Istanbul"), ("Ukraine", "attended", "talks in Istanbul")}),
    ("Hungary joined the talks in Vienna.", {("Hungary", "attended", "talks in Vienna")}),
    ("Zelensky travelled to Washington for the NATO summit.", {("Zelensky", "attended", "NATO summit")}),
    ("President Nicolas Maduro ran in the presidential election, which the opposition boycotted.",
     {("Nicolas Maduro", "attended", "presidential election")}),
    ("On Wednesday, Defence Minister Ben Wallace discussed with his US counterpart Lloyd Austin the war in Ukraine. "
     "The two ministers' meeting came on the sidelines of the NATO summit in Madrid.",
     {("Ben Wallace", "attended", "NATO summit in Madrid"), ("Lloyd Austin", "attended", "NATO summit in Madrid")}),
]

AGREED = [
    ("The Minsk agreement between Ukraine and Russia collapsed in 2022.",
     {("Ukraine", "agreed", "Minsk agreement"), ("Russia", "agreed", "Minsk agreement")}),
    ("Ethiopia and the TPLF signed the Pretoria agreement in November.",
     {("Ethiopia", "agreed", "Pretoria agreement"), ("Tigray People's Liberation Front", "agreed", "Pretoria agreement")}),
    ("The ceasefire between Israel and Hamas, brokered by Egypt and Qatar, took effect on Sunday.",
     {("Israel", "agreed", "ceasefire between Israel and Hamas"), ("Hamas", "agreed", "ceasefire between Israel and Hamas")}),
    ("Earlier this month, Serbia agreed with Kosovo that a ceasefire will be implemented in the Mitrovica region.",
     {("Serbia", "agreed", "Mitrovica ceasefire"), ("Kosovo", "agreed", "Mitrovica ceasefire")}),
    ("Colombia's government and the ELN rebels signed a ceasefire agreement in Havana.",
     {("Colombia", "agreed", "ceasefire agreement in Havana"),
      ("National Liberation Army", "agreed", "ceasefire agreement in Havana")}),
    ("Armenia and Azerbaijan struck a deal in Washington on Friday.",
     {("Armenia", "agreed", "deal in Washington"), ("Azerbaijan", "agreed", "deal in Washington")}),
    ("Sweden joined the Ottawa Convention in 1998.", {("Sweden", "agreed", "Ottawa Convention")}),
    ("Iran, a signatory to the Non-Proliferation Treaty, denied seeking nuclear weapons.",
     {("Iran", "agreed", "Non-Proliferation Treaty")}),
    ("Kenya has fulfilled its responsibilities in line with its security agreements with Somalia and Ethiopia.",
     {(party, "agreed", "security agreements between Kenya, Somalia and Ethiopia")
      for party in ("Kenya", "Somalia", "Ethiopia")}),
]

RECIPROCAL_APPOSITION_AND_TIES = [
    # reciprocal verbs with a coordinated subject
    ("Sudan's army and the Rapid Support Forces clashed again near El Obeid.",
     {("Sudan", "opposes", "Rapid Support Forces"), ("Rapid Support Forces", "opposes", "Sudan")}),
    # allies and enemies in apposition
    ("Turkey, Azerbaijan's closest ally, welcomed the agreement.", {("Turkey", "backs", "Azerbaijan")}),
    ("Russia, a close ally of Caracas, congratulated Nicolas Maduro.", {("Russia", "backs", "Venezuela")}),
    # ties severed
    ("Mali severed diplomatic ties with Ukraine.", {("Mali", "opposes", "Ukraine")}),
]

FAMILIES = {
    "active and passive voice, coordination": ACTIVE_AND_PASSIVE,
    "hyphenated backers and stances": HYPHENATED_AND_STANCE,
    "relation nouns and light verbs": NOUNS_AND_LIGHT_VERBS,
    "appeals to withdraw": APPEALS,
    "attended": ATTENDED,
    "agreed": AGREED,
    "reciprocal verbs, apposition and ties": RECIPROCAL_APPOSITION_AND_TIES,
}
CASES = [pytest.param(text, expected, id=f"{family}: {text[:50]}")
         for family, cases in FAMILIES.items() for text, expected in cases]


@pytest.mark.parametrize("text,expected", CASES)
def test_pattern_families(relations_in, text, expected):
    assert relations_in(text) == expected  # pytest names what is missing and what is extra

