"""Dates written at their precision ("2018", "2018-09", "2018-09-02") as the periods they name:
their first and last days, and whether one falls in a range of such dates.

``kg:date`` and ``schema:datePublished`` keep the precision the text gives; a year is not its
first of January. A period is in a range when the two overlap.

>>> period("2018-09")
(datetime.date(2018, 9, 1), datetime.date(2018, 9, 30))
>>> overlaps("2018-09", since="2018-09-15"), overlaps("2018", until="2018-03"), overlaps("2018-09", since="2019")
(True, True, False)
"""
from __future__ import annotations

import calendar
import datetime as dt
import re

__all__ = ["ISO_PERIOD", "is_period", "period", "overlaps"]

ISO_PERIOD = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
"""A year, a month or a day in ISO 8601: what ``kg:date`` holds."""


def is_period(value: str) -> bool:
    """Whether ``value`` is a valid ISO year, month or day.

    >>> is_period("2020-02-29"), is_period("2019-02-29"), is_period("2020-13"), is_period("Feb 2020")
    (True, False, False, False)
    """
    if not ISO_PERIOD.fullmatch(value):
        return False
    try:
        period(value)
    except ValueError:
        return False
    return True


def period(value: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a year, month or day written in ISO 8601; ValueError otherwise."""
    if not ISO_PERIOD.fullmatch(value):
        raise ValueError(f"not an ISO year, month or day: {value!r}")
    year = int(value[:4])
    if len(value) == 4:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    month = int(value[5:7])
    if len(value) == 7:
        if not 1 <= month <= 12:
            raise ValueError(f"not an ISO month: {value!r}")
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    day = dt.date(year, month, int(value[8:10]))
    return day, day


def overlaps(value: str, since: str | None = None, until: str | None = None) -> bool:
    """Whether the period ``value`` shares a day with the range from ``since`` to ``until`` (each a
    period too, its whole included; None: open). A value that is no ISO period is in no range."""
    try:
        first, last = period(value)
    except ValueError:
        return False
    return (since is None or last >= period(since)[0]) and (until is None or first <= period(until)[1])
