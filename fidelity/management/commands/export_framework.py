from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fidelity.frameworks.instrument_files import FHIR, XLSX, version_file
from fidelity.frameworks.models import FrameworkVersion


class Command(BaseCommand):
    help = (
        "Writes a framework version to a file that import_framework reads back: an XLSX "
        "workbook, or FHIR R4 JSON (--format fhir): a Questionnaire, or a Bundle of the "
        "Questionnaire and its crosswalk (a ConceptMap) when the version continues another."
    )

    def add_arguments(self, parser):
        parser.add_argument("version_id", type=int)
        parser.add_argument("--format", choices=[XLSX, FHIR], default=XLSX)
        parser.add_argument("--output", type=Path, required=True)

    def handle(self, *args, version_id: int, format: str, output: Path, **options):
        version = FrameworkVersion.objects.select_related("framework").filter(pk=version_id).first()
        if version is None:
            raise CommandError(f"There is no framework version with id {version_id}.")
        data = version_file(version=version, format=format)
        try:
            output.write_bytes(data)
        except OSError as error:
            raise CommandError(f"{output} cannot be written: {error.strerror}.") from None
        self.stdout.write(f"Wrote {version} to {output}.")
