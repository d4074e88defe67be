"""The default framework: the seven Housing First England principles, with indicators in our own
words. Loaded by a data migration; other frameworks are added the same way or in the admin."""

from decimal import Decimal

NAME = "Housing First England principles"
DESCRIPTION = (
    "The seven principles of Housing First England, each assessed through observable indicators "
    "scored 1 to 4."
)

SCALE = [
    (1, "Not in place"),
    (2, "Partly in place"),
    (3, "Mostly in place"),
    (4, "Fully in place"),
]

BANDS = [
    ("High", "high", Decimal("3.5")),
    ("Good", "good", Decimal("3.0")),
    ("Fair", "fair", Decimal("2.5")),
    ("Low", "low", Decimal("0")),
]

PRINCIPLES = [
    (
        "P1",
        "People have a right to a home",
        "Housing is offered first, with no test of readiness, as an ordinary secure tenancy.",
        [
            ("No one has to prove they are ready for a tenancy before being offered a home.", ""),
            ("Tenancies are ordinary, secure tenancies with the same rights as anyone else's.", ""),
            ("People are housed within the pilot's target time from referral.", ""),
            ("Homes are ordinary, self-contained and scattered in the community.", ""),
        ],
    ),
    (
        "P2",
        "Flexible support is provided for as long as it is needed",
        "Support is open-ended and flexes up and down with the person's needs.",
        [
            ("Support is not time-limited; cases are closed only when the person chooses.", ""),
            ("Caseloads stay small: 5 to 7 people per full-time worker.", ""),
            ("Support continues if the tenancy ends or the person is in hospital or prison.", ""),
            ("The intensity of support rises and falls with the person's needs.", ""),
            ("Support is available outside office hours when people need it.", ""),
        ],
    ),
    (
        "P3",
        "Housing and support are separated",
        "Keeping or losing a home does not decide whether support continues.",
        [
            ("Losing a tenancy does not end support; the team helps find a new home.", ""),
            ("Support workers are not the landlord's rent collectors or enforcers.", ""),
            ("Accepting support is not a condition of the tenancy.", ""),
            (
                "The team works with the landlord to prevent evictions and resolve problems early.",
                "",
            ),
        ],
    ),
    (
        "P4",
        "Individuals have choice and control",
        "People decide where they live and what support they get.",
        [
            ("People choose the area and the property, where this is practicable.", ""),
            ("People shape their own support plan and can decline parts of it.", ""),
            ("Personal budgets are available and people decide how they are spent.", ""),
            ("People choose when, where and how often they meet their worker.", ""),
        ],
    ),
    (
        "P5",
        "An active engagement approach is used",
        "Workers keep reaching out and take responsibility for engagement.",
        [
            ("Workers keep trying to engage; cases are not closed for non-engagement.", ""),
            ("Contact is frequent and flexible, at times and places the person wants.", ""),
            ("The team follows people through hospital, prison and moves, keeping in touch.", ""),
            ("Workers are persistent and creative when someone withdraws from contact.", ""),
        ],
    ),
    (
        "P6",
        "The service is based on people's strengths, goals and aspirations",
        "Support plans start from what people want and what they can do.",
        [
            ("Support plans start from the person's goals and strengths, not their deficits.", ""),
            ("The person's own words are recorded in their plan.", ""),
            (
                "People are supported into activities, learning, work and relationships they value.",
                "",
            ),
            ("Progress is reviewed with the person against the goals they set.", ""),
        ],
    ),
    (
        "P7",
        "A harm reduction approach is used",
        "No abstinence or treatment conditions; support meets people where they are.",
        [
            ("There is no abstinence or treatment condition on housing or support.", ""),
            ("All staff are trained in harm reduction and use it in their daily practice.", ""),
            ("Substance use and mental health are supported together (dual diagnosis).", ""),
            ("Workers help people reduce risk, including overdose prevention and safer use.", ""),
            ("Relapse does not lead to loss of housing or support.", ""),
        ],
    ),
]


def load(apps) -> None:
    """Creates the framework's first version if it is not there. `apps` is a migration's."""
    Framework = apps.get_model("fidelity", "Framework")
    FrameworkVersion = apps.get_model("fidelity", "FrameworkVersion")
    Principle = apps.get_model("fidelity", "Principle")
    Indicator = apps.get_model("fidelity", "Indicator")
    ScaleLevel = apps.get_model("fidelity", "ScaleLevel")
    Band = apps.get_model("fidelity", "Band")

    framework, _ = Framework.objects.get_or_create(name=NAME, defaults={"description": DESCRIPTION})
    if FrameworkVersion.objects.filter(framework=framework).exists():
        return
    version = FrameworkVersion.objects.create(
        framework=framework, number=1, notes="First version.", caseload_target_per_fte=Decimal("7")
    )
    ScaleLevel.objects.bulk_create(
        ScaleLevel(version=version, value=value, label=label) for value, label in SCALE
    )
    Band.objects.bulk_create(
        Band(version=version, name=name, slug=slug, minimum=minimum)
        for name, slug, minimum in BANDS
    )
    for position, (code, title, description, indicators) in enumerate(PRINCIPLES, start=1):
        principle = Principle.objects.create(
            version=version, code=code, position=position, title=title, description=description
        )
        Indicator.objects.bulk_create(
            Indicator(
                principle=principle,
                code=f"{position}.{i}",
                position=i,
                text=text,
                guidance=guidance,
            )
            for i, (text, guidance) in enumerate(indicators, start=1)
        )
