"""Reminders pages: each person's own reminders, and a pilot manager's settings for their pilot.
Thin: selectors and services do the work; a reminder is fetched through a selector that answers
404 for anyone but its recipient."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from partners import access

from . import selectors, services
from .forms import ReminderSettingsForm


@require_GET
def reminders(request: HttpRequest) -> HttpResponse:
    recent = request.GET.get("recent") == "1"
    if recent:
        shown = selectors.recent_reminders_of(user=request.user, today=timezone.localdate())
    else:
        shown = selectors.reminders_of(user=request.user)
    return render(
        request,
        "reports/reminders/list.html",
        {
            "reminders": shown[:200],
            "recent_days": selectors.RECENT_DAYS if recent else None,
            "managed_pilots": access.pilots_managed_by(user=request.user),
        },
    )


@require_GET
def reminder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reminder = selectors.get_reminder_for_user(user=request.user, pk=pk)
    return render(request, "reports/reminders/detail.html", {"reminder": reminder})


@require_http_methods(["GET", "POST"])
def reminder_settings(request: HttpRequest, pilot_pk: int) -> HttpResponse:
    pilot = access.get_managed_pilot(user=request.user, pk=pilot_pk)
    current = selectors.reminder_settings_for(pilot=pilot)
    form = ReminderSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.reminder_settings_update(pilot=pilot, user=request.user, **form.cleaned_data)
        messages.success(request, f"Reminder settings saved for {pilot}.")
        return redirect("reports:reminder_settings", pilot_pk=pilot.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "reports/reminders/settings.html", {"pilot": pilot, "form": form}, status=status
    )


@require_GET
def dashboard_attention(request: HttpRequest) -> HttpResponse:
    """The pilot dashboard's "Needs attention" items that come from the weekly digest: returns
    waiting for review and overdue actions. An htmx fragment, because the dashboard's cached part
    may hold nothing that changes without a new data version (an action falling overdue)."""
    pilot = access.pilot_in_view(
        user=request.user, requested=request.GET.get("pilot"), fall_back=False
    )
    if pilot is None:
        raise Http404("No such pilot.")
    attention = selectors.pilot_attention(pilot=pilot, today=timezone.localdate())
    return render(
        request,
        "reports/reminders/_dashboard_attention.html",
        {"pilot": pilot, "attention": attention},
    )
