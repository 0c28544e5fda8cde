"""kg.extract.descriptions: agreements and events known by a description, not a name.

Sentences that must give exactly these relations (labels as resolution gives them), near-misses
that must not, and the rule across articles: descriptions merge only with the same kind, parties
and date.
"""
from __future__ import annotations

import pytest

from kg.model import EntityKind, Mention
from kg.resolve import Resolver

CEASEFIRE = "ceasefire between Chile and Peru"

FOUND = [
    # parties from the verb that makes it, from "between", from a "with" partner
    ("Chile and Peru agreed to a ceasefire.", {("Chile", "agreed", CEASEFIRE), ("Peru", "agreed", CEASEFIRE)}),
    ("Chile and Peru signed a ceasefire on Monday.", {("Chile", "agreed", CEASEFIRE), ("Peru", "agreed", CEASEFIRE)}),
    ("The ministers agreed on a truce between Chile and Peru.",
     {("Chile", "agreed", "truce between Chile and Peru"), ("Peru", "agreed", "truce between Chile and Peru")}),
    ("Israel signed a truce with Hamas.",
     {("Israel", "agreed", "truce between Israel and Hamas"), ("Hamas", "agreed", "truce between Israel and Hamas")}),
    ("Israel signed a truce with Hamas in Cairo.",  # the place the phrase is given tells it apart
     {("Israel", "agreed", "Cairo truce"), ("Hamas", "agreed", "Cairo truce")}),
    ("Ecuador and Peru initialed a peace treaty.",  # a verb only this family knows
     {("Ecuador", "agreed", "peace treaty between Ecuador and Peru"),
      ("Peru", "agreed", "peace treaty between Ecuador and Peru")}),
    ("Iran and Saudi Arabia held talks in Baghdad in April 2021.",  # an event by its place
     {("Iran", "attended", "talks in Baghdad"), ("Saudi Arabia", "attended", "talks in Baghdad")}),
    ("Iran and Saudi Arabia held talks in April 2021.",
     {("Iran", "attended", "talks between Iran and Saudi Arabia"),
      ("Saudi Arabia", "attended", "talks between Iran and Saudi Arabia")}),
    ("Egypt brokered a truce between Israel and Hamas.",  # the broker is not a party
     {("Israel", "agreed", "truce between Israel and Hamas"), ("Hamas", "agreed", "truce between Israel and Hamas")}),
    # only a verb says it: a meeting both attended, an agreement both made
    ("Antony Blinken met Wang Yi in Beijing.",
     {("Antony Blinken", "attended", "meeting in Beijing"), ("Wang Yi", "attended", "meeting in Beijing")}),
    ("Antony Blinken and Wang Yi met on Friday.",
     {("Antony Blinken", "attended", "meeting between Antony Blinken and Wang Yi"),
      ("Wang Yi", "attended", "meeting between Antony Blinken and Wang Yi")}),
    ("Vladimir Putin received Recep Tayyip Erdogan in Sochi.",
     {("Vladimir Putin", "attended", "meeting in Sochi"), ("Recep Tayyip Erdogan", "attended", "meeting in Sochi")}),
    ("Antony Blinken visited Kyiv and Warsaw this week.",  # a visit: the visitor and the hosts
     {("Antony Blinken", "attended", "visit to Kyiv and Warsaw"), ("Ukraine", "attended", "visit to Kyiv and Warsaw"),
      ("Poland", "attended", "visit to Kyiv and Warsaw")}),
    ("Russia and Ukraine agreed to resume talks.",  # an agreement now; the talks are to come
     {("Russia", "agreed", "agreement between Russia and Ukraine"),
      ("Ukraine", "agreed", "agreement between Russia and Ukraine")}),
    ("Serbia agreed with Kosovo to open two border crossings.",
     {("Serbia", "agreed", "agreement between Serbia and Kosovo"),
      ("Kosovo", "agreed", "agreement between Serbia and Kosovo")}),
    # a name and a description of one thing: copula, apposition, "also known as", "dubbed"
    ("The Lusaka Protocol is a peace accord between Angola and UNITA.",
     {("Angola", "agreed", "Lusaka Protocol"), ("UNITA", "agreed", "Lusaka Protocol")}),
    ("The Lusaka Protocol, a peace accord between Angola and UNITA, collapsed in 1998.",
     {("Angola", "agreed", "Lusaka Protocol"), ("UNITA", "agreed", "Lusaka Protocol")}),
    ("A truce between Armenia and Azerbaijan, dubbed the Moscow truce, took effect in 2020.",
     {("Armenia", "agreed", "Moscow truce"), ("Azerbaijan", "agreed", "Moscow truce")}),
    # a later "the deal" is the salient agreement, whatever its kind; a description split over clauses
    ("Israel and Hamas agreed to a truce on Monday. Egypt welcomed the deal, which Qatar had brokered.",
     {("Israel", "agreed", "truce between Israel and Hamas"), ("Hamas", "agreed", "truce between Israel and Hamas")}),
    ("Turkey and Russia reached a deal on Monday. The agreement, signed in Sochi, created a buffer zone.",
     {("Turkey", "agreed", "deal between Turkey and Russia"), ("Russia", "agreed", "deal between Turkey and Russia")}),
]

