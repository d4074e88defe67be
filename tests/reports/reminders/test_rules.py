"""Which reminders a day brings (pure): days before the deadline, the day after, settings."""

import datetime

import pytest

from reports.reminders import rules
from reports.reminders.rules import ReturnDue, parse_days, return_reminders_due

DEADLINE = datetime.date(2026, 10, 20)


def _due(today, days_before=(10, 3), days_after_overdue=1):
    item = ReturnDue(
        team_id=1,
        team_name="HF Bolton",
        quarter_index=8105,
        quarter_label="2026-27 Q2",
        deadline=DEADLINE,
        status="draft",
    )
    return [
        (r.kind, r.days)
        for r in return_reminders_due(
            today=today,
            returns=[item],
            days_before=days_before,
            days_after_overdue=days_after_overdue,
        )
    ]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2026, 10, 9), []),
        (datetime.date(2026, 10, 10), [(rules.DEADLINE_SOON, 10)]),
        (datetime.date(2026, 10, 11), []),
        (datetime.date(2026, 10, 17), [(rules.DEADLINE_SOON, 3)]),
        (datetime.date(2026, 10, 20), []),
        (datetime.date(2026, 10, 21), [(rules.OVERDUE, 1)]),
        (datetime.date(2026, 10, 22), []),
    ],
)
def test_default_reminders_fall_ten_and_three_days_before_and_the_day_after(today, expected):
    assert _due(today) == expected


def test_a_pilots_own_days_replace_the_defaults():
    assert _due(datetime.date(2026, 10, 10), days_before=[5]) == []
    assert _due(datetime.date(2026, 10, 15), days_before=[5]) == [(rules.DEADLINE_SOON, 5)]
    assert _due(datetime.date(2026, 10, 27), days_after_overdue=7) == [(rules.OVERDUE, 7)]


def test_days_are_read_from_a_comma_separated_list_latest_reminder_last():
    assert parse_days(" 3, 10,3 ") == [10, 3]


@pytest.mark.parametrize("text", ["", "ten", "0", "3, -1", "91"])
def test_days_that_are_not_whole_numbers_from_1_to_90_are_refused(text):
    with pytest.raises(ValueError):
        parse_days(text)
