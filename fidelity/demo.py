"""Demo data for the fidelity app: each demo pilot's framework and past quarters of returns,
as its `DemoReturnsPlan` says (the Greater Manchester pilot on the default framework, the practice
network on its own five-domain instrument, `demo_network.INSTRUMENT`).

Deterministic (every random choice comes from `random.Random` seeded with the team and quarter)
and idempotent (a quarter that already has a team's return is left alone). Some sections drift
down and others improve; a few returns are late or missing; some tenancy outcomes are unknown.
All evidence text is invented.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from common.quarters import Quarter
from fidelity import demo_network
from fidelity.frameworks.instrument import Instrument
from fidelity.frameworks.models import FrameworkVersion, Indicator, PilotFramework
from fidelity.frameworks.selectors import current_framework_version
from fidelity.frameworks.services import framework_import
from fidelity.improvement.models import ActionStatus, ImprovementAction
from fidelity.measures.demo import seed_measures
from fidelity.opendata.demo import seed_open_data
from fidelity.peer_review.models import PeerReview, PeerReviewScore, PeerReviewStatus
from fidelity.returns.models import (
    ActivityKind,
    IndicatorScore,
    QAActivity,
    QAReturn,
    ReturnStatus,
    ReturnTransition,
)
from fidelity.returns.services import return_store_scores
from partners.demo import GREATER_MANCHESTER, PRACTICE_NETWORK
from partners.models import Pilot, Role, RoleAssignment, Team, User

SEED = 2026


@dataclass(frozen=True)
class DemoReturnsPlan:
    """How one demo pilot's returns go. Places are local authority names ("Housing First <place>"
    is the team serving it)."""

    # The pilot's own instrument, imported once; None: the default framework.
    instrument: Instrument | None
    past_quarters: int
    # Sections that drift down for most teams, and those that improve, per quarter.
    drifting: dict[str, Decimal]
    improving: dict[str, Decimal]
    # Teams that miss a quarter's return altogether: place -> quarters back.
    missing: dict[str, set[int]] = field(default_factory=dict)
    late: set[str] = field(default_factory=set)
    draft_now: set[str] = field(default_factory=set)
    # Last quarter's return sent back to the team, with the manager's comment.
    sent_back: dict[str, str] = field(default_factory=dict)
    # (reviewer username, place, peer score offset): some agree, some a point or more apart.
    peer_reviews: list[tuple[str, str, int]] = field(default_factory=list)
    # The sections a peer reviewer's offset falls on, so the gap shows up per section.
    peer_gap_codes: tuple[str, ...] = ()
    # (reviewer username, place): a review assigned and still to do.
    peer_review_to_do: tuple[str, str] | None = None


PLANS = {
    GREATER_MANCHESTER.slug: DemoReturnsPlan(
        instrument=None,
        past_quarters=6,
        drifting={"P2": Decimal("-0.25"), "P5": Decimal("-0.2")},
        improving={"P4": Decimal("0.25"), "P7": Decimal("0.2")},
        missing={"Tameside": {6}, "Oldham": {4}},
        late={"Rochdale", "Trafford"},
        draft_now={"Bury", "Salford", "Stockport", "Wigan"},
        peer_reviews=[
            ("reviewer-1", "Bolton", 0),
            ("reviewer-1", "Manchester", -1),
            ("reviewer-2", "Oldham", 0),
            ("reviewer-2", "Trafford", 1),
        ],
        peer_gap_codes=("P2", "P5"),
        peer_review_to_do=("reviewer-1", "Wigan"),
    ),
    PRACTICE_NETWORK.slug: DemoReturnsPlan(
        instrument=demo_network.INSTRUMENT,
        past_quarters=4,
        drifting={"D2": Decimal("-0.3")},
        improving={"D1": Decimal("0.2"), "D5": Decimal("0.3")},
        missing={"Norwich": {4}, "Cornwall": {1}},
        late={"Coventry", "Liverpool"},
        draft_now={"Leeds", "Bristol", "Derby"},
        sent_back={"Plymouth": "Please add the evidence for D3 from the case file audit."},
        peer_reviews=[("network-reviewer", "Sheffield", -1), ("network-reviewer", "Leicester", 0)],
        peer_gap_codes=("D2", "D4"),
        peer_review_to_do=("network-reviewer", "Brighton and Hove"),
    ),
}

EVIDENCE = [
    "Case file audit of {n} files: support plans reviewed with the person this quarter.",
    "Team meeting notes show the approach discussed; examples recorded in supervision.",
    "Client feedback from {n} people; most said workers kept in touch when things were hard.",
    "Peer reviewers from the co-production panel read plans and spoke with staff.",
    "Reflective practice session looked at two anonymised situations from the quarter.",
    "Observed visits showed workers following the person's lead on what to talk about.",
]
FINDINGS = {
    ActivityKind.CASE_FILE_AUDIT: "Plans mostly start from goals; a few still list risks first.",
    ActivityKind.CLIENT_FEEDBACK: "People value flexible contact times; some want more notice.",
    ActivityKind.PEER_REVIEW: "Reviewers found a warm, unhurried approach in most visits.",
    ActivityKind.REFLECTIVE_PRACTICE: "Discussed staying in touch through a hospital stay.",
    ActivityKind.OBSERVATION: "Worker offered choices and respected a decision to decline.",
}


def seed(pilot: Pilot) -> str:
    plan = PLANS.get(pilot.slug)
    if plan is None:
        return ""
    PilotFramework.objects.get_or_create(pilot=pilot, defaults={"version": _version(pilot, plan)})
    done = [
        _seed_returns(pilot, plan),
        seed_measures(pilot),
        _seed_improvement_actions(pilot),
        _seed_peer_reviews(pilot, plan),
        seed_open_data(pilot),
    ]
    return "; ".join(part for part in done if part)


def _version(pilot: Pilot, plan: DemoReturnsPlan) -> FrameworkVersion:
    """The plan's own instrument (imported the first time), or the default framework."""
    if plan.instrument is None:
        return current_framework_version(pilot=pilot)
    existing = FrameworkVersion.objects.filter(framework__name=plan.instrument.name)
    return existing.order_by("-number").first() or framework_import(plan.instrument)


