import functools

from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, reverse

from . import access
from .models import Role

# (label, URL name, roles that see it; None means every signed-in person)
NAVIGATION = [
    ("Home", "home", None),
    ("Returns", "fidelity:return_list", {Role.TEAM_LEADER}),
    ("Review returns", "fidelity:review_list", {Role.PILOT_MANAGER}),
    ("Dashboard", "fidelity:dashboard", {Role.PILOT_MANAGER}),
    ("Team dashboard", "fidelity:team_dashboard_home", {Role.TEAM_LEADER}),
    ("Peer reviews", "fidelity:peer_review_list", {Role.REVIEWER, Role.PILOT_MANAGER}),
    ("Forums", "forums:index", {Role.FACILITATOR, Role.PILOT_MANAGER, Role.TEAM_LEADER}),
    ("Reports", "reports:index", {Role.PILOT_MANAGER, Role.TEAM_LEADER}),
    ("Teams", "partners:team_list", {Role.PILOT_MANAGER, Role.TEAM_LEADER}),
]


@functools.lru_cache(maxsize=64)
def _url(url_name: str, script_prefix: str) -> str | None:
    """The navigation's URLs are the same for every request under one script prefix: reversed
    once per process, not on every page (a third of a cached dashboard's time went here)."""
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    roles = access.roles_of(user=user)
    items = []
    for label, url_name, allowed in NAVIGATION:
        if allowed is not None and not (roles & allowed):
            continue
        url = _url(url_name, get_script_prefix())
        if url is None:
            continue
        active = request.path == url or (url != "/" and request.path.startswith(url))
        items.append({"label": label, "url": url, "active": active})
    return {"nav_items": items, "user_roles": roles, "is_administrator": user.is_superuser}
