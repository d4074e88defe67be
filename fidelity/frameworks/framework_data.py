"""The default framework: the seven Housing First England principles, with indicators in our own
words. Loaded by a data migration; other frameworks are added the same way or in the admin.

Each indicator is (text, guidance, plain words): the text is what staff score against; the plain
words ask the same thing as a question for co-production reviewers, people with lived experience
who are not daily users of the jargon. A "yes" to the question is always the good end of the scale.
"""

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
            (
                "No one has to prove they are ready for a tenancy before being offered a home.",
                "",
                "Are people offered a home without first having to prove they are “ready” for one?",
            ),
            (
                "Tenancies are ordinary, secure tenancies with the same rights as anyone else's.",
                "",
                "Do people have a proper tenancy, with the same rights as any other tenant?",
            ),
            (
                "People are housed within the pilot's target time from referral.",
                "",
                "Do people get a home quickly once they are put forward to the team?",
            ),
            (
                "Homes are ordinary, self-contained and scattered in the community.",
                "",
                "Can people choose where they live, with their own front door, in an ordinary street among neighbours?",
            ),
        ],
    ),
    (
        "P2",
        "Flexible support is provided for as long as it is needed",
        "Support is open-ended and flexes up and down with the person's needs.",
        [
            (
                "Support is not time-limited; cases are closed only when the person chooses.",
                "",
                "Does support carry on for as long as the person wants it?",
            ),
            (
                "Caseloads stay small: 5 to 7 people per full-time worker.",
                "",
                "Do workers have time for each person, because they each support only a few people (no more than about 7)?",
            ),
            (
                "Support continues if the tenancy ends or the person is in hospital or prison.",
                "",
                "Does support carry on if someone loses their home, or goes into hospital or prison?",
            ),
            (
                "The intensity of support rises and falls with the person's needs.",
                "",
                "Do people get more help when things are hard, and less when they need less?",
            ),
            (
                "Support is available outside office hours when people need it.",
                "",
                "Can people get help in the evening or at weekends when they need it?",
            ),
        ],
    ),
    (
        "P3",
        "Housing and support are separated",
        "Keeping or losing a home does not decide whether support continues.",
        [
            (
                "Losing a tenancy does not end support; the team helps find a new home.",
                "",
                "If someone loses their home, does the team stay with them and help them find a new one?",
            ),
            (
                "Support workers are not the landlord's rent collectors or enforcers.",
                "",
                "Are workers there to support people, rather than to collect rent or enforce the landlord's rules?",
            ),
            (
                "Accepting support is not a condition of the tenancy.",
                "",
                "Can people keep their home even if they say no to support?",
            ),
            (
                "The team works with the landlord to prevent evictions and resolve problems early.",
                "",
                "Does the team work with landlords to sort out problems early, so that people are not evicted?",
            ),
        ],
    ),
    (
        "P4",
        "Individuals have choice and control",
        "People decide where they live and what support they get.",
        [
            (
                "People choose the area and the property, where this is practicable.",
                "",
                "Can people choose the area they live in and the home they move into?",
            ),
            (
                "People shape their own support plan and can decline parts of it.",
                "",
                "Do people decide what goes in their support plan, and can they say no to parts of it?",
            ),
            (
                "Personal budgets are available and people decide how they are spent.",
                "",
                "Is there money that people can spend on what matters to them, and do they decide how it is spent?",
            ),
            (
                "People choose when, where and how often they meet their worker.",
                "",
                "Do people choose when, where and how often they meet their worker?",
            ),
        ],
    ),
    (
        "P5",
        "An active engagement approach is used",
        "Workers keep reaching out and take responsibility for engagement.",
        [
            (
                "Workers keep trying to engage; cases are not closed for non-engagement.",
                "",
                "Does the team keep trying, rather than giving up on someone who does not stay in touch?",
            ),
            (
                "Contact is frequent and flexible, at times and places the person wants.",
                "",
                "Do workers see people often, at times and places that suit the person?",
            ),
            (
                "The team follows people through hospital, prison and moves, keeping in touch.",
                "",
                "Does the team keep in touch when people go into hospital or prison, or move home?",
            ),
            (
                "Workers are persistent and creative when someone withdraws from contact.",
                "",
                "When someone pulls away, do workers keep finding new ways to reach them?",
            ),
        ],
    ),
    (
        "P6",
        "The service is based on people's strengths, goals and aspirations",
        "Support plans start from what people want and what they can do.",
        [
            (
                "Support plans start from the person's goals and strengths, not their deficits.",
                "",
                "Does support start from what the person wants and what they are good at, rather than from their problems?",
            ),
            (
                "The person's own words are recorded in their plan.",
                "",
                "Are the person's own words written down in their plan?",
            ),
            (
                "People are supported into activities, learning, work and relationships they value.",
                "",
                "Are people helped to do things they value, such as hobbies, learning, work, and time with people they care about?",
            ),
            (
                "Progress is reviewed with the person against the goals they set.",
                "",
                "Do workers look at how things are going together with the person, against the goals the person set?",
            ),
        ],
    ),
    (
        "P7",
        "A harm reduction approach is used",
        "No abstinence or treatment conditions; support meets people where they are.",
        [
            (
                "There is no abstinence or treatment condition on housing or support.",
                "",
                "Can people have a home and support without having to stop drinking or using drugs, or go into treatment?",
            ),
            (
                "All staff are trained in harm reduction and use it in their daily practice.",
                "",
                "Do all staff know how to help people stay safer with drink and drugs, and do they do it every day?",
            ),
            (
                "Substance use and mental health are supported together (dual diagnosis).",
                "",
                "Do people get help with drink or drugs and with their mental health together, rather than being passed between services?",
            ),
            (
                "Workers help people reduce risk, including overdose prevention and safer use.",
                "",
                "Do workers help people to use more safely and to avoid overdoses?",
            ),
            (
                "Relapse does not lead to loss of housing or support.",
                "",
                "If someone starts drinking or using again, do they keep their home and their support?",
            ),
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
    if not FrameworkVersion.objects.filter(framework=framework).exists():
        version = FrameworkVersion.objects.create(
            framework=framework,
            number=1,
            notes="First version.",
            caseload_target_per_fte=Decimal("7"),
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
                for i, (text, guidance, _plain) in enumerate(indicators, start=1)
            )
    # Migration 0002 runs this before indicators had plain words; migration 0005 adds them.
    if any(field.name == "plain_text" for field in Indicator._meta.get_fields()):
        load_plain_text(apps)


def load_plain_text(apps) -> None:
    """Gives the default framework's indicators, in every version, their plain words where they
    have none and still read as written here (a reworded indicator keeps its plain words blank
    until someone writes new ones)."""
    Indicator = apps.get_model("fidelity", "Indicator")
    plain_by_text = {text: plain for *_, items in PRINCIPLES for text, _, plain in items}
    for indicator in Indicator.objects.filter(
        principle__version__framework__name=NAME, plain_text="", text__in=plain_by_text
    ):
        indicator.plain_text = plain_by_text[indicator.text]
        indicator.save(update_fields=["plain_text"])
