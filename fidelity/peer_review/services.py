"""Writes on peer reviews: a manager assigns one, the co-production reviewer saves and sends it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from common.quarters import Quarter
from fidelity.errors import SubmitError, WorkflowError
from fidelity.frameworks.models import (
    Indicator,
)
from fidelity.frameworks.selectors import current_framework_version
from fidelity.peer_review.models import PeerReview, PeerReviewScore, PeerReviewStatus
from partners import access
from partners.models import Team, User


class PeerReviewError(WorkflowError):
    """A peer review move that is not allowed. The message is for users."""


@transaction.atomic
def peer_review_assign(
    *,
    team: Team,
    quarter: Quarter,
    reviewer: User,
    user: User,
    indicator_ids: Sequence[int] = (),
) -> PeerReview:
    """A pilot manager asks a co-production reviewer to review a team for a quarter, on all of
    the framework's indicators or those chosen."""
    pilot = team.organisation.pilot
    if not access.is_pilot_manager(user=user, pilot=pilot.pk):
        raise PeerReviewError("Only a manager of this pilot can assign peer reviews.")
    if not access.reviewers_of(pilot=pilot).filter(pk=reviewer.pk).exists():
        raise PeerReviewError("That person is not on this pilot's co-production panel.")
    if PeerReview.objects.filter(
        team=team, year=quarter.year, quarter=quarter.number, reviewer=reviewer
    ).exists():
        raise PeerReviewError(f"{reviewer} already reviews {team} for {quarter.label}.")
    version = current_framework_version(pilot=pilot)
    indicators = Indicator.objects.filter(principle__version=version)
    if indicator_ids:
        indicators = indicators.filter(pk__in=indicator_ids)
    review = PeerReview(
        team=team,
        framework_version=version,
        year=quarter.year,
        quarter=quarter.number,
        reviewer=reviewer,
        assigned_by=user,
    )
    review._history_user = user
    review.save()
    PeerReviewScore.objects.bulk_create(
        PeerReviewScore(review=review, indicator=indicator) for indicator in indicators
    )
    return review


def _require_reviewer(review: PeerReview, user: User) -> None:
    if review.reviewer_id != user.pk:
        raise PeerReviewError("Only the reviewer it was assigned to can fill in this review.")
    if review.is_submitted:
        raise PeerReviewError("This review has been submitted, so it cannot be changed.")


@transaction.atomic
def peer_review_save(
    *,
    review: PeerReview,
    user: User,
    scores: Mapping[int, Mapping[str, Any]] = {},  # noqa: B006 (read only)
    methods: Mapping[str, Any] = {},  # noqa: B006 (read only)
) -> PeerReview:
    """Saves one step of the review: `scores` maps an indicator id to score, not_assessed and
    evidence; `methods` sets client_interviews, case_files, observation and summary."""
    locked = PeerReview.objects.select_for_update().get(pk=review.pk)
    _require_reviewer(locked, user)
    for row in locked.scores.filter(indicator_id__in=list(scores)):
        mine = scores[row.indicator_id]
        not_assessed = bool(mine.get("not_assessed"))
        row.not_assessed = not_assessed
        row.score = None if not_assessed else mine.get("score")
        row.evidence = mine.get("evidence") or ""
        row.save()
    for name in ("client_interviews", "case_files", "observation", "summary"):
        if name in methods:
            setattr(locked, name, methods[name])
    if locked.status == PeerReviewStatus.ASSIGNED:
        locked.status = PeerReviewStatus.IN_PROGRESS
    locked._history_user = user
    locked.save()
    return locked


def peer_review_submit_errors(*, review: PeerReview) -> dict[str, str]:
    errors = {}
    rows = list(review.scores.select_related("indicator"))
    for row in rows:
        if row.score is None and not row.not_assessed:
            errors[row.indicator.code] = (
                f"Indicator {row.indicator.code}: choose a score, or 'I could not tell'."
            )
    if rows and all(row.not_assessed for row in rows):
        errors["scores"] = "Score at least one indicator before you send the review."
    return errors


@transaction.atomic
def peer_review_submit(*, review: PeerReview, user: User) -> PeerReview:
    locked = PeerReview.objects.select_for_update().get(pk=review.pk)
    _require_reviewer(locked, user)
    errors = peer_review_submit_errors(review=locked)
    if errors:
        raise SubmitError(errors)
    locked.status = PeerReviewStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked._history_user = user
    locked.save()
    return locked
