"""Reads: what forum pages, downloads and other apps show.

Access first: every view gets sessions through `get_session_for_user` (read) or
`get_session_for_editing` (change), which answer 404 for anything the user may not see.
Facilitators and pilot managers (`partners.access.pilots_facilitated_by`) see all forum material
of their pilot, drafts included; anyone else with a role in the pilot reads published sessions.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from fidelity.dashboards.selectors import pilot_principle_headlines
from fidelity.frameworks.selectors import current_framework_version
from partners.access import pilots_facilitated_by, pilots_visible_to
from partners.models import Pilot, User

from . import similarity
from .models import (
    Action,
    ActionStatus,
    Challenge,
    ForumSeries,
    ForumSession,
    GoodPractice,
    SessionStatus,
    Theme,
)

NO_THEME = "No theme"
GENERAL_LABEL = "General"

# --- Access -----------------------------------------------------------------------------------


def sessions_visible_to(*, user: User) -> QuerySet[ForumSession]:
    """Drafts and published sessions of pilots the user facilitates or manages; published
    sessions of any other pilot they hold a role in."""
    return ForumSession.objects.filter(
        Q(series__pilot__in=pilots_facilitated_by(user=user))
        | Q(status=SessionStatus.PUBLISHED, series__pilot__in=pilots_visible_to(user=user))
    ).select_related("series", "series__pilot", "facilitator")


def sessions_editable_by(*, user: User) -> QuerySet[ForumSession]:
    return ForumSession.objects.filter(
        series__pilot__in=pilots_facilitated_by(user=user)
    ).select_related("series", "series__pilot", "facilitator")


def get_session_for_user(*, user: User, pk: int) -> ForumSession:
    return get_object_or_404(sessions_visible_to(user=user), pk=pk)


def get_session_for_editing(*, user: User, pk: int) -> ForumSession:
    return get_object_or_404(sessions_editable_by(user=user), pk=pk)


def series_visible_to(*, user: User) -> QuerySet[ForumSeries]:
    return ForumSeries.objects.filter(pilot__in=pilots_visible_to(user=user)).select_related(
        "pilot"
    )


def get_facilitated_pilot(*, user: User, pk: int | None = None) -> Pilot:
    """The pilot whose forums the user runs (the first, when they run several and none is named)."""
    pilots = pilots_facilitated_by(user=user).order_by("name")
    pilot = pilots.filter(pk=pk).first() if pk else pilots.first()
    if pilot is None:
        raise Http404("No forums to run.")
    return pilot


def reading_pilot(*, user: User) -> Pilot:
    """The pilot whose forums the user reads: one they facilitate if any, else their first."""
    pilot = pilots_facilitated_by(user=user).order_by("name").first()
    pilot = pilot or pilots_visible_to(user=user).order_by("name").first()
    if pilot is None:
        raise Http404("No pilot.")
    return pilot


def may_edit(*, user: User, pilot: Pilot) -> bool:
    return pilots_facilitated_by(user=user).filter(pk=pilot.pk).exists()


# --- Principles and themes ---------------------------------------------------------------------


def principle_choices(*, pilot: Pilot) -> list[tuple[str, str]]:
    """(code, "P1. People have a right to a home") for the pilot's current framework."""
    version = current_framework_version(pilot=pilot)
    return [(p.code, f"{p.code}. {p.title}") for p in version.principles.all()]


def principle_titles(*, pilot: Pilot) -> dict[str, str]:
    version = current_framework_version(pilot=pilot)
    return {p.code: p.title for p in version.principles.all()}


def principle_label(code: str, titles: dict[str, str]) -> str:
    if not code:
        return GENERAL_LABEL
    return f"{code}. {titles[code]}" if code in titles else code


def themes_starting(*, pilot: Pilot, prefix: str, limit: int = 20) -> list[str]:
    names = Theme.objects.filter(pilot=pilot)
    if prefix:
        names = names.filter(name__icontains=prefix)
    return list(names.values_list("name", flat=True)[:limit])


# --- Challenges grouped: one item per shared challenge, or per challenge not yet shared ---------


@dataclass
class ActionRow:
    what: str
    owner: str
    status: str
    status_label: str
    due_date: datetime.date | None


