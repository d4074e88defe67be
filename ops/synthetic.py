"""Invented data, built in one place: for the tests' factories, the benchmark and `seed_scale`.

The figures and rows a return is made of (`GOOD_FIGURES`, `return_row`, `indicator_score_row`,
`score_values`, `use_default_framework`) are shared by the tests' factories and the large
synthetic pilots; `build_scale` makes those pilots, deterministic for a seed, with bulk inserts.
Everything here is invented: pilots, places, organisations, scores and forum notes.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from common.quarters import Quarter
from fidelity.frameworks import scoring
from fidelity.frameworks.models import FrameworkVersion, Indicator, PilotFramework
from fidelity.frameworks.selectors import current_framework_version
from fidelity.returns.models import IndicatorScore, PrincipleScore, QAReturn, ReturnStatus
from forums.models import (
    Action,
    Challenge,
    ForumSeries,
    ForumSession,
    GoodPractice,
    SessionStatus,
    Theme,
)
from partners.models import (
    LocalAuthority,
    Organisation,
    Pilot,
    Role,
    RoleAssignment,
    Team,
    User,
    Zone,
)

SCALE_PREFIX = "Scale pilot"
BATCH = 5000

# --- A return's figures and rows: shared with the tests' factories ------------------------------

# A quarter's caseload figures that pass every check on a return (the counts add up).
GOOD_FIGURES = {
    "people_supported": 12,
    "new_referrals": 3,
    "people_housed": 2,
    "tenancies_sustained": 10,
    "sustained_6_months": 8,
    "sustained_12_months": 5,
    "tenancies_ended": 2,
    "ended_planned_move": 1,
    "ended_unknown": 1,
    "staff_fte": 2,
    "support_contacts": 140,
}


def use_default_framework(pilot: Pilot) -> FrameworkVersion:
    """Pins the pilot to the framework version its returns would be scored on; answers it."""
    choice, _ = PilotFramework.objects.get_or_create(
        pilot=pilot, defaults={"version": current_framework_version(pilot=pilot)}
    )
    return choice.version


def return_row(
    *,
    team: Team,
    version: FrameworkVersion,
    quarter: Quarter,
    status: str,
    submitted_at: datetime.datetime | None,
    **figures,
) -> QAReturn:
    """An unsaved return for the team's quarter, due when its pilot says; save it or bulk-create."""
    pilot = team.organisation.pilot
    return QAReturn(
        team=team,
        framework_version=version,
        year=quarter.year,
        quarter=quarter.number,
        quarter_index=quarter.index,
        deadline=quarter.deadline(pilot.return_deadline_days),
        status=status,
        submitted_at=submitted_at,
        **figures,
    )


def indicator_score_row(
    *, qa_return: QAReturn, indicator: Indicator, score: int | None, evidence: str, reason: str
) -> IndicatorScore:
    """An unsaved indicator score; a score of None means not assessed, for `reason`."""
    return IndicatorScore(
        qa_return=qa_return,
        indicator=indicator,
        score=score,
        not_assessed=score is None,
        not_assessed_reason=reason if score is None else "",
        evidence=evidence,
    )


def score_values(qa_return: QAReturn, value: int | None = 3, **overrides) -> dict[int, dict]:
    """Scores for the save service: every indicator `value` (None = not assessed with a reason);
    `overrides` maps an indicator code with '.' as '_' (e.g. i1_2) to a value."""
    result = {}
    for row in qa_return.scores.select_related("indicator"):
        v = overrides.get("i" + row.indicator.code.replace(".", "_"), value)
        result[row.indicator_id] = {
            "score": v,
            "not_assessed": v is None,
            "not_assessed_reason": "No audit this quarter" if v is None else "",
            "evidence": f"Invented evidence for {row.indicator.code}",
        }
    return result


# --- Large synthetic pilots: seed_scale and the benchmark ----------------------------------------


@dataclass
class ScaleSpec:
    pilots: int = 3
    las_per_pilot: int = 50
    teams_per_la: int = 2
    quarters: int = 40
    forum_sessions: int = 300
    seed: int = 1
    zones_per_pilot: int = 4
    organisations_per_pilot: int = 11


