"""Reads: the handbook's period, a pilot's handbooks and words, and what is published.

Only the managers of a pilot see its handbooks, versions and words (`partners.access`); anyone
else is answered 404. The published version is the one thing anybody may read, at the pilot's
public handbook URL.
"""

from __future__ import annotations

import datetime

from django.db.models import Min, QuerySet
from django.shortcuts import get_object_or_404

from common.quarters import Quarter
from fidelity.dashboards.figures import default_quarter
from fidelity.returns.models import QAReturn
from partners import access
from partners.models import Pilot, User

from .models import Handbook, HandbookVersion, HandbookWords


def period_choices(*, pilot: Pilot, today: datetime.date) -> list[Quarter]:
    """The quarters a handbook may cover, oldest first: from the pilot's first quarter with any
    return to the dashboard's default quarter (the latest whose return deadline has passed)."""
    last = default_quarter(pilot=pilot, today=today)
    first_index = QAReturn.objects.filter(team__organisation__pilot=pilot).aggregate(
        first=Min("quarter_index")
    )["first"]
    first_index = last.index if first_index is None else min(first_index, last.index)
    return [
        Quarter.from_index(index, pilot.quarter_convention)
        for index in range(first_index, last.index + 1)
    ]


def default_period(*, pilot: Pilot, today: datetime.date) -> tuple[Quarter, Quarter]:
    """All of it: the first and last of `period_choices`."""
    quarters = period_choices(pilot=pilot, today=today)
    return quarters[0], quarters[-1]


def handbooks_of(*, pilot: Pilot) -> QuerySet[Handbook]:
    return Handbook.objects.filter(pilot=pilot).select_related(
        "pilot", "current_version", "requested_by"
    )


def handbooks_managed_by(*, user: User) -> QuerySet[Handbook]:
    return Handbook.objects.filter(pilot__in=access.pilots_managed_by(user=user)).select_related(
        "pilot", "current_version", "requested_by"
    )


def get_managed_handbook(*, user: User, pk: int) -> Handbook:
    return get_object_or_404(handbooks_managed_by(user=user), pk=pk)


def get_managed_version(*, user: User, handbook_pk: int, number: int) -> HandbookVersion:
    handbook = get_managed_handbook(user=user, pk=handbook_pk)
    return get_object_or_404(
        handbook.versions.select_related("handbook__pilot", "published_by"), number=number
    )


def words_of(*, pilot: Pilot) -> HandbookWords:
    """The pilot's words, or empty ones (not saved) if nobody has written any yet."""
    return HandbookWords.objects.filter(pilot=pilot).select_related("updated_by").first() or (
        HandbookWords(pilot=pilot)
    )


def published_version_of(*, pilot: Pilot) -> HandbookVersion | None:
    return (
        HandbookVersion.objects.filter(pilot=pilot, published_at__isnull=False)
        .select_related("handbook__pilot")
        .first()
    )


def get_published_version(*, pilot_slug: str) -> HandbookVersion:
    """The version published for the pilot with this slug; 404 if there is none."""
    return get_object_or_404(
        HandbookVersion.objects.select_related("handbook__pilot"),
        pilot__slug=pilot_slug,
        published_at__isnull=False,
    )
