"""An instrument file in either format, told apart by its content (not its name): an XLSX
workbook is a zip archive, a FHIR Questionnaire (or a Bundle of one and its crosswalk) is a
JSON object. The import command and the admin read files here; exports name their format."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from fidelity.frameworks import instrument_rules as rules
from fidelity.frameworks.fhir import (
    instrument_bundle,
    instrument_questionnaire,
    read_instrument_questionnaire,
)
from fidelity.frameworks.instrument import (
    MAX_FILE_BYTES,
    FileProblem,
    Instrument,
    InstrumentFileError,
)
from fidelity.frameworks.models import FrameworkVersion
from fidelity.frameworks.selectors import framework_instrument, version_codes
from fidelity.frameworks.workbook import instrument_xlsx, read_instrument_xlsx

XLSX, FHIR = "xlsx", "fhir"
_ZIP_START = b"PK\x03\x04"
_BYTE_ORDER_MARK = b"\xef\xbb\xbf"


def read_bounded(chunks: Iterable[bytes]) -> bytes:
    """A file's bytes, read in chunks and stopped one chunk past MAX_FILE_BYTES: enough to refuse
    a file that is too big without holding all of it."""
    data = bytearray()
    for chunk in chunks:
        data += chunk
        if len(data) > MAX_FILE_BYTES:
            break
    return bytes(data)


def file_format(data: bytes) -> str | None:
    if data.startswith(_ZIP_START):
        return XLSX
    if data.removeprefix(_BYTE_ORDER_MARK).lstrip().startswith(b"{"):
        return FHIR
    return None


def read_instrument_file(data: bytes) -> Instrument:
    """The instrument in an XLSX workbook or a FHIR Questionnaire; InstrumentFileError if the
    file is too big, neither, or has anything wrong."""
    if problem := rules.file_size_problem(len(data)):
        raise InstrumentFileError([FileProblem("The file", None, problem)])
    readers: dict[str | None, Callable[[bytes], Instrument]] = {
        XLSX: read_instrument_xlsx,
        FHIR: read_instrument_questionnaire,
    }
    reader = readers.get(file_format(data))
    if reader is None:
        raise InstrumentFileError(
            [
                FileProblem(
                    "The file",
                    None,
                    "this is neither an Excel workbook (.xlsx) nor a FHIR Questionnaire (.json). "
                    "Export a framework to see either layout.",
                )
            ]
        )
    return reader(data)


def version_file(*, version: FrameworkVersion, format: str) -> bytes:
    """The version in `format`: an XLSX workbook, or FHIR JSON: its Questionnaire, or, when it
    continues a version, a Bundle of its Questionnaire and its crosswalk as a ConceptMap. Either
    reads back with `read_instrument_file`, crosswalk and all."""
    instrument = framework_instrument(version=version)
    if format != FHIR:
        return instrument_xlsx(instrument)
    if version.previous_id is None:
        return instrument_questionnaire(instrument, number=version.number)
    old_sections, old_indicators = version_codes(version=version.previous)
    return instrument_bundle(
        instrument,
        number=version.number,
        old_sections=old_sections,
        old_indicators=old_indicators,
    )
