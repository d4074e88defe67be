from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, pilot_export


class Command(BaseCommand):
    help = "Writes one pilot's data (every app) to a JSON file: export_pilot <slug> out.json"

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("path")

    def handle(self, *args, slug, path, **options):
        try:
            data = pilot_export(slug=slug)
        except BackupError as error:
            raise CommandError(str(error)) from error
        with open(path, "w", encoding="utf-8") as out:
            out.write(data)
        self.stdout.write(f"Wrote pilot {slug!r} to {path}.")
