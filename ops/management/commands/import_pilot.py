from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, pilot_import


class Command(BaseCommand):
    help = "Restores a pilot written by export_pilot into a database where it is absent."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            with open(path, encoding="utf-8") as source:
                saved = pilot_import(data=source.read())
        except (OSError, BackupError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {saved} rows from {path}.")
