"""The practice network demo's forum notes: one session on each of its five domains, all
invented, in the shape `forums.demo` reads (see its SESSIONS)."""

from __future__ import annotations

import datetime

from .models import SessionFormat

SERIES_TITLE = "Network learning sessions: the five domains"
SERIES_DESCRIPTION = "One online or in-person session on each domain, open to every council."

THEMES = [
    "Access to homes",
    "Commissioning",
    "Health and treatment",
    "Keeping in touch",
    "Lived experience",
    "Neighbours and community",
    "Workforce",
]

SESSIONS = [
    (
        datetime.date(2026, 6, 24),
        "D1",
        SessionFormat.ONLINE,
        True,
        [("Threeways Housing First Collective", 4), ("Keystone Homes", 2), ("Leeds", 1)],
        [
            (
                "arrears-1",
                "Housing registers still refuse people with old rent arrears",
                ["Access to homes"],
                ["Leeds", "Bradford"],
                ["Fairhaven Support"],
            ),
            (
                "arrears-2",
                "Old arrears stop people joining the housing register",
                ["Access to homes"],
                ["Coventry"],
                ["Lantern Street Projects"],
            ),
            (
                "hostel-first",
                "Referrers expect a hostel stay before a Housing First offer",
                ["Access to homes", "Commissioning"],
                ["Plymouth"],
                ["Threeways Housing First Collective"],
            ),
        ],
        [
            (
                "An arrears amnesty agreed with two housing associations for people referred.",
                "Keystone Homes",
            )
        ],
        [
            (
                "Draft a shared letter to housing register managers about past arrears",
                "Network manager",
                datetime.date(2026, 9, 30),
                "in_progress",
                "arrears-1",
            )
        ],
    ),
    (
        datetime.date(2026, 8, 19),
        "D2",
        SessionFormat.IN_PERSON,
        True,
        [("Fairhaven Support", 3), ("Tideway Community Care", 3), ("Sheffield", 1)],
        [
            (
                "contracts",
                "Contracts end support after eighteen months",
                ["Commissioning"],
                ["Sheffield", "Cornwall"],
                ["Fairhaven Support", "Tideway Community Care"],
            ),
            (
                "hospital",
                "Workers lose touch when people are admitted to hospital out of area",
                ["Keeping in touch", "Health and treatment"],
                ["Norwich"],
                ["Steadfast Minds"],
            ),
            (
                "turnover",
                "High staff turnover breaks relationships with the people supported",
                ["Workforce"],
                ["Birmingham", "Bristol"],
                ["Lantern Street Projects", "Tideway Community Care"],
            ),
        ],
        [
            (
                "A named second worker for everyone, so a worker leaving is not a fresh start.",
                "Tideway Community Care",
            )
        ],
        [
            (
                "Collect contract end dates across the network for the commissioners' meeting",
                "Network manager",
                datetime.date(2026, 10, 31),
                "open",
                "contracts",
            )
        ],
    ),
    (
        datetime.date(2026, 9, 23),
        "D3",
        SessionFormat.ONLINE,
        True,
        [("Lantern Street Projects", 2), ("Steadfast Minds", 2), ("Nottingham", 1)],
        [
            (
                "area-choice",
                "People are offered a single home and area, take it or leave it",
                ["Access to homes"],
                ["Nottingham", "Derby"],
                ["Hearthstone Recovery", "Threeways Housing First Collective"],
            ),
            (
                "records",
                "People cannot see what is written about them in shared records",
                ["Lived experience"],
                ["Leicester"],
                ["Lantern Street Projects"],
            ),
        ],
        [
            (
                "People read and sign off their own plan at every review, in their own words.",
                "Steadfast Minds",
            )
        ],
        [
            (
                "Ask housing partners for two offers where the market allows",
                "Keystone Homes",
                datetime.date(2026, 12, 31),
                "open",
                "area-choice",
            )
        ],
    ),
    (
        datetime.date(2026, 10, 21),
        "D4",
        SessionFormat.IN_PERSON,
        True,
        [("Hearthstone Recovery", 3), ("Steadfast Minds", 2), ("Liverpool", 1)],
        [
            (
                "naloxone",
                "Not every worker carries naloxone or is trained to use it",
                ["Health and treatment", "Workforce"],
                ["Liverpool", "Newcastle upon Tyne"],
                ["Threeways Housing First Collective"],
            ),
            (
                "gp",
                "GP practices refuse to register people without proof of address",
                ["Health and treatment"],
                ["Brighton and Hove"],
                ["Tideway Community Care"],
            ),
        ],
        [
            (
                "Naloxone training for every new worker in their first month.",
                "Hearthstone Recovery",
            )
        ],
        [
            (
                "Arrange naloxone training for all teams before the winter",
                "Hearthstone Recovery",
                datetime.date(2027, 1, 31),
                "open",
                "naloxone",
            )
        ],
    ),
    (
        datetime.date(2026, 11, 18),
        "D5",
        SessionFormat.ONLINE,
        False,
        [("Fairhaven Support", 2), ("Keystone Homes", 1)],
        [
            (
                "lonely",
                "People feel lonely once housed, away from the friends they had",
                ["Neighbours and community"],
                ["Bradford", "Plymouth"],
                ["Fairhaven Support", "Threeways Housing First Collective"],
            ),
        ],
        [
            (
                "A monthly shared lunch where tenants choose what to cook and who to invite.",
                "Fairhaven Support",
            )
        ],
        [],
    ),
]

SHARED = (
    "Past rent arrears keep people off housing registers",
    "D1",
    ["arrears-1", "arrears-2"],
)
