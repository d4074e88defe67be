"""An instrument (a framework version) as plain data, the shape every exchange format reads into
and writes from: the XLSX workbook (`frameworks.workbook`) and the FHIR Questionnaire
(`frameworks.fhir`). The
crosswalk to the previous version is optional, so files without one still import.

Pure: no ORM. `selectors.framework_instrument` builds one from a version and
`services.framework_import` saves one as a new version. Two instruments are equal when they
would give the same form, scores and words; the version number and dates are not part of it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from fidelity.frameworks.crosswalk import NEW
from fidelity.frameworks.words import DEFAULT_WORDS

# Limits on what an instrument file may hold, so an upload cannot tie the server up. A real
# instrument has tens of indicators; 2,000 leaves room for the largest we have heard of.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_INDICATORS = 2000
MAX_SECTIONS = 200
MAX_SCALE_LEVELS = 20
# A level's value; far above any real scale's, low enough that a value is never too big to store.
MAX_SCALE_VALUE = 100
MAX_BANDS = 20


@dataclass(frozen=True)
class InstrumentIndicator:
    code: str
    text: str
    plain_text: str = ""
    guidance: str = ""
    # The crosswalk (`frameworks.crosswalk`): what of the previous version this continues.
    change: str = NEW
    continues: tuple[str, ...] = ()


@dataclass(frozen=True)
class InstrumentSection:
    code: str
    title: str
    description: str = ""
    indicators: tuple[InstrumentIndicator, ...] = ()
    # The previous version's section this continues: "" none; None the one of the same code.
    continues: str | None = None


@dataclass(frozen=True)
class InstrumentBand:
    name: str
    slug: str
    minimum: Decimal


@dataclass(frozen=True)
class Instrument:
    """Sections and indicators in their order; the scale as (value, label) from lowest; bands
    from the highest minimum."""

    name: str
    sections: tuple[InstrumentSection, ...]
    scale: tuple[tuple[int, str], ...]
    bands: tuple[InstrumentBand, ...]
    description: str = ""
    notes: str = ""
    section_word: str = DEFAULT_WORDS.section
    section_word_plural: str = DEFAULT_WORDS.sections
    report_title: str = DEFAULT_WORDS.report_title
    caseload_target_per_fte: Decimal = Decimal("7.0")
    # The number of the version this one continues; None: the framework's latest, if any.
    previous_version: int | None = None

    @property
    def indicator_count(self) -> int:
        return sum(len(s.indicators) for s in self.sections)


@dataclass(frozen=True)
class FileProblem:
    """One thing wrong with an instrument file, where it is: a sheet and row of a workbook, or a
    JSON path in a FHIR Questionnaire (`$.item[0].item[2].text`; the sheet is then "JSON")."""

    sheet: str
    row: int | None
    message: str
    path: str = ""

    @classmethod
    def at_path(cls, path: str, message: str) -> FileProblem:
        return cls(sheet="JSON", row=None, message=message, path=path)

    def __str__(self) -> str:
        place = self.path or (f"{self.sheet}, row {self.row}" if self.row else self.sheet)
        return f"{place}: {self.message}"


class InstrumentFileError(Exception):
    """The file cannot be imported; `problems` lists every reason found."""

    def __init__(self, problems: list[FileProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def instrument_to_data(instrument: Instrument) -> dict[str, Any]:
    """The instrument as JSON-ready data (decimals as text), e.g. to carry a previewed import
    to its confirmation; `instrument_from_data` reads it back."""
    data = asdict(instrument)
    data["caseload_target_per_fte"] = str(instrument.caseload_target_per_fte)
    for band in data["bands"]:
        band["minimum"] = str(band["minimum"])
    return data


def instrument_from_data(data: dict[str, Any]) -> Instrument:
    return Instrument(
        **{
            **data,
            "caseload_target_per_fte": Decimal(data["caseload_target_per_fte"]),
            "sections": tuple(
                InstrumentSection(
                    **{
                        **s,
                        "indicators": tuple(
                            InstrumentIndicator(**{**i, "continues": tuple(i.get("continues", ()))})
                            for i in s["indicators"]
                        ),
                    }
                )
                for s in data["sections"]
            ),
            "scale": tuple((int(value), label) for value, label in data["scale"]),
            "bands": tuple(
                InstrumentBand(**{**b, "minimum": Decimal(b["minimum"])}) for b in data["bands"]
            ),
        }
    )
