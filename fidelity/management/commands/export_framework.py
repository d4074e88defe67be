from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fidelity.frameworks.models import FrameworkVersion
from fidelity.frameworks.selectors import framework_instrument
from fidelity.frameworks.workbook import instrument_xlsx


class Command(BaseCommand):
    help = "Writes a framework version to a file that import_framework reads back."

    def add_arguments(self, parser):
        parser.add_argument("version_id", type=int)
        parser.add_argument("--format", choices=["xlsx", "fhir"], default="xlsx")
        parser.add_argument("--output", type=Path, required=True)

    def handle(self, *args, version_id: int, format: str, output: Path, **options):
        if format != "xlsx":
            raise CommandError("Export as a FHIR Questionnaire is not available yet; use xlsx.")
        version = FrameworkVersion.objects.select_related("framework").filter(pk=version_id).first()
        if version is None:
            raise CommandError(f"There is no framework version with id {version_id}.")
        data = instrument_xlsx(framework_instrument(version=version))
        try:
            output.write_bytes(data)
        except OSError as error:
            raise CommandError(f"{output} cannot be written: {error.strerror}.") from None
        self.stdout.write(f"Wrote {version} to {output}.")
