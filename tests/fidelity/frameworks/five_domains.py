"""A second instrument in words of its own, for the tests that every page, export and PDF speaks
the framework's words: five domains (not seven principles) and a report title of its own.

`readable_text` gives what a person reads of a page, seen or heard: its text and the attributes
a browser shows or a screen reader reads out, not ids, classes or URLs (which keep internal
names such as "principle" on purpose).
"""

from __future__ import annotations

import io
from decimal import Decimal

from lxml import html as lxml_html
from openpyxl import load_workbook

from fidelity.frameworks.instrument import (
    Instrument,
    InstrumentBand,
    InstrumentIndicator,
    InstrumentSection,
)
from fidelity.frameworks.models import FrameworkVersion, PilotFramework
from fidelity.frameworks.services import framework_import
from partners.models import Pilot

REPORT_TITLE = "Practice network fidelity review"
READ_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder", "content")

DOMAINS = [
    ("D1", "Choice of home and support"),
    ("D2", "Separation of housing and support"),
    ("D3", "Recovery-focused service"),
    ("D4", "Service range and intensity"),
    ("D5", "Team structure"),
]


def five_domain_instrument() -> Instrument:
    return Instrument(
        name="Practice network instrument (test)",
        section_word="domain",
        section_word_plural="domains",
        report_title=REPORT_TITLE,
        sections=tuple(
            InstrumentSection(
                code=code,
                title=title,
                description=f"What good looks like for {title.lower()}.",
                indicators=tuple(
                    InstrumentIndicator(code=f"{code}.{n}", text=f"{title}: observed item {n}")
                    for n in (1, 2, 3)
                ),
            )
            for code, title in DOMAINS
        ),
        scale=((1, "Not in place"), (2, "Partly"), (3, "Mostly"), (4, "Fully")),
        bands=(
            InstrumentBand(name="High", slug="high", minimum=Decimal("3.5")),
            InstrumentBand(name="Good", slug="good", minimum=Decimal("2.5")),
            InstrumentBand(name="Low", slug="low", minimum=Decimal("1")),
        ),
    )


def use_five_domains(pilot: Pilot) -> FrameworkVersion:
    """The pilot's new returns are scored on the five-domain instrument from now on."""
    version = framework_import(five_domain_instrument())
    PilotFramework.objects.update_or_create(pilot=pilot, defaults={"version": version})
    return version


def readable_text(page: str | bytes) -> str:
    tree = lxml_html.fromstring(page)
    for hidden in tree.xpath("//script | //style"):
        hidden.drop_tree()
    parts = list(tree.itertext())
    for attribute in READ_ATTRIBUTES:
        parts += tree.xpath(f"//@{attribute}")
    return " ".join(" ".join(parts).split())


def workbook_text(content: bytes) -> str:
    """Every sheet's title and cell, and the drop-downs' prompts and messages."""
    workbook = load_workbook(io.BytesIO(content))
    parts = []
    for sheet in workbook.worksheets:
        parts.append(sheet.title)
        parts += [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
        for check in sheet.data_validations.dataValidation:
            parts += [
                t for t in (check.prompt, check.promptTitle, check.error, check.errorTitle) if t
            ]
    return " ".join(parts)
