"""Reads on peer reviews: who may see which, and the gaps between peer and self-assessment."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from fidelity.frameworks import scoring
from fidelity.frameworks.models import Principle
from fidelity.frameworks.selectors import current_framework_version
from fidelity.peer_review import gaps
from fidelity.peer_review.models import PeerReview, PeerReviewScore, PeerReviewStatus
from fidelity.returns.models import (
    COUNTED_STATUSES,
    PrincipleScore,
)
from partners import access
from partners.models import Pilot, Team, User


def peer_reviews_visible_to(*, user: User) -> QuerySet[PeerReview]:
    """A reviewer: only the reviews assigned to them; a manager: every review in their pilots."""
    if not user.is_authenticated:
        return PeerReview.objects.none()
    return PeerReview.objects.filter(
        Q(reviewer=user) | Q(team__organisation__pilot__in=access.pilots_managed_by(user=user))
    ).select_related("team__organisation__pilot", "reviewer", "framework_version")


def get_peer_review_for_user(*, user: User, pk: int) -> PeerReview:
    return get_object_or_404(peer_reviews_visible_to(user=user), pk=pk)


@dataclass(frozen=True)
class ReviewStep:
    """One step of a review: a principle and the reviewer's rows for its chosen indicators."""

    principle: Principle
    rows: list[PeerReviewScore]
    scale: dict[int, str]

    @property
    def to_answer(self) -> int:
        """Questions with neither a score nor "I could not tell"."""
        return sum(1 for row in self.rows if row.score is None and not row.not_assessed)

    @property
    def answers(self) -> list[tuple[PeerReviewScore, str]]:
        """Each row with its answer in words, as the reviewer chose it."""
        return [(row, self._answer(row)) for row in self.rows]

    def _answer(self, row: PeerReviewScore) -> str:
        if row.not_assessed:
            return "Could not tell"
        if row.score is None:
            return "Not answered yet"
        label = self.scale.get(row.score)
        return f"{row.score}: {label}" if label else str(row.score)

    @property
    def status(self) -> str:
        if not self.to_answer:
            return "Completed"
        return "Not started" if self.to_answer == len(self.rows) else "In progress"


def review_steps(*, review: PeerReview) -> list[ReviewStep]:
    """One step per principle with indicators in the review, in the framework's order."""
    rows = review.scores.select_related("indicator__principle")
    scale = dict(review.framework_version.scale.values_list("value", "label"))
    return [
        ReviewStep(principle=principle, rows=list(items), scale=scale)
        for principle, items in groupby(rows, key=lambda r: r.indicator.principle)
    ]


def review_minutes(*, question_count: int) -> int:
    """A fair guess at the time a review takes, to tell the reviewer before they start: about
    two minutes a question, rounded up to five minutes."""
    return max(10, math.ceil(question_count * 2 / 5) * 5)


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
                qa_return__status__in=COUNTED_STATUSES,
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
        gap = gaps.gap(mine, peer)
        result.append(
            PrincipleGap(
                code=code,
                title=title,
                self_score=mine,
                peer_score=peer,
                gap=gap,
                flagged=gaps.is_flagged(gap),
            )
        )
    return result


def peer_reviews_submitted(
    *, pilot: Pilot, first_index: int, last_index: int
) -> QuerySet[PeerReview]:
    """The pilot's submitted peer reviews of the quarters from `first_index` to `last_index`,
    with their teams and their scored rows (indicator and section), oldest quarter first."""
    return (
        PeerReview.objects.filter(
            team__organisation__pilot=pilot,
            status=PeerReviewStatus.SUBMITTED,
            quarter_index__gte=first_index,
            quarter_index__lte=last_index,
        )
        .select_related("team__organisation__pilot")
        .prefetch_related("scores__indicator__principle")
        .order_by("quarter_index", "team__name", "pk")
    )
