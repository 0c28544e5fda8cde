"""When a sentence says the relation it states holds or happened: the date of an assertion.

The date is the one the sentence gives for what its trigger reports ("on Monday", "in 2018",
"on 2 November 2022", "last week", "in September 2018"), read with dateparser against the
article's date, at the precision the text gives it (a day, a month, a year); else the article's
own date and precision; else none.

The date expressions are spaCy's ``DATE`` entities of the sentence. Of those, a duration ("for
two years", "the past few weeks", "since early December", "nine-year war") is no date, and an
expression in another clause than the trigger's ("..., after the war started in 2011") says when
something else happened. Among the rest, the one closest to the trigger in the parse is taken. A
relative expression ("on Monday", "last week", "January 12") needs the article's day; without it
the article's own date is all that is known.

>>> from kg.model import Document
>>> article = Document("d", "", "d.txt", date="2020-02-12", date_precision="day")  # a Wednesday
>>> doc = nlp("Turkey and Russia agreed in September 2018 to set up a zone, Erdogan said on Monday.")
>>> sentence_date(doc[3], article)  # "agreed": its own date, not the day it was said
('2018-09', 'month')
>>> sentence_date(nlp("Erdogan met Putin on Monday.")[1], article)
('2020-02-10', 'day')
>>> sentence_date(nlp("Erdogan met Putin.")[1], article)  # no date in the sentence: the article's
('2020-02-12', 'day')
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from spacy.tokens import Span, Token

from kg.model import Document

__all__ = ["DATE_LABEL", "PRECISIONS", "sentence_date", "date_expressions", "resolve_date"]

DATE_LABEL = "DATE"  # spaCy's entity label of date expressions

PRECISIONS: dict[str, int] = {"day": 10, "month": 7, "year": 4}
"""Precision -> length of the ISO text at it ("2018-09-02", "2018-09", "2018"), finest first."""

# Words that make an expression a span of time rather than a point in it.
DURATION_UNITS = frozenset({"second", "minute", "hour", "day", "week", "weekend", "month", "year", "decade", "century"})
DURATION_PREPOSITIONS = frozenset({"for", "since", "until", "till", "throughout", "within"})
POINT_MARKERS = frozenset({"ago"})  # "two years ago" is a point

# Words around a date that dateparser does not read and that do not move it out of its period:
# "the end of February" is in February, "late April" in April, "earlier this month" this month.
VAGUE_MODIFIERS = ("the end of", "the beginning of", "the start of", "the middle of", "the turn of", "end of",
                   "beginning of", "start of", "middle of", "earlier", "later", "early", "late", "mid-", "mid", "the")

WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})

# Dependencies that open another clause: a date on the far side of one dates something else.
# On the date's side every clause counts ("said that ... in 2018" does not date the saying); on
# the trigger's side, a complement of a verb of saying does not ("said on Monday that X backs Y"
# dates the claim), nor a clause of purpose ("will visit next week to hold talks"), but a
# relative, modifying or subordinate clause does ("X, which backs Y, met on Monday", "spoke on
# Monday, after Russia backed Syria" do not date the backing).
DATE_SIDE_CLAUSES = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "csubj", "csubjpass", "parataxis", "conj"})
TRIGGER_SIDE_CLAUSES = frozenset({"relcl", "acl", "amod", "csubj", "csubjpass"})
SUBORDINATE_CLAUSE = "advcl"  # a boundary on the trigger's side when a conjunction opens it ("after", "when")
SUBORDINATING_MARK = "mark"
VERB_TAGS = frozenset({"VERB", "AUX"})

_YEAR = re.compile(r"\b\d{4}\b")
_PARTS = re.compile(r",|\band\b|\bor\b|\bto\b")  # "today, Wednesday", "Wednesday and Thursday"
_DATEPARSER_BASE = {"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False}
_ABSOLUTE = {**_DATEPARSER_BASE, "PARSERS": ["custom-formats", "absolute-time"], "REQUIRE_PARTS": ["year"]}
_RELATIVE = {**_DATEPARSER_BASE, "PARSERS": ["relative-time", "custom-formats", "absolute-time"]}


def sentence_date(trigger: Token, document: Document, future: bool = False) -> tuple[str | None, str | None]:
    """``(ISO date, precision)`` of what ``trigger`` reports: the date its sentence gives, else
    the article's (when understood), else ``(None, None)``. ``future``: the sentence states an
    intention, so that "on Monday" is the next Monday, not the last."""
    base = _article_day(document)
    for expression in date_expressions(trigger):
        found = resolve_date(expression.text, base, future)
        if found is not None:
            return found
    if document.date and document.date_precision in PRECISIONS:
        return document.date, document.date_precision
    return None, None


def date_expressions(trigger: Token) -> list[Span]:
    """The date expressions of the trigger's sentence that may date it, closest in the parse first.

    >>> doc = nlp("Russia has backed Syria for nine years, since the war started in 2011.")
    >>> date_expressions(doc[2])
    []
    """
    sentence = trigger.sent
    ancestry = {token.i: depth for depth, token in enumerate(_path_up(trigger))}
    found: list[tuple[int, int, Span]] = []
    for entity in sentence.ents:
        if entity.label_ != DATE_LABEL or _is_duration(entity):
            continue
        distance = _distance(entity, trigger, ancestry)
        if distance is not None:
            found.append((distance, entity.start, entity))
    return [entity for _, _, entity in sorted(found, key=lambda item: item[:2])]


def _path_up(token: Token):
    """The token and its ancestors, up to the sentence root."""
    while True:
        yield token
        if token.head.i == token.i:
            return
        token = token.head


def _distance(entity: Span, trigger: Token, ancestry: dict[int, int]) -> int | None:
    """Edges between the expression and the trigger in the parse, None when a clause boundary
    (see :data:`DATE_SIDE_CLAUSES`, :data:`TRIGGER_SIDE_CLAUSES`) lies between them."""
    steps = 0
    for token in _path_up(entity.root):
        if token.i in ancestry:
            common = token
            break
        if token.dep_ in DATE_SIDE_CLAUSES and token.pos_ in VERB_TAGS:
            return None
        steps += 1
    else:  # pragma: no cover - the sentence root is an ancestor of both
        return None
    for depth, token in enumerate(_path_up(trigger)):
        if token.i == common.i:
            return steps + depth
        if token.dep_ in TRIGGER_SIDE_CLAUSES or (
                token.dep_ == SUBORDINATE_CLAUSE and any(c.dep_ == SUBORDINATING_MARK for c in token.children)):
            return None
    return None  # pragma: no cover


def _is_duration(entity: Span) -> bool:
    """A span of time, not a point in it: a number or a plural of a unit ("two years", "nine-year",
    "the past few weeks", "months"), or a date governed by "for", "since", "until"; but not
    "two years ago"."""
    head = entity.root.head
    if entity.root.dep_ == "pobj" and head.lower_ in DURATION_PREPOSITIONS:
        return True
    following = entity.doc[entity.end] if entity.end < len(entity.doc) else None
    if any(t.lower_ in POINT_MARKERS for t in entity) or (following is not None and following.lower_ in POINT_MARKERS):
        return False
    counted = False
    for token in entity:
        word = token.lower_
        singular = word[:-1] if word.endswith("s") else word
        if singular in DURATION_UNITS and (counted or singular != word):
            return True
        counted = counted or token.like_num
    return False


def _article_day(document: Document) -> dt.date | None:
    """The article's date when it is a day: what relative expressions are read against."""
    if document.date_precision != "day" or not document.date:
        return None
    try:
        return dt.date.fromisoformat(document.date)
    except ValueError:
        return None


