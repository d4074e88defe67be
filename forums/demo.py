"""Demo forum notes, all invented: for the Greater Manchester pilot a series of seven sessions,
one per principle; for the practice network (`demo_network`) a series on its domains.

Several challenges come up in more than one local authority, some worded differently so the
similarity grouping has something to find; one group is already confirmed as shared.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction

from partners.demo import GREATER_MANCHESTER, PRACTICE_NETWORK
from partners.models import LocalAuthority, Organisation, Pilot, User

from . import demo_network, services
from .models import ForumSeries, ForumSession, SessionFormat, SharedChallenge, Theme


@dataclass(frozen=True)
class DemoForumPlan:
    series_title: str
    series_description: str
    themes: list[str]
    sessions: list[tuple]  # in the shape of SESSIONS below
    # A confirmed shared challenge: (title, section code, the keys of the challenges it links).
    shared: tuple[str, str, list[str]]


THEMES = [
    "Caseloads and staffing",
    "Choice of area",
    "Commissioning and contracts",
    "Data and recording",
    "Engagement",
    "Housing supply",
    "Landlord practice",
    "Mental health and substance use",
    "Partnership working",
    "Support planning",
]

# (date, principle, format, published, attendance, challenges, good practice, actions)
# challenge: (key, text, themes, LAs, organisations)
# action: (what, owner, due date, status, challenge key)
SESSIONS = [
    (
        datetime.date(2026, 4, 15),
        "P1",
        SessionFormat.IN_PERSON,
        True,
        [("Irwell Housing First Partnership", 4), ("Red Rose Support Trust", 3), ("Bolton", 2)],
        [
            (
                "readiness-1",
                "Private landlords ask for proof that people are tenancy ready",
                ["Landlord practice"],
                ["Bolton", "Wigan"],
                ["Red Rose Support Trust"],
            ),
            (
                "waits",
                "Long waits for one-bedroom social housing",
                ["Housing supply"],
                ["Manchester", "Salford"],
                ["Irwell Housing First Partnership"],
            ),
            (
                "panels",
                "Allocation panels still ask about housing history before an offer",
                ["Partnership working"],
                ["Oldham"],
                ["Millgate Outreach"],
            ),
        ],
        [
            (
                "A landlord forum where tenants' support workers explain Housing First cut "
                "refusals in half.",
                "Pennine Homes Group",
            )
        ],
        [
            (
                "Write a one-page guide for private landlords on Housing First tenancies",
                "Irwell Housing First Partnership",
                datetime.date(2026, 6, 30),
                "in_progress",
                "readiness-1",
            )
        ],
    ),
    (
        datetime.date(2026, 5, 13),
        "P2",
        SessionFormat.ONLINE,
        True,
        [("Northern Lights Community Support", 3), ("Millgate Outreach", 2), ("Bury", 1)],
        [
            (
                "time-limit-1",
                "Support is cut off after two years by commissioners",
                ["Commissioning and contracts"],
                ["Bury", "Rochdale"],
                ["Northern Lights Community Support", "Millgate Outreach"],
            ),
            (
                "caseloads-1",
                "Caseloads above 7 per worker",
                ["Caseloads and staffing"],
                ["Manchester"],
                ["Irwell Housing First Partnership"],
            ),
            (
                "prison",
                "Support stops when someone goes into prison",
                ["Partnership working"],
                ["Stockport"],
                ["Open Door Tenancy Support"],
            ),
        ],
        [
            (
                "Keeping in touch by letter and visits during a prison stay.",
                "Open Door Tenancy Support",
            )
        ],
        [
            (
                "Raise open-ended support with commissioners at the contract review",
                "Pilot manager",
                datetime.date(2026, 7, 31),
                "open",
                "time-limit-1",
            )
        ],
    ),
    (
        datetime.date(2026, 6, 10),
        "P3",
        SessionFormat.IN_PERSON,
        True,
        [("Brightwater Housing Association", 2), ("Kinder Pathways", 3), ("Salford", 2)],
        [
            (
                "rent",
                "Support staff asked to chase rent for the landlord",
                ["Landlord practice"],
                ["Salford", "Trafford"],
                ["Brightwater Housing Association"],
            ),
            (
                "readiness-2",
                "Landlords want proof of tenancy readiness before offering a home",
                ["Landlord practice"],
                ["Tameside"],
                ["Kinder Pathways"],
            ),
        ],
        [
            (
                "Separate income officers at the housing association so workers never collect rent.",
                "Brightwater Housing Association",
            )
        ],
        [
            (
                "Agree with housing associations who contacts tenants about arrears",
                "Brightwater Housing Association",
                datetime.date(2026, 9, 30),
                "open",
                "rent",
            )
        ],
    ),
    (
        datetime.date(2026, 7, 8),
        "P4",
        SessionFormat.ONLINE,
        True,
        [("Red Rose Support Trust", 2), ("Northern Lights Community Support", 2)],
        [
            (
                "area",
                "No choice of area for housing offers",
                ["Choice of area", "Housing supply"],
                ["Bolton", "Bury"],
                ["Red Rose Support Trust"],
            ),
            (
                "budgets",
                "Personal budgets are hard to spend quickly",
                ["Commissioning and contracts"],
                ["Wigan"],
                ["Red Rose Support Trust"],
            ),
            (
                "time-limit-2",
                "Commissioners time-limit support to two years",
                ["Commissioning and contracts"],
                ["Oldham", "Tameside"],
                ["Millgate Outreach", "Kinder Pathways"],
            ),
        ],
        [
            (
                "People view three areas on a map with their worker before an offer.",
                "Northern Lights Community Support",
            )
        ],
        [
            (
                "Set up a quick-spend route for personal budgets under 250 pounds",
                "Red Rose Support Trust",
                datetime.date(2026, 8, 31),
                "open",
                "budgets",
            )
        ],
    ),
    (
        datetime.date(2026, 8, 12),
        "P5",
        SessionFormat.IN_PERSON,
        True,
        [("Millgate Outreach", 3), ("Open Door Tenancy Support", 2), ("Manchester", 1)],
        [
            (
                "closing-1",
                "Partner agencies close cases when people don't engage",
                ["Engagement", "Partnership working"],
                ["Rochdale", "Stockport"],
                ["Millgate Outreach", "Open Door Tenancy Support"],
            ),
            (
                "closing-2",
                "Cases closed for non-engagement by partner agencies",
                ["Engagement"],
                ["Manchester"],
                ["Irwell Housing First Partnership"],
            ),
            (
                "caseloads-2",
                "Worker caseloads are too high, above seven people",
                ["Caseloads and staffing"],
                ["Trafford"],
                ["Open Door Tenancy Support"],
            ),
        ],
        [
            (
                "Flexible contact: a worker meets people at the café they choose, weekly.",
                "Millgate Outreach",
            )
        ],
        [
            (
                "Ask partner agencies to keep cases open and share contact attempts",
                "Harbour Mental Health Partnership",
                datetime.date(2026, 10, 15),
                "open",
                "closing-1",
            ),
            (
                "Review caseloads across teams against the target of 7",
                "Pilot manager",
                datetime.date(2026, 12, 31),
                "open",
                "caseloads-2",
            ),
        ],
    ),
    (
        datetime.date(2026, 9, 9),
        "P6",
        SessionFormat.ONLINE,
        True,
        [("Kinder Pathways", 2), ("Moorside Women's Project", 2), ("Wigan", 1)],
        [
            (
                "plans",
                "Support plans start from risks, not strengths",
                ["Support planning"],
                ["Salford", "Wigan"],
                ["Irwell Housing First Partnership", "Red Rose Support Trust"],
            ),
            (
                "forms",
                "Assessment forms written in deficit language",
                ["Support planning", "Data and recording"],
                ["Bolton"],
                ["Red Rose Support Trust"],
            ),
        ],
        [
            (
                "Support plans written in the person's own words, with goals first.",
                "Moorside Women's Project",
            )
        ],
        [
            (
                "Redesign the shared assessment form to start from goals",
                "Moorside Women's Project",
                datetime.date(2026, 11, 30),
                "open",
                "forms",
            )
        ],
    ),
    (
        datetime.date(2026, 10, 14),
        "P7",
        SessionFormat.IN_PERSON,
        False,
        [("Canalside Recovery Services", 3), ("Harbour Mental Health Partnership", 2)],
        [
            (
                "abstinence-1",
                "Supported housing providers require abstinence",
                ["Mental health and substance use"],
                ["Manchester", "Oldham"],
                ["Canalside Recovery Services"],
            ),
            (
                "abstinence-2",
                "Abstinence required by supported housing providers",
                ["Mental health and substance use"],
                ["Bury"],
                ["Northern Lights Community Support"],
            ),
            (
                "dual",
                "Mental health teams will not see people who are using substances",
                ["Mental health and substance use"],
                ["Stockport", "Tameside"],
                ["Harbour Mental Health Partnership"],
            ),
        ],
        [
            (
                "Joint visits by a recovery worker and a mental health nurse.",
                "Canalside Recovery Services",
            )
        ],
        [
            (
                "Run harm reduction training for supported housing staff",
                "Canalside Recovery Services",
                datetime.date(2027, 1, 31),
                "open",
                "abstinence-1",
            )
        ],
    ),
]

PLANS = {
    GREATER_MANCHESTER.slug: DemoForumPlan(
        series_title="Series 2: the seven principles",
        series_description="One session on each principle, across the partnership.",
        themes=THEMES,
        sessions=SESSIONS,
        shared=(
            "Landlords ask for proof of tenancy readiness",
            "P1",
            ["readiness-1", "readiness-2"],
        ),
    ),
    PRACTICE_NETWORK.slug: DemoForumPlan(
        series_title=demo_network.SERIES_TITLE,
        series_description=demo_network.SERIES_DESCRIPTION,
        themes=demo_network.THEMES,
        sessions=demo_network.SESSIONS,
        shared=demo_network.SHARED,
    ),
}


@transaction.atomic
def seed(pilot: Pilot) -> str:
    plan = PLANS.get(pilot.slug)
    if plan is None:
        return ""
    for name in plan.themes:
        Theme.objects.get_or_create(pilot=pilot, name=name)
    series, _ = ForumSeries.objects.get_or_create(
        pilot=pilot,
        title=plan.series_title,
        defaults={"description": plan.series_description},
    )
    themes = {t.name: t for t in Theme.objects.filter(pilot=pilot)}
    las = {la.name: la for la in LocalAuthority.objects.filter(zone__pilot=pilot)}
    organisations = {o.name: o for o in Organisation.objects.filter(pilot=pilot)}
    facilitator = User.objects.filter(
        role_assignments__pilot=pilot, role_assignments__role="facilitator"
    ).first()
    challenges = {}
    created = 0
    for date, code, fmt, published, attendance, notes, practice, actions in plan.sessions:
        if ForumSession.objects.filter(series=series, date=date).exists():
            continue
        created += 1
        session = services.session_create(
            series=series, date=date, principle_code=code, format=fmt, facilitator=facilitator
        )
        for who, count in attendance:
            if who in organisations or who in las:
                services.attendance_add(
                    session=session,
                    count=count,
                    organisation=organisations.get(who),
                    local_authority=None if who in organisations else las[who],
                )
        for key, text, theme_names, la_names, org_names in notes:
            challenges[key] = services.challenge_add(
                session=session,
                text=text,
                principle_code=code,
                themes=[themes[n] for n in theme_names],
                local_authorities=[las[n] for n in la_names if n in las],
                organisations=[organisations[n] for n in org_names if n in organisations],
            )
        for text, organisation in practice:
            services.good_practice_add(
                session=session,
                text=text,
                principle_code=code,
                organisation=organisations.get(organisation),
            )
        for what, owner, due, status, key in actions:
            services.action_add(
                session=session,
                what=what,
                owner=owner,
                due_date=due,
                status=status,
                challenge=challenges.get(key),
            )
        if published and facilitator:
            services.session_publish(session=session, user=facilitator)
    title, code, keys = plan.shared
    linked = [challenges[k] for k in keys if k in challenges]
    if (
        len(linked) == 2
        and facilitator
        and not SharedChallenge.objects.filter(pilot=pilot, title=title).exists()
    ):
        services.shared_challenge_confirm(
            pilot=pilot, challenges=linked, title=title, user=facilitator, principle_code=code
        )
    if not created:
        return ""
    return f"{created} forum sessions with challenges, good practice and actions"
