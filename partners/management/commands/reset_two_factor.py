"""Removes a person's two-factor devices when they have lost their phone and recovery codes."""

from django.core.management.base import BaseCommand, CommandError

from partners.models import User
from partners.two_factor import two_factor_reset


class Command(BaseCommand):
    help = "Reset a person's two-factor sign-in (they set it up again at their next sign-in)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as error:
            raise CommandError(f"No person has the username {username!r}.") from error
        removed = two_factor_reset(user=user, by="the reset_two_factor command")
        self.stdout.write(f"Removed {removed} two-factor device(s) of {username}.")