NEAR_MISSES = [
    "Israel rejected a ceasefire with Hamas.",  # a verb about someone's agreement, not making one
    "Chile and Peru did not agree to a ceasefire.",
    "Chile and Peru refused to sign a truce.",
    "Russia and China agreed that the resolution was flawed.",  # an opinion shared, not an agreement
    "Vladimir Putin met with criticism at home. The demands were met.",
    "Antony Blinken refused to meet Wang Yi.",
    "Egypt received the proposal from Qatar.",  # no guest
    "A Turkish delegation will visit Moscow next week.",  # a state's delegation: its talks are the event
    "Antony Blinken said he would meet Wang Yi if China released the detainees.",  # a condition
    "Ash Carter flew to visit U.S. service members at the airfield.",  # troops, not a host named
    "The deal is a victory for Iran.",
    "Two presidents signed a treaty.",  # no party named: nothing to be a node of
    "Egypt brokered a truce with Hamas.",  # Hamas and whom, the text does not say; Egypt is no party
    "Turkey says it fulfilled its duties under deals with Russia and Iran.",  # deals with them, not between them
]


@pytest.mark.parametrize("text,expected", FOUND, ids=[text[:60] for text, _ in FOUND])
def test_descriptions_are_things_with_their_parties(relations_in, text, expected):
    assert relations_in(text) == expected


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_give_nothing(relations_in, text):
    assert relations_in(text) == set()


def test_a_meeting_at_a_named_event_is_that_event(relations_in):
    """ "met on the sidelines of the summit": the summit both attended, no meeting of its own."""
    assert relations_in("Emmanuel Macron met Olaf Scholz on the sidelines of the G20 summit.") == {
        ("Emmanuel Macron", "attended", "G20 summit"), ("Olaf Scholz", "attended", "G20 summit")}


# --- across articles: kind, parties and date ---------------------------------------------------


@pytest.fixture(scope="module")
def dated_graph(graph_of):
    """``dated_graph((text, date), ...)``: the graph of dated articles."""
    return lambda *articles: graph_of(*(text for text, _ in articles), dates=tuple(date for _, date in articles))


def _agreements(graph) -> list[str]:
    return sorted(graph.entities[a.object_id].entity_id for a in graph.assertions
                  if a.relation.value == "agreed" and graph.entities[a.subject_id].label == "Israel")


def test_same_kind_parties_and_month_are_one_thing(dated_graph):
    graph = dated_graph(("Israel and Hamas agreed to a ceasefire.", "2024-05-02"),
                        ("The ceasefire between Hamas and Israel held on Monday.", "2024-05-20"))
    assert _agreements(graph) == ["israel-hamas-ceasefire-2024-05"] * 2


def test_one_family_whatever_its_word(dated_graph):
    graph = dated_graph(("Israel and Hamas agreed to a ceasefire.", "2024-05-02"),
                        ("The truce agreement between Hamas and Israel held on Monday.", "2024-05-20"))
    assert _agreements(graph) == ["israel-hamas-ceasefire-2024-05"] * 2


@pytest.mark.parametrize("other,date", [
    ("The ceasefire between Hamas and Israel held on Monday.", "2025-01-10"),  # another month
    ("The ceasefire between Israel, Hamas and Egypt held on Monday.", "2024-05-20"),  # other parties
    ("The peace deal between Hamas and Israel held on Monday.", "2024-05-20"),  # another kind
])
def test_a_difference_keeps_them_apart(dated_graph, other, date):
    graph = dated_graph(("Israel and Hamas agreed to a ceasefire.", "2024-05-02"), (other, date))
    assert len(set(_agreements(graph))) == 2


def test_undated_descriptions_stay_in_their_article(dated_graph):
    graph = dated_graph(("Israel and Hamas agreed to a ceasefire.", None),
                        ("The ceasefire between Hamas and Israel held on Monday.", None))
    assert len(set(_agreements(graph))) == 2


def test_the_date_the_text_gives_comes_first(dated_graph):
    graph = dated_graph(("Israel and Hamas signed a ceasefire in November 2023.", "2025-02-01"),
                        ("Israel and Hamas agreed to a ceasefire.", "2023-11-20"))
    assert _agreements(graph) == ["israel-hamas-ceasefire-2023-11"] * 2


def test_a_description_never_joins_a_name_across_articles(dated_graph):
    graph = dated_graph(("Israel and Hamas agreed to a ceasefire.", "2024-05-02"),
                        ("Israel and Hamas signed the Gaza ceasefire.", "2024-05-20"))
    assert len(set(_agreements(graph))) == 2


def test_the_subset_rule_of_names_never_takes_a_description():
    """ "the Israel ceasefire" (a name) holds a word of "a ceasefire between Israel and Hamas" in May
    (a description): names join the one name that holds all their words; descriptions join no one."""
    named = Mention("a", 0, 18, "Israel ceasefire", EntityKind.AGREEMENT, "agreement:ceasefire:ISR", "Israel ceasefire")
    described = Mention("b", 0, 30, "ceasefire", EntityKind.AGREEMENT, "agreement:ceasefire:ISR+hamas:2024-05",
                        "ceasefire between Israel and Hamas")
    longer = Mention("c", 0, 30, "Israel Hamas ceasefire", EntityKind.AGREEMENT, "agreement:ceasefire:ISR+hamas",
                     "Israel Hamas ceasefire")
    resolver = Resolver()
    resolver.add_mentions([named, described, longer])
    assert resolver.entity_of(named) is resolver.entity_of(longer)  # a name joins the name that holds it
    assert resolver.entity_of(described) is not resolver.entity_of(longer)
    assert resolver.entity_of(described).entity_id == "israel-hamas-ceasefire-2024-05"
