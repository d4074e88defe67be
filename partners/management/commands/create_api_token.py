"""Makes an API token for a person and prints it on its last line (shown once, stored hashed)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from partners.api_tokens import api_token_create
from partners.models import ApiTokenScope, User


class Command(BaseCommand):
    help = "Make an API token for USERNAME; the token is printed on the last line."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="Made with create_api_token")
        parser.add_argument("--days", type=int, default=settings.API_TOKEN_DAYS)
        parser.add_argument(
            "--scope",
            choices=ApiTokenScope.values,
            default=ApiTokenScope.READ,
            help="read: everything the person sees (default); figures: figures and structure only.",
        )

    def handle(self, *args, username: str, name: str, days: int, scope: str, **options) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        if days < 1:
            raise CommandError("--days must be at least 1.")
        new = api_token_create(user=user, name=name, days=days, scope=scope)
        self.stdout.write(
            f"Token {new.token.name!r} for {username}, scope {new.token.scope}, "
            f"expires {new.token.expires:%Y-%m-%d}:"
        )
        self.stdout.write(new.secret)