@dataclass
class ScaleResult:
    pilots: list[Pilot] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def remove_scale_data() -> None:
    """Deletes every synthetic pilot (and all that hangs off it)."""
    pilots = Pilot.objects.filter(name__startswith=SCALE_PREFIX)
    ForumSeries.objects.filter(pilot__in=pilots).delete()
    QAReturn.objects.filter(team__organisation__pilot__in=pilots).delete()
    Team.objects.filter(organisation__pilot__in=pilots).delete()
    LocalAuthority.objects.filter(zone__pilot__in=pilots).delete()
    User.objects.filter(username__startswith="scale-").delete()
    pilots.delete()


def build_scale(spec: ScaleSpec) -> ScaleResult:
    result = _build(spec)
    # Fresh planner statistics, as autovacuum would gather on a live database after a bulk load.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return result


@transaction.atomic
def _build(spec: ScaleSpec) -> ScaleResult:
    rng = random.Random(spec.seed)
    result = ScaleResult()
    totals = {
        "las": 0,
        "teams": 0,
        "returns": 0,
        "indicator_scores": 0,
        "principle_scores": 0,
        "forum_sessions": 0,
        "challenges": 0,
        "actions": 0,
    }
    today = timezone.localdate()
    for p in range(1, spec.pilots + 1):
        pilot = Pilot.objects.create(name=f"{SCALE_PREFIX} {p}", slug=f"scale-pilot-{p}")
        version = use_default_framework(pilot)
        zones = Zone.objects.bulk_create(
            Zone(pilot=pilot, name=f"Zone {z}") for z in range(1, spec.zones_per_pilot + 1)
        )
        las = LocalAuthority.objects.bulk_create(
            LocalAuthority(
                zone=zones[i % len(zones)], name=f"Borough {p}-{i:03d}", slug=f"borough-{p}-{i:03d}"
            )
            for i in range(1, spec.las_per_pilot + 1)
        )
        orgs = Organisation.objects.bulk_create(
            Organisation(pilot=pilot, name=f"Partner {p}-{o:02d}")
            for o in range(1, spec.organisations_per_pilot + 1)
        )
        teams = Team.objects.bulk_create(
            Team(
                organisation=orgs[(i * spec.teams_per_la + t) % len(orgs)],
                name=f"Team {la.name}/{t}",
            )
            for i, la in enumerate(las)
            for t in range(1, spec.teams_per_la + 1)
        )
        Team.local_authorities.through.objects.bulk_create(
            Team.local_authorities.through(
                team_id=team.pk, localauthority_id=las[i // spec.teams_per_la].pk
            )
            for i, team in enumerate(teams)
        )
        manager, _ = User.objects.get_or_create(username=f"scale-manager-{p}")
        RoleAssignment.objects.create(user=manager, role=Role.PILOT_MANAGER, pilot=pilot)
        counts = _build_returns(rng, pilot, version, teams, spec.quarters, today)
        sessions = spec.forum_sessions // spec.pilots + (
            1 if p <= spec.forum_sessions % spec.pilots else 0
        )
        counts.update(_build_forums(rng, pilot, las, orgs, sessions, today))
        for key, value in counts.items():
            totals[key] += value
        totals["las"] += len(las)
        totals["teams"] += len(teams)
        result.pilots.append(pilot)
    result.counts = totals
    return result


