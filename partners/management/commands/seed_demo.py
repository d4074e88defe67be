import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from partners.demo import DEMO_PILOTS, seed_pilot


class Command(BaseCommand):
    help = (
        "Creates the demo pilots with invented data. Idempotent: running it again changes "
        "nothing. Each app adds its own demo data through its demo.seed(pilot)."
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
        created: list[str] = []
        for plan in DEMO_PILOTS:
            demo = seed_pilot(password=password, plan=plan)
            created += demo.users_created
            for summary in demo.summaries:
                self.stdout.write(summary)
            self.stdout.write(self.style.SUCCESS(f"Demo pilot ready: {demo.pilot.name}"))
        if created:
            self.stdout.write(f"Created users: {', '.join(created)}")
        self.stdout.write(
            "Demo logins: admin; Greater Manchester: manager, facilitator, reviewer-1, "
            "reviewer-2, lead-bolton ... lead-wigan; practice network: network-manager, "
            "network-facilitator, network-reviewer, lead-leeds, lead-bristol ... (one team "
            "leader per local authority, lead-<its name>)."
        )
        source = "from DEMO_PASSWORD" if os.environ.get("DEMO_PASSWORD") else "the default"
        self.stdout.write(f"Password for new demo users ({source}): {password}")
