"""Writes: every change to frameworks and returns goes through these functions."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction

from . import scoring
from .models import FrameworkVersion, IndicatorScore, PrincipleScore, QAReturn


def band_rules(version: FrameworkVersion) -> list[scoring.BandRule]:
    return [scoring.BandRule(name=b.slug, minimum=b.minimum) for b in version.bands.all()]


@transaction.atomic
def return_store_scores(*, qa_return: QAReturn) -> None:
    """Computes the return's principle and overall scores and stores them as summary rows."""
    principles = list(qa_return.framework_version.principles.all())
    by_principle: dict[int, list[IndicatorScore]] = defaultdict(list)
    for row in IndicatorScore.objects.filter(qa_return=qa_return).select_related("indicator"):
        by_principle[row.indicator.principle_id].append(row)
    team = qa_return.team
    pilot_id = team.organisation.pilot_id
    rows = []
    for principle in principles:
        scores = by_principle.get(principle.pk, [])
        scored = [s.score for s in scores if not s.not_assessed and s.score is not None]
        rows.append(
            PrincipleScore(
                qa_return=qa_return,
                principle=principle,
                principle_code=principle.code,
                team=team,
                pilot_id=pilot_id,
                quarter_index=qa_return.quarter_index,
                score=scoring.principle_score(scored),
                scored_count=len(scored),
                not_assessed_count=sum(1 for s in scores if s.not_assessed),
            )
        )
    PrincipleScore.objects.filter(qa_return=qa_return).delete()
    PrincipleScore.objects.bulk_create(rows)
    qa_return.overall_score = scoring.overall_score(r.score for r in rows)
    QAReturn.objects.filter(pk=qa_return.pk).update(overall_score=qa_return.overall_score)
