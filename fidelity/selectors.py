"""Reads: what pages, exports and reports show about frameworks and returns."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Max

from partners.models import Pilot

from . import scoring
from .framework_data import NAME as DEFAULT_FRAMEWORK
from .models import FrameworkVersion, PilotFramework, PrincipleScore
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
