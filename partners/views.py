from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from common.retention import retention_periods

from . import access, audit
from .health import broker_status
from .models import Pilot


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assignments = user.role_assignments.select_related("pilot", "team", "team__organisation")
    context = {
        "assignments": assignments,
        "pilots": access.pilots_visible_to(user=user),
        "teams": access.teams_led_by(user=user).prefetch_related("local_authorities"),
        "roles": access.roles_of(user=user),
        "home_panels": _home_panel_urls(),
    }
    return render(request, "partners/home.html", context)


def _home_panel_urls() -> list[str]:
    urls = []
    for name in settings.HOME_PANELS:
        try:
            urls.append(reverse(name))
        except NoReverseMatch:
            continue
    return urls


def team_list(request: HttpRequest) -> HttpResponse:
    teams = (
        access.teams_visible_to(user=request.user)
        .prefetch_related("local_authorities__zone")
        .order_by("organisation__pilot__name", "name")
    )
    return render(request, "partners/team_list.html", {"teams": teams})


def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = access.get_team_for_user(user=request.user, pk=pk)
    leaders = team.role_assignments.select_related("user")
    return render(
        request,
        "partners/team_detail.html",
        {
            "team": team,
            "leaders": leaders,
            "local_authorities": team.local_authorities.select_related("zone"),
        },
    )


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for load balancers: 200 when the database and broker answer."""
    checks = {"database": _database_status(), "broker": broker_status(settings.CELERY_BROKER_URL)}
    healthy = all(state in ("ok", "eager") for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return "down"
    return "ok"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's "choose a new password" page; the new password also lifts any sign-in lockout on
    the account, so a locked-out person has a way back in before the cool-off ends."""

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.lockouts_clear(user=form.user)
        return response


def _statement_pilots(request: HttpRequest):
    """The pilots a notice speaks for: the signed-in person's, or every pilot for someone with
    none yet (the notice must be readable before signing in)."""
    own = access.pilots_visible_to(user=request.user)
    return own if own.exists() else Pilot.objects.all()


@login_not_required
@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "partners/privacy.html",
        {"pilots": _statement_pilots(request), "retention": retention_periods()},
    )


@login_not_required
@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "partners/accessibility.html", {"pilots": _statement_pilots(request)})