def _cleaned(text: str) -> str:
    """``text`` without the vague words around a date (:data:`VAGUE_MODIFIERS`)."""
    text = " ".join(text.replace("’", "'").split())
    changed = True
    while changed:
        changed = False
        for modifier in VAGUE_MODIFIERS:
            if text.lower().startswith(modifier + " ") or (modifier.endswith("-") and text.lower().startswith(modifier)):
                text = text[len(modifier):].strip()
                changed = True
    return text.removesuffix("'s")


@lru_cache(maxsize=1 << 12)
def resolve_date(text: str, base: dt.date | None, future: bool = False) -> tuple[str, str] | None:
    """``(ISO date, precision)`` of a date expression; ``base``, the article's day, is what a
    relative expression is read against (without it, only expressions with a year are read);
    ``future``: a weekday or a yearless day is the next one, not the last. Several dates
    ("today, Wednesday", "Wednesday and Thursday") give the finest period holding them all.

    >>> base = dt.date(2020, 2, 12)
    >>> resolve_date("September 2018", None), resolve_date("last week", base), resolve_date("Jan. 12", base)
    (('2018-09', 'month'), ('2020-02', 'month'), ('2020-01-12', 'day'))
    >>> resolve_date("today, Wednesday", base), resolve_date("Monday", base, future=True), resolve_date("Monday", None)
    (('2020-02-12', 'day'), ('2020-02-17', 'day'), None)
    """
    parts = [_cleaned(part) for part in _PARTS.split(text)]
    dates = [_resolve_one(part, base, future) for part in parts if part]
    if not dates or None in dates:
        return None
    return _common(dates)


