"""Keeps each pilot's data version (fidelity.dashboards.models.PilotDataVersion) moving with its data.

Any save or delete of a row the dashboard reads (the pilot's zones, LAs, organisations, teams,
framework choice, and the sections of its framework, whose crosswalk says where old scores
count), and a return's opening or deletion, change the number. A draft's saves do not:
drafts never count (docs/figures.md), so saving one leaves every cached figure as it is. What
changes the counted figures is a move of the workflow: `returns.services.return_move` (through
`return_store_scores` when the return comes to count) calls `pilot_data_changed` itself.

The number changes after the commit, so that a reader never sees the new number with the old
data, and in its own one-row UPDATE, so that saving a return never waits on another team's
transaction. Bulk writes that send no signals call `pilot_data_changed` themselves.
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.db.models import F, Model, signals

from fidelity.dashboards.models import PilotDataVersion
from fidelity.frameworks.framework_data import NAME as DEFAULT_FRAMEWORK
from fidelity.frameworks.models import FrameworkVersion, PilotFramework, Principle
from fidelity.returns.models import QAReturn
from partners.models import LocalAuthority, Organisation, Pilot, Team, Zone


def _fresh_number() -> int:
    # Random, so a pilot created with the primary key of a deleted one (SQLite reuses them)
    # never meets the deleted pilot's cached pages.
    return secrets.randbits(62)


def _bump(pilot_id: int) -> None:
    if PilotDataVersion.objects.filter(pilot_id=pilot_id).update(number=F("number") + 1):
        return
    try:
        with transaction.atomic():
            PilotDataVersion.objects.create(pilot_id=pilot_id, number=_fresh_number())
    except IntegrityError:
        # Created meanwhile by another request, or the pilot is gone.
        PilotDataVersion.objects.filter(pilot_id=pilot_id).update(number=F("number") + 1)


def pilot_data_changed(pilot_id: int | None) -> None:
    """The pilot's figures may have changed: cached dashboards of it are rebuilt after commit."""
    if pilot_id is not None:
        transaction.on_commit(lambda: _bump(pilot_id))


def _pilot_of(instance: Model) -> int | None:
    if isinstance(instance, (Zone, Organisation, PilotFramework)):
        return instance.pilot_id
    if isinstance(instance, LocalAuthority):
        return Zone.objects.filter(pk=instance.zone_id).values_list("pilot_id", flat=True).first()
    if isinstance(instance, Team):
        organisations = Organisation.objects.filter(pk=instance.organisation_id)
        return organisations.values_list("pilot_id", flat=True).first()
    if isinstance(instance, QAReturn):
        teams = Team.objects.filter(pk=instance.team_id)
        return teams.values_list("organisation__pilot_id", flat=True).first()
    return None


def _changed(sender, instance: Model, raw: bool = False, **kwargs) -> None:
    if raw:
        return  # loaddata and pilot_import bring their own version row, or bump afterwards
    if isinstance(instance, QAReturn) and kwargs.get("created") is False:
        return  # a saved draft changes no figure; workflow moves bump the version themselves
    pilot_data_changed(_pilot_of(instance))


def _pilot_saved(sender, instance: Pilot, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    if created:
        # At once, not after commit: the first dashboard of a new pilot can then be cached.
        PilotDataVersion.objects.get_or_create(
            pilot_id=instance.pk, defaults={"number": _fresh_number()}
        )
    else:
        pilot_data_changed(instance.pk)


def _sections_changed(sender, instance: Principle, raw: bool = False, **kwargs) -> None:
    """A section saved or deleted may change where old scores count (its crosswalk), for every
    pilot on its framework (a pilot with no choice is on the default framework)."""
    if raw:
        return
    framework = FrameworkVersion.objects.filter(pk=instance.version_id).values("framework_id")
    pilots = set(
        PilotFramework.objects.filter(version__framework__in=framework).values_list(
            "pilot_id", flat=True
        )
    )
    if FrameworkVersion.objects.filter(
        pk=instance.version_id, framework__name=DEFAULT_FRAMEWORK
    ).exists():
        pilots |= set(
            Pilot.objects.filter(framework_choice__isnull=True).values_list("pk", flat=True)
        )
    for pilot_id in pilots:
        pilot_data_changed(pilot_id)


def _teams_moved(sender, instance: Model, action: str, **kwargs) -> None:
    # `instance` is the team, or the LA when the change was made from the LA's side.
    if action.startswith("post_"):
        pilot_data_changed(_pilot_of(instance))


def connect() -> None:
    signals.post_save.connect(_pilot_saved, sender=Pilot, dispatch_uid="pilot-data-pilot-save")
    for model in (Zone, LocalAuthority, Organisation, Team, QAReturn, PilotFramework):
        uid = f"pilot-data-{model._meta.label_lower}"
        signals.post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        signals.post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
    signals.post_save.connect(
        _sections_changed, sender=Principle, dispatch_uid="pilot-data-sections"
    )
    signals.post_delete.connect(
        _sections_changed, sender=Principle, dispatch_uid="pilot-data-sections-delete"
    )
    signals.m2m_changed.connect(
        _teams_moved, sender=Team.local_authorities.through, dispatch_uid="pilot-data-team-las"
    )
