"""Reports pages: list and request, watch progress, download. Thin: selectors and services do
the work; every report is fetched through a selector that answers 404 for anyone else."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from common.downloads import pdf_response
from partners import access
from partners.audit import record_event
from partners.models import SecurityEventKind

from . import selectors, services
from .forms import QuarterFilterForm, ReportRequestForm
from .models import ReportVersion
from .reminders.selectors import RECENT_DAYS, recent_reminders_of


def _quarters(request: HttpRequest) -> list:
    pilot = access.pilots_visible_to(user=request.user).first()
    if pilot is None:
        return []
    return selectors.quarter_choices(pilot=pilot, today=timezone.localdate())


def _index_context(request: HttpRequest, form: ReportRequestForm | None = None) -> dict:
    quarters = _quarters(request)
    filter_form = QuarterFilterForm(request.GET or None, quarters=quarters)
    chosen = quarters[0] if quarters else None
    if filter_form.is_valid() and filter_form.cleaned_data["quarter"]:
        chosen = next(q for q in quarters if q.slug == filter_form.cleaned_data["quarter"])
    reports = selectors.reports_visible_to(user=request.user)
    if chosen is not None:
        reports = reports.filter(quarter_index=chosen.index)
    may_request = selectors.may_request_reports(user=request.user)
    if may_request and form is None:
        form = ReportRequestForm(user=request.user, today=timezone.localdate())
    return {
        "reports": reports,
        "quarter": chosen,
        "filter_form": filter_form if quarters else None,
        "form": form if may_request else None,
    }


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/index.html", _index_context(request))


@require_POST
def request_report(request: HttpRequest) -> HttpResponse:
    if not selectors.may_request_reports(user=request.user):
        raise Http404
    form = ReportRequestForm(request.POST, user=request.user, today=timezone.localdate())
    if not form.is_valid():
        return render(request, "reports/index.html", _index_context(request, form), status=400)
    report = services.report_request(
        scope=form.cleaned_data["scope_object"],
        quarter=form.cleaned_data["quarter_value"],
        user=request.user,
    )
    messages.success(request, f"Report requested: {report}. This page shows its progress.")
    return redirect("reports:detail", pk=report.pk)


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for_user(user=request.user, pk=pk)
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "versions": report.versions.all(),
            "may_rebuild": access.is_pilot_manager(user=request.user, pilot=report.pilot_id),
        },
    )


@require_GET
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for_user(user=request.user, pk=pk)
    may_rebuild = access.is_pilot_manager(user=request.user, pilot=report.pilot_id)
    return render(request, "reports/_progress.html", {"report": report, "may_rebuild": may_rebuild})


@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_managed_report(user=request.user, pk=pk)
    report = services.report_request(
        scope=report.scope_object, quarter=report.quarter_value, user=request.user
    )
    if request.htmx:
        report.refresh_from_db()
        return render(request, "reports/_progress.html", {"report": report, "may_rebuild": True})
    messages.success(request, f"Report queued again: {report}.")
    return redirect("reports:detail", pk=report.pk)


def version_pdf_response(request: HttpRequest, version: ReportVersion) -> HttpResponseBase:
    """A version's PDF as a download, recorded in the security trail (the pages and the API)."""
    record_event(
        kind=SecurityEventKind.DOWNLOAD,
        request=request,
        detail=f"{version.report} v{version.number}",
    )
    return pdf_response(filename=version.filename, content=version.pdf.open("rb"))


@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponseBase:
    return version_pdf_response(
        request, selectors.get_current_version_for_user(user=request.user, report_pk=pk)
    )


@require_GET
def download_version(request: HttpRequest, pk: int, number: int) -> HttpResponseBase:
    return version_pdf_response(
        request, selectors.get_version_for_user(user=request.user, report_pk=pk, number=number)
    )


@require_GET
def home_panel(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/_home_panel.html",
        {
            "reports": selectors.latest_ready_reports(user=request.user),
            "reminder_count": recent_reminders_of(
                user=request.user, today=timezone.localdate()
            ).count(),
            "recent_days": RECENT_DAYS,
            "managed_pilots": access.pilots_managed_by(user=request.user).order_by("name"),
        },
    )