@transaction.atomic
def _seed_returns(pilot: Pilot, plan: DemoReturnsPlan) -> str:
    manager = (
        User.objects.filter(
            role_assignments__pilot=pilot, role_assignments__role=Role.PILOT_MANAGER
        )
        .order_by("pk")
        .first()
    )
    if manager is None:
        return "no pilot manager, so no demo returns"
    current = Quarter.containing(timezone.localdate(), pilot.quarter_convention)
    created = 0
    teams = Team.objects.filter(organisation__pilot=pilot).prefetch_related("local_authorities")
    for team_number, team in enumerate(teams.order_by("name")):
        leader = _leader(team) or manager
        place = team.name.removeprefix("Housing First ")
        base = Decimal("2.6") + Decimal(team_number % 4) * Decimal("0.25")
        for back in range(plan.past_quarters, 0, -1):
            quarter = Quarter.from_index(current.index - back, pilot.quarter_convention)
            if back in plan.missing.get(place, set()) or _exists(team, quarter):
                continue
            rng = random.Random(f"{SEED}:{team.name}:{quarter.index}")
            status = (
                ReturnStatus.SUBMITTED if back == 1 and team_number % 3 else ReturnStatus.APPROVED
            )
            sent_back = plan.sent_back.get(place, "") if back == 1 else ""
            late = place in plan.late and back % 2 == 0
            step = plan.past_quarters - back
            _past_return(
                pilot,
                plan,
                team,
                quarter,
                rng,
                base,
                step,
                status,
                late,
                leader,
                manager,
                sent_back,
            )
            created += 1
        if place in plan.draft_now and not _exists(team, current):
            rng = random.Random(f"{SEED}:{team.name}:{current.index}")
            _draft(pilot, plan, team, current, rng, base, leader)
            created += 1
    return f"{created} demo returns added" if created else ""


