"""kg.extract.dates: the date a sentence gives for what it reports, at the precision it is written
with, read against the article's date; else the article's own date; else none."""
from __future__ import annotations

import datetime as dt

import pytest

from kg.extract.dates import date_expressions, resolve_date, sentence_date
from kg.model import Document
from kg.nlp import parse_text

WEDNESDAY = dt.date(2020, 2, 12)
ARTICLE = Document("d", "", "d.txt", date="2020-02-12", date_precision="day")


@pytest.mark.parametrize("text, future, expected", [
    ("2018", False, ("2018", "year")),
    ("September 2018", False, ("2018-09", "month")),
    ("2 November 2022", False, ("2022-11-02", "day")),
    ("Monday", False, ("2020-02-10", "day")),  # the last Monday
    ("Monday", True, ("2020-02-17", "day")),  # an intention: the next one
    ("Wednesday", False, ("2020-02-12", "day")),  # in a Wednesday's article: that day
    ("today, Wednesday", False, ("2020-02-12", "day")),
    ("last week", False, ("2020-02", "month")),  # 3-9 February: no week in XML Schema, its month
    ("Jan. 12", False, ("2020-01-12", "day")),
    ("the end of February", True, ("2020-02", "month")),
    ("late April", False, ("2019-04", "month")),
    ("Earlier this month", False, ("2020-02", "month")),
    ("last year", False, ("2019", "year")),
    ("two years ago", False, ("2018", "year")),
])
def test_expressions_read_against_the_articles_day(text, future, expected):
    assert resolve_date(text, WEDNESDAY, future) == expected


@pytest.mark.parametrize("text", ["Monday", "last week", "Jan. 12", "February"])
def test_a_relative_expression_needs_the_articles_day(text):
    assert resolve_date(text, None) is None
    assert resolve_date("June 2019", None) == ("2019-06", "month")  # a year: no day needed


def test_dates_that_span_years_have_no_common_period():
    assert resolve_date("December 2019 and January 2020", None) is None
    assert resolve_date("Wednesday and Thursday", WEDNESDAY) == ("2020-02", "month")  # 5 and 6 February


def test_a_number_that_is_no_date_is_not_read():
    assert resolve_date("6131366921001", WEDNESDAY) is None


@pytest.mark.parametrize("sentence, word, expected", [
    ("Turkey and Russia agreed in September 2018 to set up a zone.", "agreed", ("2018-09", "month")),
    ("Erdogan met Putin on Monday.", "met", ("2020-02-10", "day")),
    ("Erdogan met Putin.", "met", ("2020-02-12", "day")),  # no date in the sentence: the article's
    ("Russia has backed Syria for two years.", "backed", ("2020-02-12", "day")),  # a duration is no date
    ("Russia has backed Syria for the past few weeks.", "backed", ("2020-02-12", "day")),
    ("Russia has backed Syria since 2015.", "backed", ("2020-02-12", "day")),  # a period's start
    ("Russia backed the nine-year war.", "backed", ("2020-02-12", "day")),
    # the date of another clause: "in 2018" dates the agreeing, not the backing
    ("Turkey and Russia, which back opposing sides, agreed in 2018 to set up a zone.", "back", ("2020-02-12", "day")),
    ("Turkey and Russia, which back opposing sides, agreed in 2018 to set up a zone.", "agreed", ("2018", "year")),
    # a claim is dated by when it is said
    ("Turkey backs the rebels, Erdogan said on Monday.", "backs", ("2020-02-10", "day")),
    # ... but not by when something said to have happened later did
    ("Russia backed Assad after the war started in 2011.", "backed", ("2020-02-12", "day")),
])
def test_the_date_of_the_triggers_clause(nlp, sentence, word, expected):
    doc = parse_text(nlp, sentence)
    trigger = next(token for token in doc if token.text == word)
    assert sentence_date(trigger, ARTICLE) == expected


def test_the_closest_date_in_the_parse_wins(nlp):
    doc = parse_text(nlp, "Turkey and Russia agreed in September 2018 to set up a zone, Erdogan said on Monday.")
    agreed = next(token for token in doc if token.text == "agreed")
    assert [span.text for span in date_expressions(agreed)] == ["September 2018", "Monday"]


@pytest.mark.parametrize("date, precision, expected", [
    ("2020-02", "month", ("2020-02", "month")),  # "on Monday" cannot be read against a month
    ("2020", "year", ("2020", "year")),
    ("sometime last spring", None, (None, None)),  # an article's date kept as written is no date
    (None, None, (None, None)),
])
def test_without_the_articles_day_a_relative_date_gives_the_articles_date(nlp, date, precision, expected):
    article = Document("d", "", "d.txt", date=date, date_precision=precision)
    doc = parse_text(nlp, "Erdogan met Putin on Monday.")
    assert sentence_date(doc[1], article) == expected
    doc = parse_text(nlp, "Erdogan met Putin in May 2019.")
    assert sentence_date(doc[1], article) == ("2019-05", "month")  # an absolute date needs no article date


def test_the_extractor_dates_each_claims_evidence(nlp, extractor):
    text = ("The Sochi agreement between Erdogan and Putin in September 2018 set up a de-escalation zone. "
            "Russia backs the Syrian government.")
    claims = extractor(Document("d", text, "d.txt", date="2020-02-17", date_precision="day"), parse_text(nlp, text)).claims
    dates = {(c.relation.value, c.object.text): (c.evidence.date, c.evidence.date_precision) for c in claims}
    assert dates[("agreed", "Sochi agreement")] == ("2018-09", "month")
    assert dates[("backs", "Syrian government")] == ("2020-02-17", "day")
