"""The demo pilots' structure: invented organisations, people and groupings of real local
authorities (with their real ONS GSS codes). Each pilot is a `DemoPilotPlan`; `seed_demo` builds
every plan in `DEMO_PILOTS`, and each app's demo module adds its data to the pilots it knows.
"""

from __future__ import annotations

import datetime
import importlib
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.text import slugify

from .models import (
    LocalAuthority,
    Organisation,
    PartnershipRole,
    Pilot,
    Role,
    RoleAssignment,
    Team,
    User,
    Zone,
)


@dataclass(frozen=True)
class DemoPerson:
    username: str
    role: str
    first_name: str
    last_name: str


@dataclass(frozen=True)
class DemoPilotPlan:
    name: str
    slug: str
    # Zone -> its local authorities as (name, ONS GSS code).
    zones: dict[str, list[tuple[str, str]]]
    organisations: list[tuple[str, str]]
    # Local authority -> the organisation that runs its Housing First team.
    team_providers: dict[str, str]
    # Pilot-wide roles; every local authority's team also gets a leader, lead-<slug>.
    people: tuple[DemoPerson, ...]


GREATER_MANCHESTER = DemoPilotPlan(
    name="Greater Manchester Housing First (demo)",
    slug="gm-demo",
    # An invented grouping of the ten local authorities into four zones.
    zones={
        "North West": [("Bolton", "E08000001"), ("Wigan", "E08000010")],
        "North": [("Bury", "E08000002"), ("Oldham", "E08000004"), ("Rochdale", "E08000005")],
        "Central": [
            ("Manchester", "E08000003"),
            ("Salford", "E08000006"),
            ("Trafford", "E08000009"),
        ],
        "South East": [("Stockport", "E08000007"), ("Tameside", "E08000008")],
    },
    organisations=[
        ("Irwell Housing First Partnership", PartnershipRole.LEAD_PROVIDER),
        ("Pennine Homes Group", PartnershipRole.HOUSING_ASSOCIATION),
        ("Brightwater Housing Association", PartnershipRole.HOUSING_ASSOCIATION),
        ("Red Rose Support Trust", PartnershipRole.SUPPORT_PROVIDER),
        ("Northern Lights Community Support", PartnershipRole.SUPPORT_PROVIDER),
        ("Millgate Outreach", PartnershipRole.SUPPORT_PROVIDER),
        ("Open Door Tenancy Support", PartnershipRole.SUPPORT_PROVIDER),
        ("Kinder Pathways", PartnershipRole.SUPPORT_PROVIDER),
        ("Canalside Recovery Services", PartnershipRole.SUBSTANCE_USE),
        ("Harbour Mental Health Partnership", PartnershipRole.MENTAL_HEALTH),
        ("Moorside Women's Project", PartnershipRole.OTHER),
    ],
    team_providers={
        "Bolton": "Red Rose Support Trust",
        "Bury": "Northern Lights Community Support",
        "Manchester": "Irwell Housing First Partnership",
        "Oldham": "Millgate Outreach",
        "Rochdale": "Millgate Outreach",
        "Salford": "Irwell Housing First Partnership",
        "Stockport": "Open Door Tenancy Support",
        "Tameside": "Kinder Pathways",
        "Trafford": "Open Door Tenancy Support",
        "Wigan": "Red Rose Support Trust",
    },
    people=(
        DemoPerson("manager", Role.PILOT_MANAGER, "Morgan", "Manager"),
        DemoPerson("facilitator", Role.FACILITATOR, "Frankie", "Facilitator"),
        DemoPerson("reviewer-1", Role.REVIEWER, "Peer reviewer", "1"),
        DemoPerson("reviewer-2", Role.REVIEWER, "Peer reviewer", "2"),
    ),
)

PRACTICE_NETWORK = DemoPilotPlan(
    name="Practice network (demo)",
    slug="practice-network-demo",
    # An invented network of fifteen councils in three regions.
    zones={
        "North": [
            ("Bradford", "E08000032"),
            ("Leeds", "E08000035"),
            ("Liverpool", "E08000012"),
            ("Newcastle upon Tyne", "E08000021"),
            ("Sheffield", "E08000039"),  # E08000019 until April 2025
        ],
        "Midlands": [
            ("Birmingham", "E08000025"),
            ("Coventry", "E08000026"),
            ("Derby", "E06000015"),
            ("Leicester", "E06000016"),
            ("Nottingham", "E06000018"),
        ],
        "South and East": [
            ("Brighton and Hove", "E06000043"),
            ("Bristol", "E06000023"),
            ("Cornwall", "E06000052"),
            ("Norwich", "E07000148"),
            ("Plymouth", "E06000026"),
        ],
    },
    organisations=[
        ("Threeways Housing First Collective", PartnershipRole.LEAD_PROVIDER),
        ("Keystone Homes", PartnershipRole.HOUSING_ASSOCIATION),
        ("Fairhaven Support", PartnershipRole.SUPPORT_PROVIDER),
        ("Lantern Street Projects", PartnershipRole.SUPPORT_PROVIDER),
        ("Tideway Community Care", PartnershipRole.SUPPORT_PROVIDER),
        ("Hearthstone Recovery", PartnershipRole.SUBSTANCE_USE),
        ("Steadfast Minds", PartnershipRole.MENTAL_HEALTH),
    ],
    team_providers={
        "Bradford": "Fairhaven Support",
        "Leeds": "Fairhaven Support",
        "Liverpool": "Threeways Housing First Collective",
        "Newcastle upon Tyne": "Threeways Housing First Collective",
        "Sheffield": "Fairhaven Support",
        "Birmingham": "Lantern Street Projects",
        "Coventry": "Lantern Street Projects",
        "Derby": "Threeways Housing First Collective",
        "Leicester": "Lantern Street Projects",
        "Nottingham": "Hearthstone Recovery",
        "Brighton and Hove": "Tideway Community Care",
        "Bristol": "Tideway Community Care",
        "Cornwall": "Tideway Community Care",
        "Norwich": "Steadfast Minds",
        "Plymouth": "Threeways Housing First Collective",
    },
    people=(
        DemoPerson("network-manager", Role.PILOT_MANAGER, "Nadia", "Network manager"),
        DemoPerson("network-facilitator", Role.FACILITATOR, "Noel", "Network facilitator"),
        DemoPerson("network-reviewer", Role.REVIEWER, "Network peer reviewer", "1"),
    ),
)

