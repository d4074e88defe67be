import importlib
import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from partners.demo import seed_structure


class Command(BaseCommand):
    help = (
        "Creates the demo pilot with invented data. Idempotent: running it again changes nothing. "
        "Each app adds its own demo data through its demo.seed(pilot)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even in production mode (DJANGO_ENV=production).",
        )

    def handle(self, *args, force: bool = False, **options):
        if settings.PRODUCTION and not force:
            raise CommandError(
                "Refusing to add demo data in production mode. Pass --force if you really mean it."
            )
        password = os.environ.get("DEMO_PASSWORD") or settings.DEMO_PASSWORD_DEFAULT
        demo = seed_structure(password=password)
        for app_label in settings.DEMO_APPS:
            try:
                module = importlib.import_module(f"{app_label}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{app_label}.demo":
                    raise
                continue
            summary = module.seed(demo.pilot)
            if summary:
                self.stdout.write(f"{app_label}: {summary}")
        self.stdout.write(self.style.SUCCESS(f"Demo pilot ready: {demo.pilot.name}"))
        if demo.users_created:
            self.stdout.write(f"Created users: {', '.join(demo.users_created)}")
        self.stdout.write(
            "Demo logins: admin, manager, facilitator, reviewer-1, reviewer-2, lead-bolton ... "
            "lead-wigan (one team leader per local authority)."
        )
        source = "from DEMO_PASSWORD" if os.environ.get("DEMO_PASSWORD") else "the default"
        self.stdout.write(f"Password for new demo users ({source}): {password}")
