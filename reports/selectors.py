"""Reads: which reports a person may see, download and request.

- A pilot manager sees, requests and rebuilds every report of the pilots they manage.
- A team leader sees and downloads every report of their team: the whole-pilot report of its
  pilot, the reports of the zones its local authorities are in, of those local authorities and
  of its organisation. Not another local authority's, zone's or organisation's, and may not
  request or rebuild.
- Everyone else sees no report. Anything outside this answers 404.

`reports_visible_to` is the one rule: the reports page, the home panel, the detail, progress
and download views all read through it, and the API's reports and their PDFs.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from common.quarters import Quarter
from partners import access
from partners.models import LocalAuthority, Organisation, Pilot, User, Zone

from .models import Report, ReportStatus, ReportVersion, ScopeKind


def reports_visible_to(*, user: User) -> QuerySet[Report]:
    if not user.is_authenticated:
        return Report.objects.none()
    teams = access.teams_led_by(user=user).values("pk")
    own_pilots = Pilot.objects.filter(organisations__teams__in=teams).values("pk")
    own_zones = Zone.objects.filter(local_authorities__teams__in=teams).values("pk")
    own_las = LocalAuthority.objects.filter(teams__in=teams).values("pk")
    own_orgs = Organisation.objects.filter(teams__in=teams).values("pk")
    return Report.objects.filter(
        Q(pilot__in=access.pilots_managed_by(user=user))
        | Q(scope_kind=ScopeKind.PILOT, pilot__in=own_pilots)
        | Q(scope_kind=ScopeKind.ZONE, zone__in=own_zones)
        | Q(scope_kind=ScopeKind.LOCAL_AUTHORITY, local_authority__in=own_las)
        | Q(scope_kind=ScopeKind.ORGANISATION, organisation__in=own_orgs)
    ).select_related(
        "pilot", "zone", "local_authority", "organisation", "current_version", "requested_by"
    )


def get_report_for_user(*, user: User, pk: int) -> Report:
    return get_object_or_404(reports_visible_to(user=user), pk=pk)


def get_managed_report(*, user: User, pk: int) -> Report:
    """A report this person may rebuild or retry: only managers of its pilot."""
    return get_object_or_404(
        reports_visible_to(user=user).filter(pilot__in=access.pilots_managed_by(user=user)), pk=pk
    )


def get_current_version_for_user(*, user: User, report_pk: int) -> ReportVersion:
    """The version a report's download gives (its current one); 404 when this person may not see
    the report or it has none yet."""
    report = get_report_for_user(user=user, pk=report_pk)
    if report.current_version is None:
        raise Http404("This report has no version yet.")
    return report.current_version


def get_version_for_user(*, user: User, report_pk: int, number: int) -> ReportVersion:
    report = get_report_for_user(user=user, pk=report_pk)
    return get_object_or_404(report.versions.select_related("report"), number=number)


def may_request_reports(*, user: User) -> bool:
    return access.pilots_managed_by(user=user).exists()


def requestable_scopes(*, user: User) -> list[tuple[str, list[tuple[str, str]]]]:
    """Choices for the request form, grouped by pilot: ("zone:3", "Zone: North"), ..."""
    groups = []
    for pilot in access.pilots_managed_by(user=user).prefetch_related("zones", "organisations"):
        choices = [(f"{ScopeKind.PILOT}:{pilot.pk}", f"Whole pilot: {pilot.name}")]
        choices += [(f"{ScopeKind.ZONE}:{z.pk}", f"Zone: {z.name}") for z in pilot.zones.all()]
        choices += [
            (f"{ScopeKind.LOCAL_AUTHORITY}:{la.pk}", f"Local authority: {la.name}")
            for la in LocalAuthority.objects.filter(zone__pilot=pilot)
        ]
        choices += [
            (f"{ScopeKind.ORGANISATION}:{o.pk}", f"Partner: {o.name}")
            for o in pilot.organisations.all()
        ]
        groups.append((pilot.name, choices))
    return groups


def scope_for_user(*, user: User, value: str):
    """The pilot, zone, LA or organisation named by a form value like "la:3", if this person
    may request its report; None otherwise."""
    kind, _, pk = value.partition(":")
    if not pk.isdigit():
        return None
    pilots = access.pilots_managed_by(user=user)
    model_and_filter = {
        ScopeKind.PILOT: (Pilot, "pk__in"),
        ScopeKind.ZONE: (Zone, "pilot__in"),
        ScopeKind.LOCAL_AUTHORITY: (LocalAuthority, "zone__pilot__in"),
        ScopeKind.ORGANISATION: (Organisation, "pilot__in"),
    }.get(kind)
    if model_and_filter is None:
        return None
    model, lookup = model_and_filter
    return model.objects.filter(**{lookup: pilots.values("pk")}, pk=int(pk)).first()


def default_quarter(*, pilot: Pilot, today) -> Quarter:
    """The last quarter: the one before today's."""
    return Quarter.containing(today, pilot.quarter_convention).previous()


def quarter_choices(*, pilot: Pilot, today, count: int = 8) -> list[Quarter]:
    """The last `count` complete quarters, newest first."""
    return list(reversed(default_quarter(pilot=pilot, today=today).back(count)))


def latest_ready_reports(*, user: User, limit: int = 5) -> QuerySet[Report]:
    return (
        reports_visible_to(user=user)
        .filter(status=ReportStatus.READY, current_version__isnull=False)
        .order_by("-finished_at")[:limit]
    )
