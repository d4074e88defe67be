"""Quarters follow the pilot's convention: UK financial year by default, or calendar."""

import datetime

import pytest

from common.quarters import CALENDAR, FINANCIAL, Quarter


@pytest.mark.parametrize(
    ("day", "convention", "year", "number"),
    [
        (datetime.date(2026, 4, 1), FINANCIAL, 2026, 1),
        (datetime.date(2026, 6, 30), FINANCIAL, 2026, 1),
        (datetime.date(2026, 7, 1), FINANCIAL, 2026, 2),
        (datetime.date(2026, 12, 31), FINANCIAL, 2026, 3),
        (datetime.date(2027, 1, 1), FINANCIAL, 2026, 4),
        (datetime.date(2027, 3, 31), FINANCIAL, 2026, 4),
        (datetime.date(2026, 1, 1), CALENDAR, 2026, 1),
        (datetime.date(2026, 4, 1), CALENDAR, 2026, 2),
        (datetime.date(2026, 12, 31), CALENDAR, 2026, 4),
    ],
)
def test_the_quarter_containing_a_day(day, convention, year, number):
    assert Quarter.containing(day, convention) == Quarter(year, number, convention)


@pytest.mark.parametrize(
    ("quarter", "start", "end", "deadline"),
    [
        (Quarter(2026, 1), "2026-04-01", "2026-06-30", "2026-07-20"),
        (Quarter(2026, 3), "2026-10-01", "2026-12-31", "2027-01-20"),
        (Quarter(2026, 4), "2027-01-01", "2027-03-31", "2027-04-20"),
        (Quarter(2026, 1, CALENDAR), "2026-01-01", "2026-03-31", "2026-04-20"),
        (Quarter(2024, 4, CALENDAR), "2024-10-01", "2024-12-31", "2025-01-20"),
    ],
)
def test_start_end_and_default_deadline(quarter, start, end, deadline):
    assert quarter.start.isoformat() == start
    assert quarter.end.isoformat() == end
    assert quarter.deadline().isoformat() == deadline


def test_the_deadline_can_be_a_different_number_of_days():
    assert Quarter(2026, 1).deadline(30) == datetime.date(2026, 7, 30)


def test_quarters_roll_over_the_year():
    assert Quarter(2026, 4).next() == Quarter(2027, 1)
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter(2026, 1, CALENDAR).previous() == Quarter(2025, 4, CALENDAR)


def test_back_lists_quarters_oldest_first():
    assert Quarter(2026, 2).back(3) == [Quarter(2025, 4), Quarter(2026, 1), Quarter(2026, 2)]


def test_index_orders_consecutive_quarters():
    assert Quarter(2026, 1).index + 1 == Quarter(2026, 2).index
    assert Quarter.from_index(Quarter(2026, 3).index) == Quarter(2026, 3)


@pytest.mark.parametrize(
    ("quarter", "label"),
    [
        (Quarter(2026, 1), "2026-27 Q1"),
        (Quarter(2099, 4), "2099-00 Q4"),
        (Quarter(2026, 2, CALENDAR), "2026 Q2"),
    ],
)
def test_labels(quarter, label):
    assert quarter.label == label


def test_slug_round_trip():
    assert Quarter.from_slug(Quarter(2026, 3).slug) == Quarter(2026, 3)


@pytest.mark.parametrize("slug", ["", "2026", "2026-q5", "26-q1", "abcd-q1", "2026-qx"])
def test_a_bad_slug_is_refused(slug):
    with pytest.raises(ValueError):
        Quarter.from_slug(slug)


def test_a_quarter_is_numbered_one_to_four():
    with pytest.raises(ValueError):
        Quarter(2026, 0)