def _build_returns(rng, pilot, version, teams, quarter_count, today) -> dict[str, int]:
    principles = list(version.principles.prefetch_related("indicators"))
    current = Quarter.containing(today, pilot.quarter_convention)
    quarters = current.previous().back(quarter_count)
    counts = {"returns": 0, "indicator_scores": 0, "principle_scores": 0}
    for team in teams:
        base = {p.code: rng.uniform(1.8, 3.8) for p in principles}
        drift = {p.code: rng.uniform(-0.03, 0.03) for p in principles}
        returns = []
        for quarter in quarters:
            supported = rng.randint(4, 14)
            ended = rng.randint(0, 3)
            unknown = rng.randint(0, ended)
            returns.append(
                return_row(
                    team=team,
                    version=version,
                    quarter=quarter,
                    status=ReturnStatus.APPROVED,
                    submitted_at=timezone.make_aware(
                        datetime.datetime.combine(quarter.end, datetime.time(12))
                    ),
                    people_supported=supported,
                    new_referrals=rng.randint(0, 4),
                    people_housed=rng.randint(0, 3),
                    tenancies_sustained=supported - rng.randint(0, 2),
                    sustained_6_months=rng.randint(0, supported),
                    sustained_12_months=rng.randint(0, supported // 2),
                    tenancies_ended=ended,
                    ended_planned_move=ended - unknown,
                    ended_unknown=unknown,
                    staff_fte=Decimal(rng.choice(["1.0", "1.5", "2.0"])),
                    support_contacts=rng.randint(20, 120),
                )
            )
        QAReturn.objects.bulk_create(returns, batch_size=BATCH)
        indicator_rows, principle_rows = [], []
        for step, qa_return in enumerate(returns):
            principle_means = []
            for principle in principles:
                centre = base[principle.code] + drift[principle.code] * step
                values = []
                for indicator in principle.indicators.all():
                    assessed = rng.random() > 0.05
                    value = max(1, min(4, round(rng.gauss(centre, 0.6)))) if assessed else None
                    values.append(value)
                    indicator_rows.append(
                        indicator_score_row(
                            qa_return=qa_return,
                            indicator=indicator,
                            score=value,
                            evidence="Synthetic evidence for benchmarking.",
                            reason="Not reviewed this quarter",
                        )
                    )
                row = PrincipleScore.summarising(
                    qa_return=qa_return,
                    principle=principle,
                    pilot_id=pilot.pk,
                    scored=[v for v in values if v is not None],
                    not_assessed=sum(v is None for v in values),
                )
                principle_means.append(row.score)
                principle_rows.append(row)
            qa_return.overall_score = scoring.overall_score(principle_means)
        QAReturn.objects.bulk_update(returns, ["overall_score"], batch_size=BATCH)
        IndicatorScore.objects.bulk_create(indicator_rows, batch_size=BATCH)
        PrincipleScore.objects.bulk_create(principle_rows, batch_size=BATCH)
        counts["returns"] += len(returns)
        counts["indicator_scores"] += len(indicator_rows)
        counts["principle_scores"] += len(principle_rows)
    return counts


CHALLENGES = [
    "Landlords ask for a guarantor before offering a tenancy",
    "Support is closed when people stop answering calls",
    "Rent arrears letters go to support workers to enforce",
    "People are not offered a choice of area",
    "Waiting lists for detox are the only route into housing",
    "Caseloads above seven people per worker in winter",
    "Plans are written in professional language, not the person's words",
    "Hospital discharge happens without telling the team",
]
THEMES = ["Landlords", "Caseloads", "Engagement", "Choice", "Hospital discharge", "Training"]


def _build_forums(rng, pilot, las, orgs, sessions, today) -> dict[str, int]:
    if not sessions:
        return {"forum_sessions": 0, "challenges": 0, "actions": 0}
    themes = Theme.objects.bulk_create(Theme(pilot=pilot, name=name) for name in THEMES)
    series = ForumSeries.objects.create(pilot=pilot, title="Synthetic series")
    rows = ForumSession.objects.bulk_create(
        ForumSession(
            series=series,
            date=today - datetime.timedelta(days=7 * i),
            principle_code=f"P{i % 7 + 1}",
            status=SessionStatus.PUBLISHED,
            published_at=timezone.now(),
        )
        for i in range(sessions)
    )
    challenges = Challenge.objects.bulk_create(
        Challenge(
            session=session,
            text=f"{rng.choice(CHALLENGES)} ({rng.randint(1, 40)})",
            principle_code=session.principle_code,
        )
        for session in rows
        for _ in range(3)
    )
    Challenge.local_authorities.through.objects.bulk_create(
        Challenge.local_authorities.through(challenge_id=c.pk, localauthority_id=la.pk)
        for c in challenges
        for la in rng.sample(las, min(2, len(las)))
    )
    Challenge.organisations.through.objects.bulk_create(
        Challenge.organisations.through(challenge_id=c.pk, organisation_id=rng.choice(orgs).pk)
        for c in challenges
    )
    Challenge.themes.through.objects.bulk_create(
        Challenge.themes.through(challenge_id=c.pk, theme_id=rng.choice(themes).pk)
        for c in challenges
    )
    GoodPractice.objects.bulk_create(
        GoodPractice(
            session=s, text="Weekly joint visits with the landlord", principle_code=s.principle_code
        )
        for s in rows
    )
    actions = Action.objects.bulk_create(
        Action(
            session=c.session,
            what="Raise it at the partnership board",
            owner=rng.choice(orgs).name,
            due_date=today + datetime.timedelta(days=rng.randint(-60, 60)),
            challenge=c,
            principle_code=c.principle_code,
        )
        for c in challenges[::3]
    )
    return {"forum_sessions": len(rows), "challenges": len(challenges), "actions": len(actions)}
