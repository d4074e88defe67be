"""The practice network demo's instrument: five domains, written for this demo in our own words
(not taken from any published scale), loaded like any other instrument through
`frameworks.services.framework_import`.

Each indicator is (text, plain words): the text is what staff score against; the plain words ask
the same thing as a question for co-production reviewers, "yes" being the good end of the scale.
"""

from __future__ import annotations

from decimal import Decimal

from fidelity.frameworks.instrument import (
    Instrument,
    InstrumentBand,
    InstrumentIndicator,
    InstrumentSection,
)

DOMAINS = [
    (
        "D1",
        "A home without conditions",
        "A settled home is where support starts, not a reward for getting through it.",
        [
            (
                "The team asks for no period in hostels or shared housing before a home is found.",
                "Can people move straight into a home of their own?",
            ),
            (
                "People are not turned away because of past arrears, convictions or evictions.",
                "Is someone's past kept from stopping them getting a home?",
            ),
            (
                "Each person holds a tenancy in their own name, with a tenant's full rights.",
                "Is the tenancy in the person's own name, with the same rights as anyone's?",
            ),
            (
                "A lost tenancy leads to a new home being sought, not to the end of support.",
                "If a home falls through, does the team help find another one?",
            ),
            (
                "Homes are found within the time the network agreed, counted from referral.",
                "Do people get a home in good time after they are referred?",
            ),
        ],
    ),
    (
        "D2",
        "Support that stays",
        "Support lasts as long as the person wants it and follows them through changes.",
        [
            (
                "No one's support is closed because a fixed period has run out.",
                "Does support carry on for as long as the person wants it?",
            ),
            (
                "Contact carries on through a hospital stay, a prison sentence or a move.",
                "Does the worker stay in touch when someone is in hospital, prison or moves?",
            ),
            (
                "Missed appointments lead to more tries at contact, not to a closed case.",
                "If someone misses meetings, does the team keep trying?",
            ),
            (
                "Each worker supports few enough people to see each of them every week.",
                "Does your worker have time to see you every week if you want?",
            ),
            (
                "People can come back to the team after a break without a new referral.",
                "Can someone come back to the team after a break, without starting again?",
            ),
        ],
    ),
    (
        "D3",
        "The person decides",
        "People set the goals, the pace and the kind of help; the team follows their lead.",
        [
            (
                "Plans are written with the person, in their words, starting from their goals.",
                "Is the plan written with the person, starting from what they want?",
            ),
            (
                "People choose where and when they meet their worker.",
                "Can people choose where and when they meet their worker?",
            ),
            (
                "People are offered a choice of area and of home where the market allows.",
                "Do people get a say in the area and the home they move to?",
            ),
            (
                "Help with treatment or services is offered, never made a condition of support.",
                "Is help with health or treatment offered, without being a condition?",
            ),
            (
                "People can see and correct what the team writes about them.",
                "Can people see what is written about them and have it put right?",
            ),
        ],
    ),
    (
        "D4",
        "Safer lives and wellbeing",
        "The team works to reduce harm and to support health, without judging.",
        [
            (
                "Workers talk about drug and alcohol use openly and offer ways to reduce harm.",
                "Can people talk about drink or drugs without being judged?",
            ),
            (
                "The team helps people register with a GP and get to health appointments.",
                "Does the team help people see a doctor and get to appointments?",
            ),
            (
                "Mental health support is arranged with the person, quickly, when they ask.",
                "When someone asks for mental health support, is it arranged quickly?",
            ),
            (
                "Workers know the signs of an overdose and carry what is needed to respond.",
                "Would a worker know what to do if someone overdosed?",
            ),
            (
                "Risks are planned for with the person, with their own ideas of what keeps them safe.",
                "Are plans to stay safe made with the person, using their own ideas?",
            ),
        ],
    ),
    (
        "D5",
        "Belonging and connection",
        "People are helped to build the relationships and roles that make a place home.",
        [
            (
                "The team helps people reconnect with family and friends when they want to.",
                "Does the team help people get back in touch with people who matter to them?",
            ),
            (
                "People are supported into learning, volunteering or work if they want it.",
                "Is there help with learning, volunteering or work, for those who want it?",
            ),
            (
                "Workers help people find groups, clubs and places in their neighbourhood.",
                "Does the team help people find things to do and places to go nearby?",
            ),
            (
                "People with lived experience help shape how the team works.",
                "Do people who have used the service have a say in how it is run?",
            ),
            (
                "Neighbour disputes are worked through with the person and the landlord.",
                "If there is trouble with neighbours, does the team help sort it out?",
            ),
        ],
    ),
]

INSTRUMENT = Instrument(
    name="Practice network review framework (demo)",
    description=(
        "Five domains of practice a network of councils reviews each quarter, written for the "
        "demo; each indicator scored from 1 (not yet) to 4 (embedded)."
    ),
    notes="First version, agreed at the network's launch.",
    section_word="domain",
    section_word_plural="domains",
    report_title="Practice network fidelity review",
    caseload_target_per_fte=Decimal("6.0"),
    sections=tuple(
        InstrumentSection(
            code=code,
            title=title,
            description=description,
            indicators=tuple(
                InstrumentIndicator(code=f"{code}.{n}", text=text, plain_text=plain)
                for n, (text, plain) in enumerate(indicators, start=1)
            ),
        )
        for code, title, description, indicators in DOMAINS
    ),
    scale=((1, "Not yet"), (2, "Emerging"), (3, "Established"), (4, "Embedded")),
    bands=(
        InstrumentBand(name="Strong", slug="high", minimum=Decimal("3.2")),
        InstrumentBand(name="Developing", slug="fair", minimum=Decimal("2.4")),
        InstrumentBand(name="Needs focus", slug="low", minimum=Decimal("0")),
    ),
)
