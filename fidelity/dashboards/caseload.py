"""Caseload, data quality and returns-status figures, from the counted returns' caseload columns
and their values for the pilot's own measures."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    F,
    FilteredRelation,
    Q,
    Sum,
)
from django.utils import timezone

from common.quarters import Quarter
from fidelity.dashboards.figures import (
    WHOLE_PILOT,
    FrameworkInfo,
    Scope,
    _MeanRow,
    _principle_means,
    _rounded,
    completeness_counts,
    counted_returns,
    framework_info,
)
from fidelity.frameworks import scoring
from fidelity.measures.models import PilotMeasure
from fidelity.measures.selectors import pilot_measures
from fidelity.measures.validation import measure_key
from fidelity.returns.models import QAReturn, ReturnStatus
from fidelity.returns.selectors import teams_expected_in
from partners.models import Pilot, Team


def _caseload_rows(
    *,
    pilot: Pilot,
    scope: Scope,
    indexes: Sequence[int],
    measures: Sequence[PilotMeasure] = (),
) -> dict[int, dict]:
    """Per quarter index: sums of the caseload figures and of the values of `measures` (keyed by
    `measure_key`), the number of late returns, and what completeness needs
    (`figures.completeness_from` reads these rows too).

    Each measure is one more LEFT JOIN of the same query, to its value on each return: a return
    has at most one value per measure, so no sum counts a return twice."""
    joins = {
        f"m{m.pk}": FilteredRelation("measure_values", condition=Q(measure_values__measure=m.pk))
        for m in measures
    }
    rows = (
        counted_returns(pilot=pilot, scope=scope)
        .filter(quarter_index__in=indexes)
        .alias(**joins)
        .values("quarter_index")
        .annotate(
            **completeness_counts(),
            # Before the sums below take the fields' names.
            people_with_fte=Sum("people_supported", filter=Q(staff_fte__gt=0)),
            late=Count("id", filter=Q(submitted_at__date__gt=F("deadline"))),
            returns=Count("id"),
            people_supported=Sum("people_supported"),
            new_referrals=Sum("new_referrals"),
            people_housed=Sum("people_housed"),
            tenancies_sustained=Sum("tenancies_sustained"),
            tenancies_ended=Sum("tenancies_ended"),
            ended_unknown=Sum("ended_unknown"),
            staff_fte=Sum("staff_fte"),
            **{measure_key(m.pk): Sum(f"m{m.pk}__value") for m in measures},
        )
        .order_by()
    )
    return {r["quarter_index"]: r for r in rows}


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: Decimal | int | None
    previous: Decimal | int | None
    unit: str = ""

    @property
    def change(self) -> Decimal | None:
        if self.value is None or self.previous is None:
            return None
        return Decimal(self.value) - Decimal(self.previous)


@dataclass(frozen=True)
class CaseloadSummary:
    quarter: Quarter
    returns_counted: int
    people_supported: int | None
    new_referrals: int | None
    people_housed: int | None
    tenancies_sustained: int | None
    tenancies_ended: int | None
    sustainment_rate: Decimal | None
    staff_fte: Decimal | None
    caseload_per_fte: Decimal | None
    caseload_target_per_fte: Decimal | None
    figures: list[Figure] = field(default_factory=list)

    @property
    def over_target(self) -> bool:
        return (
            self.caseload_per_fte is not None
            and self.caseload_target_per_fte is not None
            and self.caseload_per_fte > self.caseload_target_per_fte
        )


def _per_fte(row: dict | None) -> Decimal | None:
    if not row or not row["staff_fte"] or row["people_with_fte"] is None:
        return None
    return scoring.mean_score([Decimal(row["people_with_fte"]) / Decimal(str(row["staff_fte"]))])


def _rate(row: dict | None) -> Decimal | None:
    if not row:
        return None
    return scoring.sustainment_rate(row["tenancies_sustained"], row["tenancies_ended"])


def _caseload_from(
    rows: dict[int, dict],
    quarter: Quarter,
    framework: FrameworkInfo | None,
    measures: Sequence[PilotMeasure] = (),
) -> CaseloadSummary:
    now = rows.get(quarter.index)
    before = rows.get(quarter.index - 1)

    def get(row, key):
        return row[key] if row else None

    def fte(row):
        value = get(row, "staff_fte")
        return None if value is None else _rounded(value)

    figures = [
        Figure(k, label, get(now, k), get(before, k))
        for k, label in [
            ("people_supported", "People supported at quarter end"),
            ("new_referrals", "New referrals"),
            ("people_housed", "People housed"),
            ("tenancies_sustained", "Tenancies sustained"),
            ("tenancies_ended", "Tenancies ended"),
        ]
    ]
    figures += [
        Figure("sustainment_rate", "Sustainment rate", _rate(now), _rate(before), "%"),
        Figure("staff_fte", "Staff (FTE)", fte(now), fte(before)),
        Figure("caseload_per_fte", "Caseload per FTE", _per_fte(now), _per_fte(before)),
    ]
    figures += [
        Figure(key, m.name, m.plain(get(now, key)), m.plain(get(before, key)))
        for m in measures
        for key in [measure_key(m.pk)]
    ]
    return CaseloadSummary(
        quarter=quarter,
        returns_counted=get(now, "returns") or 0,
        people_supported=get(now, "people_supported"),
        new_referrals=get(now, "new_referrals"),
        people_housed=get(now, "people_housed"),
        tenancies_sustained=get(now, "tenancies_sustained"),
        tenancies_ended=get(now, "tenancies_ended"),
        sustainment_rate=_rate(now),
        staff_fte=fte(now),
        caseload_per_fte=_per_fte(now),
        caseload_target_per_fte=framework.caseload_target_per_fte if framework else None,
        figures=figures,
    )


def caseload_summary(
    *,
    pilot: Pilot,
    quarter: Quarter,
    scope: Scope = WHOLE_PILOT,
    framework: FrameworkInfo | None = None,
) -> CaseloadSummary:
    """Sums over the quarter's submitted and approved returns, with change from the quarter
    before, for the standard figures and the pilot's active measures."""
    framework = framework or framework_info(pilot=pilot)
    measures = pilot_measures(pilot_id=pilot.pk)
    rows = _caseload_rows(
        pilot=pilot, scope=scope, indexes=[quarter.index - 1, quarter.index], measures=measures
    )
    return _caseload_from(rows, quarter, framework, measures)


