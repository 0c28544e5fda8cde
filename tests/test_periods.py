"""kg.periods: a date at its precision is the period it names; ranges overlap periods whole."""
from __future__ import annotations

import datetime as dt

import pytest

from kg.periods import is_period, overlaps, period


@pytest.mark.parametrize("value, first, last", [
    ("2020", dt.date(2020, 1, 1), dt.date(2020, 12, 31)),
    ("2020-02", dt.date(2020, 2, 1), dt.date(2020, 2, 29)),  # a leap year
    ("2019-02", dt.date(2019, 2, 1), dt.date(2019, 2, 28)),
    ("2020-02-17", dt.date(2020, 2, 17), dt.date(2020, 2, 17)),
])
def test_a_date_is_the_period_it_names(value, first, last):
    assert period(value) == (first, last) and is_period(value)


@pytest.mark.parametrize("value", ["20", "2020-2", "2020-00", "2020-02-30", "2020/02/17", "17 February 2020", ""])
def test_what_is_no_iso_period(value):
    assert not is_period(value)
    with pytest.raises(ValueError):
        period(value)
    assert not overlaps(value)  # in no range, not even an open one


@pytest.mark.parametrize("value, since, until, inside", [
    ("2018-09", "2018-09-30", None, True),  # its last day
    ("2018-09", "2018-10", None, False),
    ("2018-09", None, "2018-09-01", True),  # its first day
    ("2018", "2018-12-31", "2019", True),
    ("2018-12-31", "2019", None, False),
    ("2019-01-01", None, "2018", False),
    ("2018-06-15", "2018-06", "2018-06", True),
    ("2018-06-15", None, None, True),
])
def test_a_period_is_in_a_range_when_they_share_a_day(value, since, until, inside):
    assert overlaps(value, since, until) is inside