def _resolve_one(text: str, base: dt.date | None, future: bool) -> tuple[str, str] | None:
    if _YEAR.search(text):
        found = _parsed(_parser(None, None), text)
        if found is not None:
            return found
    if base is None:
        return None
    weekday = text.lower() in WEEKDAYS
    if not future:  # news tells what has happened: the last such day or month (this one included)
        # "on Wednesday" in a Wednesday's article is that day: read against the day after
        return _parsed(_parser(base + dt.timedelta(days=1) if weekday else base, "past"), text)
    # An intention: the next such weekday, but "by the end of February" in February is this February.
    return _parsed(_parser(base, "future" if weekday else "current_period"), text)


@lru_cache(maxsize=64)
def _parser(base: dt.date | None, prefer: str | None) -> Any:
    """dateparser's parser of absolute dates (``base`` None: a year is required), or of dates
    relative to ``base``, preferring dates from ``prefer`` ("past", "future", "current_period")."""
    import dateparser.date  # slow to import: only when a sentence has a date

    if base is None:
        settings = _ABSOLUTE
    else:
        settings = {**_RELATIVE, "RELATIVE_BASE": dt.datetime.combine(base, dt.time()), "PREFER_DATES_FROM": prefer}
    return dateparser.date.DateDataParser(languages=["en"], settings=settings)


def _parsed(parser: Any, text: str) -> tuple[str, str] | None:
    try:
        data = parser.get_date_data(text)
    except Exception:  # noqa: BLE001 - dateparser raises assorted errors on odd input
        return None
    if data.date_obj is None:
        return None
    day = data.date_obj.date()
    if data.period == "week":  # no week in XML Schema: the finest period holding the whole week
        monday = day - dt.timedelta(days=day.weekday())
        return _common([(monday.isoformat(), "day"), ((monday + dt.timedelta(days=6)).isoformat(), "day")])
    precision = data.period if data.period in PRECISIONS else "day"  # "time": a moment of that day
    return day.isoformat()[: PRECISIONS[precision]], precision


def _common(dates: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The finest period (day, month, year) that holds all ``dates``; None when they span years.

    >>> _common([("2020-02-03", "day"), ("2020-02-09", "day")]), _common([("2019-12", "month"), ("2020", "year")])
    (('2020-02', 'month'), None)
    """
    finest = min(PRECISIONS[precision] for _, precision in dates)
    for precision, length in PRECISIONS.items():
        if length <= finest and len({iso[:length] for iso, _ in dates}) == 1:
            return dates[0][0][:length], precision
    return None