@dataclass(frozen=True)
class DataQuality:
    quarter: Quarter
    tenancies_ended: int | None
    ended_unknown: int | None
    unknown_share: Decimal | None
    indicators_not_assessed: int
    indicators_total: int
    not_assessed_share: Decimal | None
    late_returns: int


def _data_quality_from(
    means: dict[tuple[int, int, str], _MeanRow], caseload: dict[int, dict], quarter: Quarter
) -> DataQuality:
    rows = [row for (index, *_), row in means.items() if index == quarter.index]
    not_assessed = sum(r.not_assessed for r in rows)
    total = not_assessed + sum(r.scored for r in rows)
    now = caseload.get(quarter.index) or {}
    return DataQuality(
        quarter=quarter,
        tenancies_ended=now.get("tenancies_ended"),
        ended_unknown=now.get("ended_unknown"),
        unknown_share=scoring.share(now.get("ended_unknown"), now.get("tenancies_ended")),
        indicators_not_assessed=not_assessed,
        indicators_total=total,
        not_assessed_share=scoring.share(not_assessed, total),
        late_returns=now.get("late") or 0,
    )


def data_quality(*, pilot: Pilot, quarter: Quarter, scope: Scope = WHOLE_PILOT) -> DataQuality:
    """Unknown tenancy outcomes, indicators not assessed and late returns in the quarter."""
    means = _principle_means(
        pilot=pilot, scope=scope, first_index=quarter.index, last_index=quarter.index
    )
    caseload = _caseload_rows(pilot=pilot, scope=scope, indexes=[quarter.index])
    return _data_quality_from(means, caseload, quarter)