def _leader(team: Team) -> User | None:
    assignment = (
        RoleAssignment.objects.filter(team=team, role=Role.TEAM_LEADER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return assignment.user if assignment else None


def _exists(team: Team, quarter: Quarter) -> bool:
    return QAReturn.objects.filter(team=team, year=quarter.year, quarter=quarter.number).exists()


def _new_return(pilot, team, quarter, leader, **fields) -> QAReturn:
    return QAReturn.objects.create(
        team=team,
        framework_version=current_framework_version(pilot=pilot),
        year=quarter.year,
        quarter=quarter.number,
        deadline=quarter.deadline(pilot.return_deadline_days),
        created_by=leader,
        **fields,
    )


def _scores(qa_return, plan, rng, base, step, *, blank_share: float = 0.0) -> None:
    rows = []
    version = qa_return.framework_version
    values = list(version.scale.values_list("value", flat=True))
    low, high = min(values), max(values)
    principles = version.principles.prefetch_related("indicators")
    for principle in principles:
        trend = (
            plan.drifting.get(principle.code) or plan.improving.get(principle.code) or Decimal("0")
        )
        start = base - trend * 3  # drifting principles start high, improving ones low
        for indicator in principle.indicators.all():
            if rng.random() < blank_share:
                rows.append(IndicatorScore(qa_return=qa_return, indicator=indicator))
                continue
            if rng.random() < 0.04:
                rows.append(
                    IndicatorScore(
                        qa_return=qa_return,
                        indicator=indicator,
                        not_assessed=True,
                        not_assessed_reason="No activity looked at this indicator this quarter.",
                    )
                )
                continue
            value = float(start + trend * step) + rng.uniform(-0.7, 0.7)
            n = rng.randint(3, 12)
            rows.append(
                IndicatorScore(
                    qa_return=qa_return,
                    indicator=indicator,
                    score=max(low, min(high, round(value))),
                    evidence=rng.choice(EVIDENCE).format(n=n),
                )
            )
    IndicatorScore.objects.bulk_create(rows)


def _figures(rng) -> dict:
    fte = Decimal(rng.choice(["1.5", "2", "2.5", "3", "3.5"]))
    supported = int(fte * rng.randint(5, 8))
    sustained = supported - rng.randint(0, 2)
    ended = {name: 0 for name in ("planned_move", "eviction", "abandonment", "prison", "unknown")}
    for _ in range(rng.randint(0, 3)):
        ended[rng.choice(list(ended))] += 1
    return {
        "people_supported": supported,
        "new_referrals": rng.randint(0, 4),
        "people_housed": rng.randint(0, 3),
        "tenancies_sustained": sustained,
        "sustained_6_months": sustained - rng.randint(0, 2),
        "sustained_12_months": max(0, sustained - rng.randint(2, 5)),
        "tenancies_ended": sum(ended.values()),
        **{f"ended_{name}": count for name, count in ended.items()},
        "ended_death": 0,
        "ended_hospital": 0,
        "ended_other": 0,
        "staff_fte": fte,
        "support_contacts": supported * rng.randint(8, 14),
    }


def _activities(qa_return, rng, quarter) -> None:
    kinds = rng.sample(list(ActivityKind), k=rng.randint(2, 3))
    for kind in kinds:
        QAActivity.objects.create(
            qa_return=qa_return,
            kind=kind,
            date=quarter.start + datetime.timedelta(days=rng.randint(10, 80)),
            count=rng.randint(3, 10)
            if kind in (ActivityKind.CASE_FILE_AUDIT, ActivityKind.CLIENT_FEEDBACK)
            else None,
            finding=FINDINGS[kind],
        )


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _past_return(
    pilot, plan, team, quarter, rng, base, step, status, late, leader, manager, sent_back
) -> None:
    if sent_back:
        status = ReturnStatus.RETURNED
    deadline = quarter.deadline(pilot.return_deadline_days)
    submitted_on = deadline + datetime.timedelta(
        days=rng.randint(3, 15) if late else -rng.randint(0, 12)
    )
    qa_return = _new_return(
        pilot,
        team,
        quarter,
        leader,
        status=status,
        submitted_at=_moment(submitted_on, 10),
        submitted_by=leader,
        **_figures(rng),
    )
    _scores(qa_return, plan, rng, base, step)
    _activities(qa_return, rng, quarter)
    moves = [(ReturnStatus.DRAFT, ReturnStatus.SUBMITTED, leader, submitted_on, "")]
    if status == ReturnStatus.RETURNED:
        sent_on = submitted_on + datetime.timedelta(days=3)
        moves.append((ReturnStatus.SUBMITTED, ReturnStatus.RETURNED, manager, sent_on, sent_back))
    elif status == ReturnStatus.APPROVED:
        approved_on = submitted_on + datetime.timedelta(days=rng.randint(2, 10))
        moves.append(
            (ReturnStatus.SUBMITTED, ReturnStatus.APPROVED, manager, approved_on, "Thank you.")
        )
        QAReturn.objects.filter(pk=qa_return.pk).update(
            approved_at=_moment(approved_on, 15), approved_by=manager
        )
    for from_status, to_status, by, day, comment in moves:
        transition = ReturnTransition.objects.create(
            qa_return=qa_return,
            from_status=from_status,
            to_status=to_status,
            by=by,
            comment=comment,
        )
        ReturnTransition.objects.filter(pk=transition.pk).update(at=_moment(day, 12))
    return_store_scores(qa_return=qa_return)


def _draft(pilot, plan, team, quarter, rng, base, leader) -> None:
    qa_return = _new_return(pilot, team, quarter, leader, status=ReturnStatus.DRAFT)
    _scores(qa_return, plan, rng, base, plan.past_quarters, blank_share=0.5)


ACTIONS = [
    "Review this with the team in supervision and agree a change in practice",
    "Case file audit focused on this indicator next quarter",
    "Ask the co-production panel to look at this in their next visit",
]


@transaction.atomic
def _seed_improvement_actions(pilot: Pilot) -> str:
    """An action (or, now and then, a reason for none) on every low score of the past returns,
    each later return saying how the earlier open actions stand, as the team would."""
    from fidelity.improvement.selectors import improvement_actions_carried

    created = 0
    returns = QAReturn.objects.filter(
        team__organisation__pilot=pilot,
        status__in=[ReturnStatus.SUBMITTED, ReturnStatus.APPROVED],
    ).order_by("quarter_index", "team__name")
    for qa_return in returns:
        for action in improvement_actions_carried(qa_return=qa_return):
            if action.updated_on_id == qa_return.pk:
                continue
            rng = random.Random(f"{SEED}:update:{action.pk}:{qa_return.pk}")
            action.status = rng.choice([ActionStatus.DONE, ActionStatus.IN_PROGRESS])
            action.update_note = (
                "Agreed in supervision; practice changed."
                if action.status == ActionStatus.DONE
                else "Started; reviewed at the monthly team meeting."
            )
            action.updated_on = qa_return
            action.save()
        low = qa_return.scores.filter(score__lte=2, not_assessed=False).select_related(
            "indicator__principle"
        )
        for row in low:
            if ImprovementAction.objects.filter(
                qa_return=qa_return, indicator=row.indicator
            ).exists():
                continue
            rng = random.Random(f"{SEED}:action:{qa_return.pk}:{row.indicator.code}")
            no_action = rng.random() < 0.1
            ImprovementAction.objects.create(
                qa_return=qa_return,
                team=qa_return.team,
                indicator=row.indicator,
                principle_code=row.indicator.principle.code,
                no_action=no_action,
                no_action_reason="Change already agreed with commissioners." if no_action else "",
                what="" if no_action else rng.choice(ACTIONS),
                owner="" if no_action else rng.choice(["Team leader", "Senior worker"]),
                target_quarter_index=None
                if no_action
                else qa_return.quarter_index + rng.randint(0, 1),
            )
            created += 1
    return f"{created} demo improvement actions added" if created else ""


@transaction.atomic
def _seed_peer_reviews(pilot: Pilot, plan: DemoReturnsPlan) -> str:
    manager = (
        User.objects.filter(
            role_assignments__pilot=pilot, role_assignments__role=Role.PILOT_MANAGER
        )
        .order_by("pk")
        .first()
    )
    quarter = Quarter.containing(timezone.localdate(), pilot.quarter_convention).previous()
    created = 0
    for username, place, offset in plan.peer_reviews:
        reviewer = User.objects.filter(
            username=username, role_assignments__pilot=pilot, role_assignments__role=Role.REVIEWER
        ).first()
        team = Team.objects.filter(organisation__pilot=pilot, name=f"Housing First {place}").first()
        if manager is None or reviewer is None or team is None:
            continue
        if PeerReview.objects.filter(
            team=team, year=quarter.year, quarter=quarter.number, reviewer=reviewer
        ).exists():
            continue
        own = QAReturn.objects.filter(team=team, quarter_index=quarter.index).first()
        own_scores = {s.indicator_id: s.score for s in own.scores.all()} if own else {}
        review = PeerReview.objects.create(
            team=team,
            framework_version=current_framework_version(pilot=pilot),
            year=quarter.year,
            quarter=quarter.number,
            reviewer=reviewer,
            assigned_by=manager,
            client_interviews=True,
            case_files=True,
            status=PeerReviewStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
        rows = []
        for indicator in Indicator.objects.filter(principle__version=review.framework_version):
            base_score = own_scores.get(indicator.pk) or 3
            shift = offset if indicator.principle.code in plan.peer_gap_codes else 0
            rows.append(
                PeerReviewScore(
                    review=review,
                    indicator=indicator,
                    score=max(1, min(4, base_score + shift)),
                    evidence="Spoke with two people supported and read three plans.",
                )
            )
        PeerReviewScore.objects.bulk_create(rows)
        created += 1
    # One review still to do, so a reviewer has something on their list.
    if plan.peer_review_to_do is None:
        return f"{created} demo peer reviews added" if created else ""
    username, place = plan.peer_review_to_do
    reviewer = User.objects.filter(username=username).first()
    team = Team.objects.filter(organisation__pilot=pilot, name=f"Housing First {place}").first()
    if (
        manager
        and reviewer
        and team
        and not PeerReview.objects.filter(team=team, reviewer=reviewer).exists()
    ):
        from fidelity.peer_review.services import peer_review_assign

        peer_review_assign(team=team, quarter=quarter, reviewer=reviewer, user=manager)
        created += 1
    return f"{created} demo peer reviews added" if created else ""
