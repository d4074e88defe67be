"""Handbook pages: a pilot manager's (list and request, the pilot's words, progress, versions,
downloads, publishing) and the public one. Thin: selectors and services do the work; every
handbook, version and pilot is fetched through `partners.access` or a selector that answers 404
for anyone but a manager of its pilot. The public page shows only a published version."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.downloads import HTML_CONTENT_TYPE, file_response, pdf_response
from partners import access
from partners.audit import record_event
from partners.models import Pilot, SecurityEventKind

from . import render as book
from . import selectors, services
from .forms import HandbookRequestForm, HandbookWordsForm
from .models import HandbookVersion


@require_GET
def handbook_home(request: HttpRequest) -> HttpResponse:
    """The way in from the reports page: the handbooks of the pilot this manager is looking at."""
    pilot = access.pilot_in_view(user=request.user, requested=request.GET.get("pilot"))
    if pilot is None:
        raise Http404
    return redirect("reports:handbooks", pilot_pk=pilot.pk)


def _index_context(
    request: HttpRequest, pilot: Pilot, form: HandbookRequestForm | None = None
) -> dict:
    if form is None:
        form = HandbookRequestForm(
            quarters=selectors.period_choices(pilot=pilot, today=timezone.localdate())
        )
    return {
        "pilot": pilot,
        "form": form,
        "handbooks": selectors.handbooks_of(pilot=pilot),
        "words": selectors.words_of(pilot=pilot),
        "published": selectors.published_version_of(pilot=pilot),
        "public_url": request.build_absolute_uri(reverse("handbook:public", args=[pilot.slug])),
    }


@require_GET
def handbooks(request: HttpRequest, pilot_pk: int) -> HttpResponse:
    pilot = access.get_managed_pilot(user=request.user, pk=pilot_pk)
    return render(request, "reports/handbook/index.html", _index_context(request, pilot))


@require_POST
def handbook_request(request: HttpRequest, pilot_pk: int) -> HttpResponse:
    pilot = access.get_managed_pilot(user=request.user, pk=pilot_pk)
    form = HandbookRequestForm(
        request.POST, quarters=selectors.period_choices(pilot=pilot, today=timezone.localdate())
    )
    if not form.is_valid():
        return render(
            request, "reports/handbook/index.html", _index_context(request, pilot, form), status=400
        )
    handbook = services.handbook_request(
        pilot=pilot,
        first=form.cleaned_data["first_quarter"],
        last=form.cleaned_data["last_quarter"],
        user=request.user,
    )
    messages.success(request, f"Handbook requested: {handbook}. This page shows its progress.")
    return redirect("reports:handbook_detail", pk=handbook.pk)


@require_http_methods(["GET", "POST"])
def handbook_words(request: HttpRequest, pilot_pk: int) -> HttpResponse:
    pilot = access.get_managed_pilot(user=request.user, pk=pilot_pk)
    words = selectors.words_of(pilot=pilot)
    form = HandbookWordsForm(request.POST or None, instance=words)
    if request.method == "POST" and form.is_valid():
        services.handbook_words_save(
            pilot=pilot,
            foreword=form.cleaned_data["foreword"],
            lessons=form.cleaned_data["lessons"],
            user=request.user,
        )
        messages.success(
            request, "Your words are saved. The next handbook you build will include them."
        )
        return redirect("reports:handbooks", pilot_pk=pilot.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "reports/handbook/words.html",
        {"pilot": pilot, "form": form, "words": selectors.words_of(pilot=pilot)},
        status=status,
    )


@require_GET
def handbook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    handbook = selectors.get_managed_handbook(user=request.user, pk=pk)
    return render(
        request,
        "reports/handbook/detail.html",
        {"handbook": handbook, "versions": handbook.versions.select_related("published_by")},
    )


@require_GET
def handbook_progress(request: HttpRequest, pk: int) -> HttpResponse:
    handbook = selectors.get_managed_handbook(user=request.user, pk=pk)
    return render(request, "reports/handbook/_progress.html", {"handbook": handbook})


@require_POST
def handbook_rebuild(request: HttpRequest, pk: int) -> HttpResponse:
    handbook = selectors.get_managed_handbook(user=request.user, pk=pk)
    handbook = services.handbook_request(
        pilot=handbook.pilot, first=handbook.first, last=handbook.last, user=request.user
    )
    if request.htmx:
        handbook.refresh_from_db()
        return render(request, "reports/handbook/_progress.html", {"handbook": handbook})
    messages.success(request, f"Handbook queued again: {handbook}.")
    return redirect("reports:handbook_detail", pk=handbook.pk)


def _download(request: HttpRequest, version: HandbookVersion, extension: str) -> HttpResponseBase:
    record_event(
        kind=SecurityEventKind.DOWNLOAD,
        request=request,
        detail=f"{version} ({extension.upper()})",
    )
    if extension == "pdf":
        return pdf_response(filename=version.filename("pdf"), content=version.pdf.open("rb"))
    return file_response(
        filename=version.filename("html"),
        content=version.html.open("rb"),
        content_type=HTML_CONTENT_TYPE,
    )


@require_GET
def handbook_pdf(request: HttpRequest, pk: int, number: int) -> HttpResponseBase:
    version = selectors.get_managed_version(user=request.user, handbook_pk=pk, number=number)
    return _download(request, version, "pdf")


@require_GET
def handbook_html(request: HttpRequest, pk: int, number: int) -> HttpResponseBase:
    version = selectors.get_managed_version(user=request.user, handbook_pk=pk, number=number)
    return _download(request, version, "html")


@require_POST
def handbook_publish(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = selectors.get_managed_version(user=request.user, handbook_pk=pk, number=number)
    services.handbook_publish(version=version, user=request.user)
    messages.success(
        request,
        f"Version {version.number} is published: anyone with the link can read it.",
    )
    return redirect("reports:handbook_detail", pk=pk)


@require_POST
def handbook_unpublish(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = selectors.get_managed_version(user=request.user, handbook_pk=pk, number=number)
    services.handbook_unpublish(version=version)
    messages.success(request, f"Version {version.number} is no longer published.")
    return redirect("reports:handbook_detail", pk=pk)


@login_not_required
@require_GET
def public_handbook(request: HttpRequest, pilot_slug: str) -> HttpResponse:
    version = selectors.get_published_version(pilot_slug=pilot_slug)
    # Laid out again from the content the version was built from, as the page variant: the stored
    # file carries its stylesheet inline, which the app's Content-Security-Policy would block.
    html = book.handbook_html(
        version.content,
        built_on=timezone.localdate(version.built_at),
        variant=book.HtmlVariant.PAGE,
        pdf_url=reverse("handbook:public_pdf", args=[pilot_slug]),
    )
    return HttpResponse(html, content_type=HTML_CONTENT_TYPE)


@login_not_required
@require_GET
def public_handbook_pdf(request: HttpRequest, pilot_slug: str) -> HttpResponseBase:
    version = selectors.get_published_version(pilot_slug=pilot_slug)
    return pdf_response(filename=version.filename("pdf"), content=version.pdf.open("rb"))
