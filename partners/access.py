"""What may this person see and change? The one place that answers it.

Every view gets pilots and teams through these functions. Objects outside what
a person may see are answered with 404, so nobody learns that another team's data exists.

- A pilot manager sees everything in the pilots they manage.
- A team leader sees and edits only their own team.
- A forum facilitator sees the pilot's structure (to record forums) but no team's returns.
- Nobody sees another pilot.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import LocalAuthority, Organisation, Pilot, Role, RoleAssignment, Team, User, Zone


def _role_pilot_ids(user: User, *roles: str) -> QuerySet:
    assignments = user.role_assignments.all()
    if roles:
        assignments = assignments.filter(role__in=roles)
    return assignments.values("pilot_id")


def pilots_visible_to(*, user: User) -> QuerySet[Pilot]:
    if not user.is_authenticated:
        return Pilot.objects.none()
    return Pilot.objects.filter(id__in=_role_pilot_ids(user))


def pilots_managed_by(*, user: User) -> QuerySet[Pilot]:
    if not user.is_authenticated:
        return Pilot.objects.none()
    return Pilot.objects.filter(id__in=_role_pilot_ids(user, Role.PILOT_MANAGER))


def pilots_facilitated_by(*, user: User) -> QuerySet[Pilot]:
    """Pilots whose forum material this person may see in full and edit."""
    if not user.is_authenticated:
        return Pilot.objects.none()
    return Pilot.objects.filter(id__in=_role_pilot_ids(user, Role.FACILITATOR, Role.PILOT_MANAGER))


def is_pilot_manager(*, user: User, pilot: Pilot | int) -> bool:
    pilot_id = pilot if isinstance(pilot, int) else pilot.pk
    return pilots_managed_by(user=user).filter(pk=pilot_id).exists()


def teams_led_by(*, user: User) -> QuerySet[Team]:
    if not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(
        role_assignments__user=user, role_assignments__role=Role.TEAM_LEADER
    ).distinct()


def teams_visible_to(*, user: User) -> QuerySet[Team]:
    """Teams whose pages and returns this person may open."""
    if not user.is_authenticated:
        return Team.objects.none()
    led = Team.objects.filter(
        role_assignments__user=user, role_assignments__role=Role.TEAM_LEADER
    ).values("id")
    return (
        Team.objects.filter(
            Q(organisation__pilot__in=_role_pilot_ids(user, Role.PILOT_MANAGER)) | Q(id__in=led)
        )
        .select_related("organisation", "organisation__pilot")
        .distinct()
    )


def local_authorities_visible_to(*, user: User) -> QuerySet[LocalAuthority]:
    """Every LA of the pilots a person manages or facilitates; a team leader: their team's LAs."""
    return LocalAuthority.objects.filter(
        Q(zone__pilot__in=pilots_facilitated_by(user=user))
        | Q(id__in=LocalAuthority.objects.filter(teams__in=teams_led_by(user=user)).values("id"))
    ).select_related("zone")


def zones_visible_to(*, user: User) -> QuerySet[Zone]:
    """The zones of the LAs this person sees."""
    return Zone.objects.filter(
        id__in=local_authorities_visible_to(user=user).values("zone_id")
    ).select_related("pilot")


def organisations_visible_to(*, user: User) -> QuerySet[Organisation]:
    """Every organisation of the pilots a person manages or facilitates; a team leader: their
    team's."""
    return Organisation.objects.filter(
        Q(pilot__in=pilots_facilitated_by(user=user))
        | Q(id__in=teams_led_by(user=user).values("organisation_id"))
    )


def teams_editable_by(*, user: User) -> QuerySet[Team]:
    """Teams whose return this person may fill in: only their own."""
    return teams_led_by(user=user)


def get_team_for_user(*, user: User, pk: int) -> Team:
    return get_object_or_404(teams_visible_to(user=user), pk=pk)


def get_managed_pilot(*, user: User, pk: int) -> Pilot:
    return get_object_or_404(pilots_managed_by(user=user), pk=pk)


_LARGEST_ID = 2**63 - 1


def _requested_id(requested: str | None) -> int | None:
    """The id a query-string value names, or None for anything that is not a plausible id."""
    try:
        pk = int(requested or "")
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk <= _LARGEST_ID else None


def pilot_in_view(
    *,
    user: User,
    requested: str | None,
    pilots: Iterable[Pilot] | None = None,
    fall_back: bool = True,
) -> Pilot | None:
    """Which pilot is this person looking at: the one `?pilot=` names, among those they may open.

    `pilots` is the candidates (by default the pilots this person manages); a view that works on
    annotated pilots passes its own, from one of the selectors above. A value that
    names no candidate (junk such as "abc", "-1" or "1e9", a huge number, another pilot's id)
    answers with the first candidate, or with None when `fall_back` is False (a page whose link
    names its pilot says "not found" rather than showing another one). None when there is no
    candidate at all: the view answers 404.
    """
    # One query: a person has a few pilots at most. Evaluating the queryset passed in caches its
    # rows, so a view that also lists the pilots (a picker) reads them only once.
    candidates = list(pilots_managed_by(user=user) if pilots is None else pilots)
    pk = _requested_id(requested)
    chosen = next((p for p in candidates if p.pk == pk), None)
    if chosen is not None:
        return chosen
    if requested and not fall_back:
        return None
    return candidates[0] if candidates else None


def role_assignments(*, user: User, pilot_related: tuple[str, ...] = ()) -> list[RoleAssignment]:
    """A person's role assignments with their pilots, read once per request and kept on the user
    object (as Django keeps permissions): the navigation asks for the roles, a manager's page for
    the pilots, and both are answered by one query.

    `pilot_related` names relations of the pilot to read in the same query, for a page that asks
    first (the dashboard reads the pilot's data version with it)."""
    if not user.is_authenticated:
        return []
    if "_role_assignments" not in user.__dict__:
        related = ["pilot", *(f"pilot__{name}" for name in pilot_related)]
        user.__dict__["_role_assignments"] = list(
            user.role_assignments.select_related(*related).order_by("pilot__name", "pk")
        )
    return user.__dict__["_role_assignments"]


def managed_pilots_among(assignments: list[RoleAssignment]) -> list[Pilot]:
    """The pilots these assignments make their person a manager of, by name (what
    `pilots_managed_by` selects, from assignments already read)."""
    pilots = {a.pilot_id: a.pilot for a in assignments if a.role == Role.PILOT_MANAGER}
    return list(pilots.values())


def roles_of(*, user: User) -> set[str]:
    return {a.role for a in role_assignments(user=user)}


def pilots_reviewed_by(*, user: User) -> QuerySet[Pilot]:
    """Pilots on whose co-production panel this person sits (peer reviewers)."""
    if not user.is_authenticated:
        return Pilot.objects.none()
    return Pilot.objects.filter(id__in=_role_pilot_ids(user, Role.REVIEWER))


def reviewers_of(*, pilot: Pilot) -> QuerySet[User]:
    """The pilot's co-production panel: people a manager may assign a peer review to."""
    return User.objects.filter(
        role_assignments__pilot=pilot, role_assignments__role=Role.REVIEWER, is_active=True
    ).distinct()
