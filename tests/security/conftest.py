"""A world for the security tests: the shared two-pilot world, plus the roles it lacks (a
co-production reviewer, an administrator) and one object of each kind in each pilot."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile

from common.quarters import Quarter
from fidelity.peer_review.models import PeerReview
from fidelity.peer_review.services import peer_review_assign
from fidelity.returns.models import QAReturn, ReturnStatus
from forums.models import Action, Challenge, ForumSession
from forums.services import action_add
from partners.models import Pilot, Role, User
from reports.handbook.models import Handbook
from reports.handbook.services import handbook_publish
from reports.models import Reminder, ReminderKind, Report, ReportStatus, ScopeKind
from tests import factories
from tests.fidelity.factories import make_return, use_default_framework
from tests.forums.factories import make_session, raise_challenge
from tests.reports.handbook.factories import made_handbook, made_version


@dataclass
class SecurityWorld:
    world: object
    reviewer: User
    administrator: User
    draft_return: QAReturn
    submitted_return: QAReturn
    other_return: QAReturn
    draft_session: ForumSession
    published_session: ForumSession
    other_session: ForumSession
    challenge: Challenge
    other_challenge: Challenge
    action: Action
    other_action: Action
    report: Report
    other_report: Report
    wigan_report: Report
    north_report: Report
    northern_lights_report: Report
    reminder: Reminder
    other_reminder: Reminder
    peer_review: PeerReview
    other_peer_review: PeerReview
    handbook: Handbook
    other_handbook: Handbook

    def __getattr__(self, name):
        return getattr(self.world, name)

    def users(self) -> dict[str, User | None]:
        """Each role the matrix checks, by the name its columns use."""
        return {
            "anonymous": None,
            "own_leader": self.world.lead_bolton,
            "other_leader": self.world.lead_wigan,
            "facilitator": self.world.facilitator,
            "reviewer": self.reviewer,
            "manager": self.world.manager,
            "other_manager": self.world.other_manager,
            "administrator": self.administrator,
        }


def _report(pilot: Pilot, user: User, scope_kind: str = ScopeKind.PILOT, **scope) -> Report:
    """A ready report with one version: the whole pilot's, or that of the zone, local authority
    or organisation passed as `zone=`, `local_authority=` or `organisation=`."""
    report = Report.objects.create(
        pilot=pilot,
        scope_kind=scope_kind,
        **scope,
        year=2026,
        quarter=1,
        quarter_index=2026 * 4,
        status=ReportStatus.READY,
        requested_by=user,
    )
    version = report.versions.create(number=1, fingerprint="0" * 64, content={}, page_count=1)
    version.pdf.save("report.pdf", ContentFile(b"%PDF-1.4 invented"), save=True)
    report.current_version = version
    report.save()
    return report


def _handbook(pilot: Pilot, user: User) -> Handbook:
    """A handbook with one version, published at the pilot's public handbook URL."""
    handbook = made_handbook(pilot)
    handbook_publish(version=made_version(handbook), user=user)
    return handbook


def _reminder(user: User, pilot: Pilot) -> Reminder:
    return Reminder.objects.create(
        recipient=user,
        pilot=pilot,
        kind=ReminderKind.choices[0][0],
        subject_key=f"digest:{pilot.pk}",
        date=datetime.date(2026, 7, 1),
        subject="Invented reminder",
        body="Invented body",
    )


def _peer_review(team, reviewer: User, manager: User) -> PeerReview:
    quarter = Quarter(2026, 1, team.organisation.pilot.quarter_convention)
    return peer_review_assign(team=team, quarter=quarter, reviewer=reviewer, user=manager)


@pytest.fixture
def secure_world(world) -> SecurityWorld:
    use_default_framework(world.pilot)
    use_default_framework(world.other_pilot)
    reviewer = factories.UserFactory(username="reviewer")
    factories.assign(reviewer, Role.REVIEWER, world.pilot)
    other_reviewer = factories.UserFactory(username="far-away-reviewer")
    factories.assign(other_reviewer, Role.REVIEWER, world.other_pilot)
    administrator = factories.UserFactory(
        username="administrator", is_superuser=True, is_staff=True
    )
    published = make_session(world.pilot, principle_code="P1")
    draft = make_session(world.pilot, principle_code="P2", published=False)
    other_session = make_session(world.other_pilot, principle_code="P1")
    challenge = raise_challenge(published, "Invented challenge", world.bolton)
    other_challenge = raise_challenge(other_session, "Far away challenge")
    action = action_add(
        session=published,
        what="Invented action",
        owner="Red Rose Support",
        due_date=datetime.date(2026, 10, 31),
        challenge=challenge,
    )
    other_action = action_add(
        session=other_session,
        what="Far away action",
        owner="Far Away Trust",
        due_date=datetime.date(2026, 10, 31),
        challenge=other_challenge,
    )
    return SecurityWorld(
        world=world,
        reviewer=reviewer,
        administrator=administrator,
        draft_return=make_return(world.bolton_team, 2026, 2, status=ReturnStatus.DRAFT),
        submitted_return=make_return(world.bolton_team, 2026, 1),
        other_return=make_return(world.other_team, 2026, 1),
        draft_session=draft,
        published_session=published,
        other_session=other_session,
        challenge=challenge,
        other_challenge=other_challenge,
        action=action,
        other_action=other_action,
        report=_report(world.pilot, world.manager),
        other_report=_report(world.other_pilot, world.other_manager),
        wigan_report=_report(
            world.pilot, world.manager, ScopeKind.LOCAL_AUTHORITY, local_authority=world.wigan
        ),
        north_report=_report(world.pilot, world.manager, ScopeKind.ZONE, zone=world.bury.zone),
        northern_lights_report=_report(
            world.pilot,
            world.manager,
            ScopeKind.ORGANISATION,
            organisation=world.bury_team.organisation,
        ),
        reminder=_reminder(world.lead_bolton, world.pilot),
        other_reminder=_reminder(world.lead_other, world.other_pilot),
        peer_review=_peer_review(world.bolton_team, reviewer, world.manager),
        other_peer_review=_peer_review(world.other_team, other_reviewer, world.other_manager),
        handbook=_handbook(world.pilot, world.manager),
        other_handbook=_handbook(world.other_pilot, world.other_manager),
    )
