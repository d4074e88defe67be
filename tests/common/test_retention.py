from common.retention import RetentionPeriod


def _words(days: int) -> str:
    return RetentionPeriod(key="k", label="l", action="deleted", days=days).in_words


def test_periods_read_in_years_days_or_not_at_all():
    assert [_words(d) for d in (730, 365, 400, 1, 0)] == [
        "2 years",
        "1 year",
        "400 days",
        "1 day",
        "no time at all",
    ]
