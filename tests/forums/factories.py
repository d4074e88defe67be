"""Forum notes for tests, built through the services. Every text here is invented."""

from __future__ import annotations

import datetime

from forums import services
from forums.models import ForumSeries, ForumSession, SessionStatus, Theme
from partners.models import LocalAuthority, Pilot


def make_session(
    pilot: Pilot,
    *,
    principle_code: str = "P1",
    date: datetime.date = datetime.date(2026, 5, 1),
    published: bool = True,
    series_title: str = "Series 1",
) -> ForumSession:
    series, _ = ForumSeries.objects.get_or_create(pilot=pilot, title=series_title)
    session = services.session_create(
        series=series, date=date, principle_code=principle_code, format="online", facilitator=None
    )
    if published:
        session.status = SessionStatus.PUBLISHED
        session.save(update_fields=["status"])
    return session


def raise_challenge(
    session: ForumSession,
    text: str,
    *local_authorities: LocalAuthority,
    principle_code: str | None = None,
    themes: tuple[str, ...] = (),
):
    theme_rows = [Theme.objects.get_or_create(pilot=session.pilot, name=n)[0] for n in themes]
    return services.challenge_add(
        session=session,
        text=text,
        principle_code=session.principle_code if principle_code is None else principle_code,
        themes=theme_rows,
        local_authorities=local_authorities,
    )