DEMO_PILOTS = (GREATER_MANCHESTER, PRACTICE_NETWORK)


@dataclass
class DemoPilot:
    pilot: Pilot
    users_created: list[str]
    # What each app's demo added, e.g. "forums: 7 forum sessions ...".
    summaries: list[str] = field(default_factory=list)


def seed_pilot(*, password: str, plan: DemoPilotPlan = GREATER_MANCHESTER) -> DemoPilot:
    """One demo pilot: its structure, then each app's demo data through its `demo.seed(pilot)`
    (apps to the right of this one, found by name in settings.DEMO_APPS)."""
    demo = seed_structure(password=password, plan=plan)
    for app_label in settings.DEMO_APPS:
        try:
            module = importlib.import_module(f"{app_label}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{app_label}.demo":
                raise
            continue
        summary = module.seed(demo.pilot)
        if summary:
            demo.summaries.append(f"{app_label}: {summary}")
    return demo


@dataclass
class _Accounts:
    """Creates demo users who are not there yet, all with one password hashed once: hashing is
    slow by design, and a demo has dozens of people."""

    password: str
    created: list[str] = field(default_factory=list)
    hashed: str = ""

    def user(self, username: str, **fields) -> User:
        user = User.objects.filter(username=username).first()
        if user is not None:
            return user
        self.hashed = self.hashed or make_password(self.password)
        self.created.append(username)
        return User.objects.create(
            username=username, password=self.hashed, email=f"{username}@example.org", **fields
        )


def _role(user: User, role: str, pilot: Pilot, team: Team | None = None) -> None:
    RoleAssignment.objects.get_or_create(user=user, role=role, pilot=pilot, team=team)


@transaction.atomic
def seed_structure(*, password: str, plan: DemoPilotPlan = GREATER_MANCHESTER) -> DemoPilot:
    accounts = _Accounts(password=password)
    pilot, _ = Pilot.objects.get_or_create(name=plan.name, defaults={"slug": plan.slug})
    if not pilot.data_controller:
        # What the privacy notice and accessibility statement print (invented addresses).
        pilot.data_controller = f"The lead council of {plan.name}"
        pilot.privacy_contact = f"privacy@{plan.slug}.example.org"
        pilot.accessibility_contact = f"accessibility@{plan.slug}.example.org"
        pilot.accessibility_reviewed = datetime.date(2026, 11, 2)
        pilot.save()
    las: dict[str, LocalAuthority] = {}
    for zone_name, la_names in plan.zones.items():
        zone, _ = Zone.objects.get_or_create(pilot=pilot, name=zone_name)
        for la_name, gss_code in la_names:
            la, _ = LocalAuthority.objects.get_or_create(
                zone=zone, name=la_name, defaults={"slug": slugify(la_name), "gss_code": gss_code}
            )
            if not la.gss_code:  # seeded before local authorities had codes
                la.gss_code = gss_code
                la.save(update_fields=["gss_code"])
            las[la_name] = la
    organisations = {
        name: Organisation.objects.get_or_create(
            pilot=pilot, name=name, defaults={"partnership_role": role}
        )[0]
        for name, role in plan.organisations
    }
    accounts.user("admin", is_staff=True, is_superuser=True, first_name="Ada", last_name="Admin")
    for person in plan.people:
        user = accounts.user(
            person.username, first_name=person.first_name, last_name=person.last_name
        )
        _role(user, person.role, pilot)
    for la_name, la in las.items():
        team, team_created = Team.objects.get_or_create(
            organisation=organisations[plan.team_providers[la_name]],
            name=f"Housing First {la_name}",
        )
        if team_created:
            team.local_authorities.add(la)
        leader = accounts.user(f"lead-{la.slug}", first_name="Team leader", last_name=la_name)
        _role(leader, Role.TEAM_LEADER, pilot, team)
    return DemoPilot(pilot=pilot, users_created=accounts.created)