@dataclass
class ChallengeItem:
    """One challenge as reported: a confirmed shared challenge (all its challenges together) or
    a single challenge not linked to one.

    - `title`: the shared challenge's title, else the challenge's text.
    - `local_authorities`: LA names that raised it, sorted; `session_ids`: the sessions it came
      up in; `themes`: theme names, most used first; `theme`: the one it is filed under.
    - `challenges`: the Challenge rows; `actions`: ActionRow for every linked action.
    """

    key: str
    title: str
    principle_code: str
    shared: bool
    challenges: list[Challenge] = field(default_factory=list)
    local_authorities: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    session_ids: set[int] = field(default_factory=set)
    actions: list[ActionRow] = field(default_factory=list)
    latest_date: datetime.date | None = None

    @property
    def la_count(self) -> int:
        return len(self.local_authorities)

    @property
    def sessions_count(self) -> int:
        return len(self.session_ids)

    @property
    def theme(self) -> str:
        return self.themes[0] if self.themes else NO_THEME

    @property
    def is_cross_la(self) -> bool:
        return self.la_count >= 2 or self.sessions_count >= 2


def _with_related(challenges: QuerySet[Challenge]) -> QuerySet[Challenge]:
    return challenges.select_related("session", "shared").prefetch_related(
        "local_authorities",
        "organisations",
        "themes",
        Prefetch("actions", queryset=Action.objects.order_by("due_date", "pk")),
    )


def group_challenges(challenges: Iterable[Challenge]) -> list[ChallengeItem]:
    """Challenges (with related rows prefetched) folded into items, most widely raised first."""
    items: dict[str, ChallengeItem] = {}
    theme_counts: dict[str, Counter] = {}
    code_counts: dict[str, Counter] = {}
    for challenge in challenges:
        if challenge.shared_id:
            key = f"shared-{challenge.shared_id}"
            title, shared = challenge.shared.title, True
        else:
            key = f"challenge-{challenge.pk}"
            title, shared = challenge.text, False
        item = items.get(key)
        if item is None:
            item = items[key] = ChallengeItem(
                key=key, title=title, principle_code=challenge.principle_code, shared=shared
            )
            theme_counts[key], code_counts[key] = Counter(), Counter()
        item.challenges.append(challenge)
        item.session_ids.add(challenge.session_id)
        item.local_authorities = sorted(
            set(item.local_authorities) | {la.name for la in challenge.local_authorities.all()}
        )
        item.organisations = sorted(
            set(item.organisations) | {o.name for o in challenge.organisations.all()}
        )
        theme_counts[key].update(t.name for t in challenge.themes.all())
        code_counts[key][challenge.principle_code] += 1
        item.actions.extend(
            ActionRow(a.what, a.owner, a.status, a.get_status_display(), a.due_date)
            for a in challenge.actions.all()
        )
        date = challenge.session.date
        item.latest_date = max(item.latest_date or date, date)
    for key, item in items.items():
        item.themes = [name for name, _ in sorted(theme_counts[key].items(), key=_by_use)]
        if item.shared and item.challenges[0].shared.principle_code:
            item.principle_code = item.challenges[0].shared.principle_code
        else:
            item.principle_code = code_counts[key].most_common(1)[0][0]
    return sorted(items.values(), key=lambda i: (-i.la_count, -i.sessions_count, i.title.lower()))


def _by_use(pair: tuple[str, int]) -> tuple[int, str]:
    name, count = pair
    return (-count, name)


def _published_in(
    model: type[Challenge] | type[GoodPractice],
    *,
    pilot: Pilot,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
) -> QuerySet:
    """The pilot's rows of `model` from published sessions held in the dates (inclusive)."""
    rows = model.objects.filter(
        session__series__pilot=pilot, session__status=SessionStatus.PUBLISHED
    )
    if date_from:
        rows = rows.filter(session__date__gte=date_from)
    if date_to:
        rows = rows.filter(session__date__lte=date_to)
    return rows


def published_challenges(
    *,
    pilot: Pilot,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Challenge]:
    return _published_in(Challenge, pilot=pilot, date_from=date_from, date_to=date_to)


