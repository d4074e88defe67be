"""Reads: what pages, exports and reports show about frameworks and returns."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Max, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from partners import access
from partners.models import Pilot, Team, User

from . import peer_review, scoring, validation
from .framework_data import NAME as DEFAULT_FRAMEWORK
from .models import (
    OPEN_ACTION_STATUSES,
    FrameworkVersion,
    ImprovementAction,
    IndicatorScore,
    PeerReview,
    PeerReviewScore,
    PeerReviewStatus,
    PilotFramework,
    PrincipleScore,
    QAActivity,
    QAReturn,
    ReturnStatus,
    ReturnTransition,
)
from .quarters import Quarter


def current_framework_version(*, pilot: Pilot) -> FrameworkVersion:
    """The version a pilot's new returns are scored on; the default framework's latest if unset."""
    choice = PilotFramework.objects.filter(pilot=pilot).select_related("version").first()
    if choice:
        return choice.version
    return FrameworkVersion.objects.filter(framework__name=DEFAULT_FRAMEWORK).order_by("-number")[0]


@dataclass(frozen=True)
class PrincipleHeadline:
    code: str
    title: str
    score: Decimal | None
    band: str | None
    band_name: str | None
    change: Decimal | None
    quarter: Quarter | None


def latest_scored_quarter(*, pilot: Pilot) -> Quarter | None:
    """The latest quarter in which any return of the pilot has stored scores."""
    index = PrincipleScore.objects.filter(pilot=pilot).aggregate(latest=Max("quarter_index"))[
        "latest"
    ]
    return None if index is None else Quarter.from_index(index, pilot.quarter_convention)


def pilot_principle_headlines(
    *, pilot: Pilot, quarter: Quarter | None = None
) -> list[PrincipleHeadline]:
    """Per principle of the pilot's framework: the pilot-wide mean score in `quarter` (default:
    the latest scored one), its band, and the change from the quarter before."""
    quarter = quarter or latest_scored_quarter(pilot=pilot)
    version = current_framework_version(pilot=pilot)
    principles = list(version.principles.all())
    rules = [scoring.BandRule(name=b.slug, minimum=b.minimum) for b in version.bands.all()]
    names = {b.slug: b.name for b in version.bands.all()}
    means: dict[tuple[int, str], Decimal | None] = {}
    if quarter is not None:
        rows = (
            PrincipleScore.objects.filter(
                pilot=pilot,
                quarter_index__in=[quarter.index, quarter.index - 1],
                score__isnull=False,
            )
            .values("quarter_index", "principle_code")
            .annotate(mean=Avg("score"))
        )
        means = {(r["quarter_index"], r["principle_code"]): r["mean"] for r in rows}
    headlines = []
    for principle in principles:
        current = _rounded(means.get((quarter.index, principle.code))) if quarter else None
        previous = _rounded(means.get((quarter.index - 1, principle.code))) if quarter else None
        band = scoring.band_for(current, rules)
        headlines.append(
            PrincipleHeadline(
                code=principle.code,
                title=principle.title,
                score=current,
                band=band.name if band else None,
                band_name=names.get(band.name) if band else None,
                change=scoring.change(current, previous),
                quarter=quarter,
            )
        )
    return headlines


def _rounded(value) -> Decimal | None:
    return None if value is None else scoring.mean_score([Decimal(value)])


# --- Returns: who may see which, and what pages show about them --------------------------------


def returns_visible_to(*, user: User) -> QuerySet[QAReturn]:
    """Team leaders: their own team's returns; managers: their pilots'; everyone else: none."""
    return QAReturn.objects.filter(
        team__in=access.teams_visible_to(user).values("id")
    ).select_related("team__organisation__pilot", "framework_version")


def get_return_for_user(*, user: User, pk: int) -> QAReturn:
    return get_object_or_404(returns_visible_to(user=user), pk=pk)


def return_is_editable_by(*, qa_return: QAReturn, user: User) -> bool:
    return (
        qa_return.is_editable
        and access.teams_editable_by(user).filter(pk=qa_return.team_id).exists()
    )


def return_is_reviewable_by(*, qa_return: QAReturn, user: User) -> bool:
    return access.is_pilot_manager(user, qa_return.team.organisation.pilot_id)


def quarter_of_today(*, pilot: Pilot) -> Quarter:
    return Quarter.containing(timezone.localdate(), pilot.quarter_convention)


@dataclass(frozen=True)
class QuarterToOpen:
    team: Team
    quarter: Quarter
    can_copy_forward: bool


def quarters_to_open(*, user: User, lookback: int = 4) -> list[QuarterToOpen]:
    """For each team the person leads: the current quarter and recent past ones with no return."""
    result = []
    for team in access.teams_editable_by(user).select_related("organisation__pilot"):
        pilot = team.organisation.pilot
        quarters = quarter_of_today(pilot=pilot).back(lookback)
        have = set(QAReturn.objects.filter(team=team).values_list("quarter_index", flat=True))
        earliest = min(have) if have else None
        for quarter in reversed(quarters):
            if quarter.index in have:
                continue
            result.append(
                QuarterToOpen(
                    team=team,
                    quarter=quarter,
                    can_copy_forward=earliest is not None and earliest < quarter.index,
                )
            )
    return result


def return_progress(*, qa_return: QAReturn) -> tuple[int, int]:
    """(indicators scored or marked not assessed, indicators in all)."""
    rows = list(qa_return.scores.values_list("score", "not_assessed"))
    done = sum(1 for score, not_assessed in rows if score is not None or not_assessed)
    return done, len(rows)


def return_comment_to_answer(*, qa_return: QAReturn) -> ReturnTransition | None:
    """The manager's comment when the return was sent back or reopened, while it is returned."""
    if qa_return.status != ReturnStatus.RETURNED:
        return None
    return (
        qa_return.transitions.filter(to_status=ReturnStatus.RETURNED)
        .select_related("by")
        .order_by("-at", "-pk")
        .first()
    )


