"""Writes: every change to forum material goes through these functions.

Views check access (selectors.get_session_for_editing) and the privacy guard (forms) first;
these functions keep the rules that hold whoever calls them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partners.models import LocalAuthority, Organisation, Pilot, User

from .models import (
    Action,
    ActionStatus,
    Attendance,
    Challenge,
    ForumSeries,
    ForumSession,
    GoodPractice,
    SessionStatus,
    SharedChallenge,
    Theme,
)


def _same_pilot(pilot: Pilot, *groups: Iterable) -> None:
    for group in groups:
        for obj in group:
            obj_pilot_id = obj.zone.pilot_id if isinstance(obj, LocalAuthority) else obj.pilot_id
            if obj_pilot_id != pilot.pk:
                raise ValidationError(f"{obj} belongs to another pilot.")


@transaction.atomic
def series_create(*, pilot: Pilot, title: str, description: str = "") -> ForumSeries:
    return ForumSeries.objects.create(pilot=pilot, title=title, description=description)


@transaction.atomic
def session_create(
    *,
    series: ForumSeries,
    date: datetime.date,
    principle_code: str,
    format: str,
    facilitator: User | None,
) -> ForumSession:
    return ForumSession.objects.create(
        series=series,
        date=date,
        principle_code=principle_code,
        format=format,
        facilitator=facilitator,
    )


@transaction.atomic
def session_publish(*, session: ForumSession, user: User) -> ForumSession:
    """Makes a draft's notes readable by everyone in the pilot. Publishing twice is refused."""
    session = ForumSession.objects.select_for_update().get(pk=session.pk)
    if session.status == SessionStatus.PUBLISHED:
        raise ValidationError("This session is already published.")
    session.status = SessionStatus.PUBLISHED
    session.published_at = timezone.now()
    session.published_by = user
    session.save(update_fields=["status", "published_at", "published_by"])
    return session


THEME_NAME_MIN, THEME_NAME_MAX = 3, 80


def theme_name_problem(*, name: str) -> str | None:
    """Why a new theme name cannot join a pilot's list, in words for the facilitator; None if
    it can. Commas separate themes where they are typed, so a name cannot hold one."""
    name = name.strip()
    if len(name) < THEME_NAME_MIN:
        return f"“{name}” is too short for a theme: use at least {THEME_NAME_MIN} characters."
    if len(name) > THEME_NAME_MAX:
        return (
            f"“{name[:30]}…” is too long for a theme: use {THEME_NAME_MAX} characters or fewer "
            f"(it has {len(name)})."
        )
    if "," in name:
        return "A theme cannot contain a comma: commas separate themes."
    return None


@transaction.atomic
def theme_add(*, pilot: Pilot, name: str) -> Theme:
    """Adds a theme to a pilot's list, as a facilitator confirmed it. A theme already there under
    any capitalisation is refused: the list holds each theme once."""
    name = " ".join(name.split())
    problem = theme_name_problem(name=name)
    if problem:
        raise ValidationError(problem)
    if Theme.objects.filter(pilot=pilot, name__iexact=name).exists():
        raise ValidationError(f"“{name}” is already in this pilot's theme list.")
    return Theme.objects.create(pilot=pilot, name=name)


@transaction.atomic
def attendance_add(
    *,
    session: ForumSession,
    count: int,
    organisation: Organisation | None = None,
    local_authority: LocalAuthority | None = None,
) -> Attendance:
    _same_pilot(session.pilot, [o for o in (organisation, local_authority) if o])
    row = Attendance(
        session=session, organisation=organisation, local_authority=local_authority, count=count
    )
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def challenge_add(
    *,
    session: ForumSession,
    text: str,
    principle_code: str,
    themes: Iterable[Theme] = (),
    new_themes: Iterable[str] = (),
    local_authorities: Iterable[LocalAuthority] = (),
    organisations: Iterable[Organisation] = (),
) -> Challenge:
    """Records a challenge; `new_themes` are names the facilitator confirmed adding to the
    pilot's theme list, added with it (or not at all if the challenge is refused)."""
    themes, local_authorities, organisations = (
        list(themes),
        list(local_authorities),
        list(organisations),
    )
    _same_pilot(session.pilot, themes, local_authorities, organisations)
    themes += [theme_add(pilot=session.pilot, name=name) for name in new_themes]
    challenge = Challenge.objects.create(
        session=session, text=text.strip(), principle_code=principle_code
    )
    challenge.themes.set(themes)
    challenge.local_authorities.set(local_authorities)
    challenge.organisations.set(organisations)
    return challenge


@transaction.atomic
def good_practice_add(
    *,
    session: ForumSession,
    text: str,
    principle_code: str,
    organisation: Organisation | None = None,
) -> GoodPractice:
    if organisation:
        _same_pilot(session.pilot, [organisation])
    return GoodPractice.objects.create(
        session=session, text=text.strip(), principle_code=principle_code, organisation=organisation
    )


@transaction.atomic
def action_add(
    *,
    session: ForumSession,
    what: str,
    owner: str,
    due_date: datetime.date | None = None,
    status: str = ActionStatus.OPEN,
    challenge: Challenge | None = None,
) -> Action:
    if challenge is not None and challenge.session_id != session.pk:
        raise ValidationError("Link an action to a challenge from the same session.")
    principle_code = challenge.principle_code if challenge else session.principle_code
    return Action.objects.create(
        session=session,
        what=what.strip(),
        owner=owner.strip(),
        due_date=due_date,
        status=status,
        challenge=challenge,
        principle_code=principle_code,
    )


@transaction.atomic
def action_set_status(*, action: Action, status: str) -> Action:
    if status not in ActionStatus.values:
        raise ValidationError(f"Unknown status {status!r}.")
    action.status = status
    action.save(update_fields=["status", "updated"])
    return action


@transaction.atomic
def note_delete(*, note: Challenge | GoodPractice | Action | Attendance) -> None:
    note.delete()


@transaction.atomic
def shared_challenge_confirm(
    *,
    pilot: Pilot,
    challenges: Iterable[Challenge],
    title: str,
    user: User,
    principle_code: str | None = None,
) -> SharedChallenge:
    """Links challenges the facilitator agrees are one to a new shared challenge.

    Challenges already in another shared challenge are moved into this one; a shared challenge
    left with no challenges is removed.
    """
    challenges = list(challenges)
    if len(challenges) < 2:
        raise ValidationError("Choose at least two challenges to share.")
    if any(c.session.series.pilot_id != pilot.pk for c in challenges):
        raise ValidationError("Every challenge must come from this pilot's forums.")
    if principle_code is None:
        codes = [c.principle_code for c in challenges]
        principle_code = max(set(codes), key=codes.count)
    previous = {c.shared_id for c in challenges if c.shared_id}
    shared = SharedChallenge.objects.create(
        pilot=pilot, title=title.strip(), principle_code=principle_code, confirmed_by=user
    )
    Challenge.objects.filter(pk__in=[c.pk for c in challenges]).update(shared=shared)
    SharedChallenge.objects.filter(pk__in=previous, challenges__isnull=True).delete()
    return shared
