"""The demo pilot's structure: invented organisations, real local authority names."""

from __future__ import annotations

from dataclasses import dataclass

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

PILOT_NAME = "Greater Manchester Housing First (demo)"

# An invented grouping of the ten local authorities into four zones.
ZONES = {
    "North West": ["Bolton", "Wigan"],
    "North": ["Bury", "Oldham", "Rochdale"],
    "Central": ["Manchester", "Salford", "Trafford"],
    "South East": ["Stockport", "Tameside"],
}

# Invented partner organisations.
ORGANISATIONS = [
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
]

# Which organisation runs each local authority's Housing First team.
TEAM_PROVIDERS = {
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
}


@dataclass
class DemoPilot:
    pilot: Pilot
    users_created: list[str]


def _user(username: str, password: str, created: list[str], **fields) -> User:
    user, was_created = User.objects.get_or_create(username=username, defaults=fields)
    if was_created:
        user.set_password(password)
        user.save(update_fields=["password"])
        created.append(username)
    return user


def _role(user: User, role: str, pilot: Pilot, team: Team | None = None) -> None:
    RoleAssignment.objects.get_or_create(user=user, role=role, pilot=pilot, team=team)


@transaction.atomic
def seed_structure(*, password: str) -> DemoPilot:
    created: list[str] = []
    pilot, _ = Pilot.objects.get_or_create(name=PILOT_NAME, defaults={"slug": "gm-demo"})
    las: dict[str, LocalAuthority] = {}
    for zone_name, la_names in ZONES.items():
        zone, _ = Zone.objects.get_or_create(pilot=pilot, name=zone_name)
        for la_name in la_names:
            las[la_name], _ = LocalAuthority.objects.get_or_create(
                zone=zone, name=la_name, defaults={"slug": slugify(la_name)}
            )
    organisations = {
        name: Organisation.objects.get_or_create(
            pilot=pilot, name=name, defaults={"partnership_role": role}
        )[0]
        for name, role in ORGANISATIONS
    }
    _user(
        "admin",
        password,
        created,
        is_staff=True,
        is_superuser=True,
        first_name="Ada",
        last_name="Admin",
        email="admin@example.org",
    )
    manager = _user(
        "manager",
        password,
        created,
        first_name="Morgan",
        last_name="Manager",
        email="manager@example.org",
    )
    _role(manager, Role.PILOT_MANAGER, pilot)
    facilitator = _user(
        "facilitator",
        password,
        created,
        first_name="Frankie",
        last_name="Facilitator",
        email="facilitator@example.org",
    )
    _role(facilitator, Role.FACILITATOR, pilot)
    for number in (1, 2):
        reviewer = _user(
            f"reviewer-{number}",
            password,
            created,
            first_name="Peer reviewer",
            last_name=str(number),
            email=f"reviewer-{number}@example.org",
        )
        _role(reviewer, Role.REVIEWER, pilot)
    for la_name, la in las.items():
        team, team_created = Team.objects.get_or_create(
            organisation=organisations[TEAM_PROVIDERS[la_name]],
            name=f"Housing First {la_name}",
        )
        if team_created:
            team.local_authorities.add(la)
        leader = _user(
            f"lead-{la.slug}",
            password,
            created,
            first_name="Team leader",
            last_name=la_name,
            email=f"lead-{la.slug}@example.org",
        )
        _role(leader, Role.TEAM_LEADER, pilot, team)
    return DemoPilot(pilot=pilot, users_created=created)