def return_display_status(qa_return: QAReturn | None, *, deadline, today) -> str:
    """not_started, draft, submitted, returned, approved or overdue."""
    if qa_return is None:
        return "overdue" if today > deadline else "not_started"
    if qa_return.is_overdue(today):
        return "overdue"
    return qa_return.status


STATUS_LABELS = {
    "not_started": "Not started",
    "draft": "Draft",
    "submitted": "Submitted",
    "returned": "Returned for changes",
    "approved": "Approved",
    "overdue": "Overdue",
}


@dataclass(frozen=True)
class TeamReturnStatus:
    team: Team
    qa_return: QAReturn | None
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def quarter_return_statuses(*, pilot: Pilot, quarter: Quarter) -> list[TeamReturnStatus]:
    """Every active team of the pilot with its return for the quarter (if any) and its status."""
    today = timezone.localdate()
    deadline = quarter.deadline(pilot.return_deadline_days)
    returns = {
        r.team_id: r
        for r in QAReturn.objects.filter(
            team__organisation__pilot=pilot, year=quarter.year, quarter=quarter.number
        )
    }
    teams = Team.objects.filter(organisation__pilot=pilot, is_active=True).select_related(
        "organisation"
    )
    return [
        TeamReturnStatus(
            team=team,
            qa_return=returns.get(team.pk),
            status=return_display_status(
                returns.get(team.pk),
                deadline=returns[team.pk].deadline if team.pk in returns else deadline,
                today=today,
            ),
        )
        for team in teams.order_by("name")
    ]


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime.datetime
    who: str
    what: str
    field: str
    old: str
    new: str


