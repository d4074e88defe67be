from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fidelity.frameworks.instrument import InstrumentFileError
from fidelity.frameworks.instrument_files import read_bounded, read_instrument_file
from fidelity.frameworks.services import framework_import


class Command(BaseCommand):
    help = (
        "Imports a framework from an XLSX workbook or a FHIR Questionnaire (JSON), as "
        "export_framework writes them, as a new version: of the framework of that name, or of a "
        "new framework. The format is read from the file's content. Nothing is saved if the file "
        "has any problem; each is printed by sheet and row, or by JSON path. The last line "
        "printed is the new version's id."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            with file.open("rb") as handle:
                data = read_bounded(iter(lambda: handle.read(64 * 1024), b""))
        except OSError as error:
            raise CommandError(f"{file} cannot be read: {error.strerror}.") from None
        try:
            instrument = read_instrument_file(data)
        except InstrumentFileError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            count = len(error.problems)
            raise CommandError(
                f"{file} was not imported: {count} problem{'s' if count != 1 else ''}. "
                "Nothing was changed."
            ) from None
        version = framework_import(instrument)
        self.stdout.write(
            f"Imported {version}: {len(instrument.sections)} {instrument.section_word_plural}, "
            f"{instrument.indicator_count} indicators, a {len(instrument.scale)}-level scale, "
            f"{len(instrument.bands)} bands."
        )
        self.stdout.write(str(version.pk))