@dataclass(frozen=True)
class TeamReturn:
    """One active team of the scope and its return for the quarter, if any."""

    team_id: int
    team_name: str
    organisation: str
    return_id: int | None
    status: str | None
    status_label: str
    overdue: bool
    late: bool
    overall_score: Decimal | None
    people_supported: int | None
    people_housed: int | None
    tenancies_sustained: int | None
    tenancies_ended: int | None
    ended_unknown: int | None
    staff_fte: Decimal | None

    @property
    def missing(self) -> bool:
        return self.return_id is None

    @property
    def sustainment_rate(self) -> Decimal | None:
        return scoring.sustainment_rate(self.tenancies_sustained, self.tenancies_ended)


@dataclass(frozen=True)
class SubmissionStatus:
    quarter: Quarter
    deadline: datetime.date
    teams: list[TeamReturn]

    def _count(self, test) -> int:
        return sum(1 for t in self.teams if test(t))

    @property
    def submitted(self) -> int:
        return self._count(lambda t: t.status == ReturnStatus.SUBMITTED)

    @property
    def approved(self) -> int:
        return self._count(lambda t: t.status == ReturnStatus.APPROVED)

    @property
    def in_progress(self) -> int:
        return self._count(lambda t: t.status in (ReturnStatus.DRAFT, ReturnStatus.RETURNED))

    @property
    def overdue(self) -> int:
        return self._count(lambda t: t.overdue)

    @property
    def missing(self) -> int:
        return self._count(lambda t: t.missing)

    @property
    def late(self) -> list[TeamReturn]:
        return [t for t in self.teams if t.late]


STATUS_LABELS = dict(ReturnStatus.choices)


def submission_status(
    *,
    pilot: Pilot,
    quarter: Quarter,
    scope: Scope = WHOLE_PILOT,
    today: datetime.date | None = None,
) -> SubmissionStatus:
    """Every active team in scope expected in the quarter (`teams_expected_in`) or with a return
    for it, with that return: one query (a left join)."""
    today = today or timezone.localdate()
    deadline = quarter.deadline(pilot.return_deadline_days)
    rows = (
        Team.objects.filter(pk__in=scope.team_queryset(pilot).values("id"), is_active=True)
        .filter(
            teams_expected_in(quarter.index)
            | Q(pk__in=QAReturn.objects.filter(quarter_index=quarter.index).values("team_id"))
        )
        .annotate(r=FilteredRelation("returns", condition=Q(returns__quarter_index=quarter.index)))
        .values(
            "pk",
            "name",
            "organisation__name",
            "r__id",
            "r__status",
            "r__deadline",
            "r__submitted_at",
            "r__overall_score",
            "r__people_supported",
            "r__people_housed",
            "r__tenancies_sustained",
            "r__tenancies_ended",
            "r__ended_unknown",
            "r__staff_fte",
        )
        .order_by("name")
    )
    teams = []
    for r in rows:
        status = r["r__status"]
        due = r["r__deadline"] or deadline
        counted = status in scope.counted_statuses
        submitted_on = (
            timezone.localdate(r["r__submitted_at"]) if r["r__submitted_at"] and counted else None
        )
        teams.append(
            TeamReturn(
                team_id=r["pk"],
                team_name=r["name"],
                organisation=r["organisation__name"],
                return_id=r["r__id"],
                status=status,
                status_label=STATUS_LABELS.get(status, "Missing") if status else "Missing",
                overdue=not counted and today > due,
                late=submitted_on is not None and submitted_on > due,
                overall_score=r["r__overall_score"] if counted else None,
                people_supported=r["r__people_supported"] if counted else None,
                people_housed=r["r__people_housed"] if counted else None,
                tenancies_sustained=r["r__tenancies_sustained"] if counted else None,
                tenancies_ended=r["r__tenancies_ended"] if counted else None,
                ended_unknown=r["r__ended_unknown"] if counted else None,
                staff_fte=r["r__staff_fte"] if counted else None,
            )
        )
    return SubmissionStatus(quarter=quarter, deadline=deadline, teams=teams)