def _value_text(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    return str(value)


def return_history(*, qa_return: QAReturn) -> list[HistoryEntry]:
    """Every change to the return, its scores and its activities since it was first submitted:
    who, when, what, the old and the new value. Newest first."""
    first = (
        qa_return.history.filter(status=ReturnStatus.SUBMITTED)
        .order_by("history_date", "history_id")
        .first()
    )
    if first is None:
        return []
    since = first.history_date
    entries: list[HistoryEntry] = []
    sources = [
        (qa_return.history.all(), lambda r: "Return"),
        (
            IndicatorScore.history.filter(qa_return_id=qa_return.pk),
            lambda r: f"Indicator {codes.get(r.indicator_id, '?')}",
        ),
        (
            QAActivity.history.filter(qa_return_id=qa_return.pk),
            lambda r: f"QA activity ({r.get_kind_display()})",
        ),
    ]
    codes = dict(
        IndicatorScore.objects.filter(qa_return=qa_return).values_list(
            "indicator_id", "indicator__code"
        )
    )
    for history, describe in sources:
        records = list(
            history.select_related("history_user").order_by("history_date", "history_id")
        )
        previous_by_object: dict[int, Any] = {}
        for record in records:
            before = previous_by_object.get(record.id)
            previous_by_object[record.id] = record
            if record.history_date < since:
                continue
            who = str(record.history_user) if record.history_user else "System"
            if before is None or record.history_type != "~":
                if record.history_type == "-" or before is None:
                    action = "Removed" if record.history_type == "-" else "Added"
                    entries.append(
                        HistoryEntry(record.history_date, who, describe(record), action, "", "")
                    )
                continue
            delta = record.diff_against(before)
            for change in delta.changes:
                field = record.instance._meta.get_field(change.field)
                entries.append(
                    HistoryEntry(
                        record.history_date,
                        who,
                        describe(record),
                        str(field.verbose_name).capitalize(),
                        _value_text(change.old),
                        _value_text(change.new),
                    )
                )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


# --- Improvement actions -----------------------------------------------------------------------


@dataclass(frozen=True)
class LowScore:
    """An indicator scored 1 or 2 on a return, with its plan so far (if any)."""

    row: IndicatorScore
    action: ImprovementAction | None


def improvement_low_scores(*, qa_return: QAReturn) -> list[LowScore]:
    """The return's indicators that need an improvement action or a reason for none."""
    actions = {a.indicator_id: a for a in qa_return.improvement_actions.all()}
    return [
        LowScore(row=row, action=actions.get(row.indicator_id))
        for row in qa_return.scores.select_related("indicator__principle")
        if validation.needs_action(row.score, row.not_assessed)
    ]


def improvement_actions_carried(*, qa_return: QAReturn) -> QuerySet[ImprovementAction]:
    """The team's actions from earlier returns still open when this return was opened, and those
    already updated on it: each must be updated on this return before it is submitted."""
    still_open = Q(no_action=False, status__in=OPEN_ACTION_STATUSES) & (
        Q(updated_on__isnull=True) | Q(updated_on__quarter_index__lt=qa_return.quarter_index)
    )
    return (
        ImprovementAction.objects.filter(
            team_id=qa_return.team_id, qa_return__quarter_index__lt=qa_return.quarter_index
        )
        .filter(still_open | Q(updated_on=qa_return))
        .select_related("indicator", "qa_return", "team__organisation__pilot")
        .order_by("qa_return__quarter_index", "principle_code", "indicator__position")
    )


def improvement_actions_visible_to(*, user: User) -> QuerySet[ImprovementAction]:
    """Actions of the teams this person may see (their own team; a manager's whole pilot)."""
    return ImprovementAction.objects.filter(
        team__in=access.teams_visible_to(user).values("id")
    ).select_related("team__organisation__pilot", "indicator", "qa_return")


def improvement_actions_open(*, pilot: Pilot) -> QuerySet[ImprovementAction]:
    return ImprovementAction.objects.filter(
        team__organisation__pilot=pilot,
        no_action=False,
        status__in=OPEN_ACTION_STATUSES,
        qa_return__status__in=[ReturnStatus.SUBMITTED, ReturnStatus.APPROVED],
    ).select_related("team__organisation__pilot", "indicator", "qa_return")


def improvement_actions_overdue(
    *, pilot: Pilot, today: datetime.date
) -> QuerySet[ImprovementAction]:
    """Open actions whose target quarter ended before `today`'s quarter (for reminders)."""
    current = Quarter.containing(today, pilot.quarter_convention)
    return improvement_actions_open(pilot=pilot).filter(target_quarter_index__lt=current.index)


@dataclass(frozen=True)
class ActionCount:
    open: int = 0
    overdue: int = 0


@dataclass(frozen=True)
class ImprovementSummary:
    """Open and overdue actions per principle (rows) and local authority (columns)."""

    principles: list[tuple[str, str]]
    local_authorities: list[Any]
    cells: dict[tuple[str, int], ActionCount]
    totals: dict[str, ActionCount]


def improvement_summary(*, pilot: Pilot, today: datetime.date) -> ImprovementSummary:
    from partners.models import LocalAuthority

    current = Quarter.containing(today, pilot.quarter_convention).index
    version = current_framework_version(pilot=pilot)
    principles = list(version.principles.values_list("code", "title"))
    las = list(LocalAuthority.objects.filter(zone__pilot=pilot).order_by("name"))
    counts: dict[tuple[str, int], list[int]] = {}
    totals: dict[str, list[int]] = {}
    actions = list(
        improvement_actions_open(pilot=pilot).prefetch_related("team__local_authorities")
    )
    for action in actions:
        overdue = int(
            action.target_quarter_index is not None and action.target_quarter_index < current
        )
        total = totals.setdefault(action.principle_code, [0, 0])
        total[0] += 1
        total[1] += overdue
        for la in action.team.local_authorities.all():
            cell = counts.setdefault((action.principle_code, la.pk), [0, 0])
            cell[0] += 1
            cell[1] += overdue
    return ImprovementSummary(
        principles=principles,
        local_authorities=las,
        cells={k: ActionCount(*v) for k, v in counts.items()},
        totals={k: ActionCount(*v) for k, v in totals.items()},
    )


# --- Peer review -------------------------------------------------------------------------------


def peer_reviews_visible_to(*, user: User) -> QuerySet[PeerReview]:
    """A reviewer: only the reviews assigned to them; a manager: every review in their pilots."""
    if not user.is_authenticated:
        return PeerReview.objects.none()
    return PeerReview.objects.filter(
        Q(reviewer=user) | Q(team__organisation__pilot__in=access.pilots_managed_by(user))
    ).select_related("team__organisation__pilot", "reviewer", "framework_version")


def get_peer_review_for_user(*, user: User, pk: int) -> PeerReview:
    return get_object_or_404(peer_reviews_visible_to(user=user), pk=pk)


@dataclass(frozen=True)
class PrincipleGap:
    """A principle's self-assessed score beside the peer score; a gap of a point or more is
    flagged as worth a conversation."""

    code: str
    title: str
    self_score: Decimal | None
    peer_score: Decimal | None
    gap: Decimal | None
    flagged: bool


def peer_gaps(
    *, team: Team, quarter_index: int, self_scores: dict[str, Decimal | None] | None = None
) -> list[PrincipleGap]:
    """Per principle, the team's published self-assessment for the quarter beside the mean of the
    submitted peer reviews' scores. Empty when no peer review of the quarter is submitted."""
    peer_rows = list(
        PeerReviewScore.objects.filter(
            review__team=team,
            review__quarter_index=quarter_index,
            review__status=PeerReviewStatus.SUBMITTED,
            not_assessed=False,
            score__isnull=False,
        ).values_list("indicator__principle__code", "score")
    )
    if not peer_rows:
        return []
    if self_scores is None:
        self_scores = dict(
            PrincipleScore.objects.filter(
                team=team,
                quarter_index=quarter_index,
                qa_return__status__in=[ReturnStatus.SUBMITTED, ReturnStatus.APPROVED],
            ).values_list("principle_code", "score")
        )
    by_code: dict[str, list[int]] = {}
    for code, score in peer_rows:
        by_code.setdefault(code, []).append(score)
    version = current_framework_version(pilot=team.organisation.pilot)
    result = []
    for code, title in version.principles.values_list("code", "title"):
        mine = self_scores.get(code)
        peer = scoring.principle_score(by_code.get(code, []))
        gap = peer_review.gap(mine, peer)
        result.append(
            PrincipleGap(
                code=code,
                title=title,
                self_score=mine,
                peer_score=peer,
                gap=gap,
                flagged=peer_review.is_flagged(gap),
            )
        )
    return result


def improvement_actions_for_principles(
    *, pilot: Pilot, principle_codes: list[str], teams: QuerySet[Team], up_to_quarter_index: int
) -> dict[str, list[ImprovementAction]]:
    """Open improvement actions raised up to a quarter on the given principles, by principle
    (for the quarterly report's lowest principles)."""
    result: dict[str, list[ImprovementAction]] = {code: [] for code in principle_codes}
    actions = (
        improvement_actions_open(pilot=pilot)
        .filter(
            principle_code__in=principle_codes,
            team__in=teams,
            qa_return__quarter_index__lte=up_to_quarter_index,
        )
        .order_by("principle_code", "team__name", "indicator__position")
    )
    for action in actions:
        result[action.principle_code].append(action)
    return result
