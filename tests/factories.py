"""factory_boy factories for the pilot structure. Every name here is invented."""

import factory
from django.utils.text import slugify

from partners.models import (
    LocalAuthority,
    Organisation,
    Pilot,
    Role,
    RoleAssignment,
    Team,
    User,
    Zone,
)

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PilotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pilot

    name = factory.Sequence(lambda n: f"Pilot {n}")
    slug = factory.LazyAttribute(lambda p: slugify(p.name))


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    pilot = factory.SubFactory(PilotFactory)
    name = factory.Sequence(lambda n: f"Zone {n}")


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAuthority

    zone = factory.SubFactory(ZoneFactory)
    name = factory.Sequence(lambda n: f"Borough {n}")
    slug = factory.LazyAttribute(lambda la: slugify(la.name))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    pilot = factory.SubFactory(PilotFactory)
    name = factory.Sequence(lambda n: f"Support Org {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Housing First team {n}")

    @factory.post_generation
    def local_authorities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.local_authorities.add(*extracted)


def assign(user: User, role: str, pilot: Pilot, team: Team | None = None) -> RoleAssignment:
    return RoleAssignment.objects.create(user=user, role=role, pilot=pilot, team=team)


def team_leader(team: Team, username: str | None = None) -> User:
    user = UserFactory(**({"username": username} if username else {}))
    assign(user, Role.TEAM_LEADER, team.organisation.pilot, team)
    return user


def manager(pilot: Pilot, username: str | None = None) -> User:
    user = UserFactory(**({"username": username} if username else {}))
    assign(user, Role.PILOT_MANAGER, pilot)
    return user


def facilitator(pilot: Pilot, username: str | None = None) -> User:
    user = UserFactory(**({"username": username} if username else {}))
    assign(user, Role.FACILITATOR, pilot)
    return user