def published_good_practice(
    *,
    pilot: Pilot,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[GoodPractice]:
    """Good practice recorded in published sessions, by session date (inclusive), oldest first."""
    examples = _published_in(GoodPractice, pilot=pilot, date_from=date_from, date_to=date_to)
    return examples.select_related("organisation", "session").order_by("session__date", "pk")


def challenges_for_principles(
    *,
    pilot: Pilot,
    principle_codes: Iterable[str],
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> dict[str, list[ChallengeItem]]:
    """Published forum challenges about the given principles, for reports.

    Returns {principle code: [ChallengeItem, ...]} with every asked code present (an empty list
    when nothing was raised). Each ChallengeItem carries `title`, `local_authorities` (names),
    `la_count`, `sessions_count`, `themes`, `shared` (confirmed as one shared challenge) and
    `actions` (ActionRow: what, owner, status, status_label, due_date), most widely raised first.
    Only published sessions count; dates filter on the session date, inclusive.
    """
    codes = list(principle_codes)
    challenges = published_challenges(pilot=pilot, date_from=date_from, date_to=date_to).filter(
        Q(principle_code__in=codes) | Q(shared__principle_code__in=codes)
    )
    result: dict[str, list[ChallengeItem]] = {code: [] for code in codes}
    for item in group_challenges(_with_related(challenges)):
        if item.principle_code in result:
            result[item.principle_code].append(item)
    return result


def cross_la_challenges(
    *,
    pilot: Pilot,
    series: ForumSeries | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    include_drafts: bool = False,
) -> list[ChallengeItem]:
    """Challenges raised in two or more LAs or in two or more sessions ("not just my area")."""
    challenges = _challenges_in(
        pilot=pilot,
        series=series,
        date_from=date_from,
        date_to=date_to,
        include_drafts=include_drafts,
    )
    return [item for item in group_challenges(_with_related(challenges)) if item.is_cross_la]


def suggested_groups(
    *,
    pilot: Pilot,
    series: ForumSeries | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    include_drafts: bool = False,
) -> list[list[Challenge]]:
    """Groups of challenges, not yet confirmed as shared, that read alike (see similarity.py)."""
    challenges = list(
        _with_related(
            _challenges_in(
                pilot=pilot,
                series=series,
                date_from=date_from,
                date_to=date_to,
                include_drafts=include_drafts,
            ).filter(shared__isnull=True)
        )
    )
    by_pk = {c.pk: c for c in challenges}
    groups = similarity.group_similar((c.pk, c.text) for c in challenges)
    return [[by_pk[pk] for pk in group] for group in groups]


def _challenges_in(*, pilot, series, date_from, date_to, include_drafts) -> QuerySet[Challenge]:
    challenges = Challenge.objects.filter(session__series__pilot=pilot)
    if not include_drafts:
        challenges = challenges.filter(session__status=SessionStatus.PUBLISHED)
    if series is not None:
        challenges = challenges.filter(session__series=series)
    if date_from:
        challenges = challenges.filter(session__date__gte=date_from)
    if date_to:
        challenges = challenges.filter(session__date__lte=date_to)
    return challenges


# --- The challenge summary (PDF and CSV) ---------------------------------------------------------


@dataclass
class ThemeSection:
    name: str
    items: list[ChallengeItem]


@dataclass
class PrincipleSection:
    code: str
    label: str
    headline: object | None
    themes: list[ThemeSection]
    good_practice: list[GoodPractice]

    @property
    def challenge_count(self) -> int:
        return sum(len(t.items) for t in self.themes)


def challenge_summary(
    *, pilot: Pilot, challenges: QuerySet[Challenge], good_practice: QuerySet[GoodPractice]
) -> list[PrincipleSection]:
    """The summary's sections: per principle (framework order, "General" last), the pilot's
    latest fidelity headline, challenge items grouped by theme, and good practice."""
    titles = principle_titles(pilot=pilot)
    headlines = {h.code: h for h in pilot_principle_headlines(pilot=pilot)}
    by_code: dict[str, dict[str, list[ChallengeItem]]] = {}
    for item in group_challenges(_with_related(challenges)):
        by_code.setdefault(item.principle_code, {}).setdefault(item.theme, []).append(item)
    practice_by_code: dict[str, list[GoodPractice]] = {}
    for example in good_practice.select_related("organisation", "session"):
        practice_by_code.setdefault(example.principle_code, []).append(example)
    order = [*titles, *sorted(set(by_code) - set(titles) - {""}), ""]
    sections = []
    for code in order:
        themes = by_code.get(code, {})
        practice = practice_by_code.get(code, [])
        if not themes and not practice:
            continue
        sections.append(
            PrincipleSection(
                code=code,
                label=principle_label(code, titles),
                headline=headlines.get(code),
                themes=[
                    ThemeSection(name, themes[name])
                    for name in sorted(themes, key=lambda n: (n == NO_THEME, n.lower()))
                ],
                good_practice=practice,
            )
        )
    return sections


# --- Actions --------------------------------------------------------------------------------------


def actions_visible_to(*, user: User) -> QuerySet[Action]:
    return Action.objects.filter(session__in=sessions_visible_to(user=user)).select_related(
        "session", "session__series", "challenge"
    )


def open_actions(
    *,
    user: User,
    owner: str = "",
    principle_code: str | None = None,
    overdue_on: datetime.date | None = None,
) -> QuerySet[Action]:
    """The actions tracker's rows: open actions, by owner and principle; only those past their
    due date on `overdue_on` when it is given."""
    actions = actions_visible_to(user=user).exclude(status=ActionStatus.DONE)
    if owner:
        actions = actions.filter(owner__iexact=owner)
    if principle_code is not None:
        actions = actions.filter(principle_code=principle_code)
    if overdue_on is not None:
        actions = actions.filter(due_date__lt=overdue_on)
    return actions.order_by("owner", "principle_code", "due_date", "pk")


def pilot_actions_overdue(*, pilot: Pilot, today: datetime.date) -> QuerySet[Action]:
    """The pilot's open forum actions past their due date, soonest due first: what a manager's
    weekly digest lists and the pilot dashboard's "Needs attention" counts."""
    return (
        Action.objects.filter(session__series__pilot=pilot, due_date__lt=today)
        .exclude(status=ActionStatus.DONE)
        .select_related("session")
        .order_by("due_date", "pk")
    )


def actions_by_owner(actions: Iterable[Action]) -> list[tuple[str, list[tuple[str, list[Action]]]]]:
    """[(owner, [(principle code, [action, ...]), ...]), ...] in the order given."""
    grouped: dict[str, dict[str, list[Action]]] = {}
    for action in actions:
        grouped.setdefault(action.owner, {}).setdefault(action.principle_code, []).append(action)
    return [(owner, list(by_code.items())) for owner, by_code in grouped.items()]


def actions_for_principles(
    *, pilot: Pilot, principle_codes: Iterable[str], open_only: bool = False
) -> dict[str, list[Action]]:
    """Actions from published sessions, {principle code: [Action, ...]}, soonest due first.
    Each Action has `what`, `owner`, `due_date`, `status` (ActionStatus) and `challenge`."""
    codes = list(principle_codes)
    actions = Action.objects.filter(
        session__series__pilot=pilot,
        session__status=SessionStatus.PUBLISHED,
        principle_code__in=codes,
    ).select_related("challenge")
    if open_only:
        actions = actions.exclude(status=ActionStatus.DONE)
    result: dict[str, list[Action]] = {code: [] for code in codes}
    for action in actions.order_by("due_date", "pk"):
        result[action.principle_code].append(action)
    return result


# --- The dashboard's principle panel and the home panel ------------------------------------------


def recent_principle_challenges(
    *,
    user: User,
    principle_code: str,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Challenge]:
    """Published challenges about one principle in the user's pilots, most recent first."""
    challenges = Challenge.objects.filter(
        session__series__pilot__in=pilots_visible_to(user=user),
        session__status=SessionStatus.PUBLISHED,
        principle_code=principle_code,
    )
    if date_from:
        challenges = challenges.filter(session__date__gte=date_from)
    if date_to:
        challenges = challenges.filter(session__date__lte=date_to)
    return (
        challenges.select_related("session", "session__series")
        .prefetch_related("local_authorities")
        .order_by("-session__date", "-pk")
    )


def drafts_to_publish(*, user: User) -> QuerySet[ForumSession]:
    return sessions_editable_by(user=user).filter(status=SessionStatus.DRAFT).order_by("date")


def overdue_actions(*, user: User, today: datetime.date) -> QuerySet[Action]:
    """Open actions past their due date, soonest due first: the rows of the actions tracker's
    overdue view, so the home panel's count is the number of rows its link shows."""
    return open_actions(user=user, overdue_on=today).order_by("due_date", "pk")


def latest_published_session(*, user: User) -> ForumSession | None:
    return (
        sessions_visible_to(user=user)
        .filter(status=SessionStatus.PUBLISHED)
        .order_by("-date", "-pk")
        .first()
    )
