"""Forum pages. Thin: parse the request, get objects through selectors (404 otherwise), call a
service, render. Note rows are added with htmx and answered with the section's partial."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.downloads import csv_response, pdf_response
from common.pdfs import html_to_pdf
from common.quarters import Quarter
from fidelity.frameworks.selectors import pilot_framework_words
from partners.access import pilots_facilitated_by, pilots_visible_to
from partners.audit import record_event
from partners.models import SecurityEventKind

from . import exports, selectors, services, similarity
from .filters import ChallengeFilter
from .forms import (
    ActionForm,
    ActionStatusForm,
    AttendanceForm,
    ChallengeForm,
    ConfirmSharedForm,
    GoodPracticeForm,
    SeriesForm,
    SessionForm,
)
from .models import Action, Attendance, Challenge, GoodPractice, SessionStatus

PANEL_LIMIT = 5


def index(request: HttpRequest) -> HttpResponse:
    sessions = selectors.sessions_visible_to(user=request.user).order_by("series__title", "date")
    series: dict = {}
    for session in sessions:
        series.setdefault(session.series, []).append(session)
    pilot = selectors.reading_pilot(user=request.user)
    return render(
        request,
        "forums/index.html",
        {
            "series": series,
            "titles": selectors.principle_titles(pilot=pilot),
            "words": pilot_framework_words(pilot=pilot),
            "can_edit": selectors.may_edit(user=request.user, pilot=pilot),
        },
    )


def series_create(request: HttpRequest) -> HttpResponse:
    pilot = selectors.get_facilitated_pilot(user=request.user)
    form = SeriesForm(request.POST or None, pilot=pilot)
    if request.method == "POST" and form.is_valid():
        services.series_create(pilot=pilot, **form.cleaned_data)
        messages.success(request, "Series created. Add its first session.")
        return redirect("forums:session_create")
    return render(
        request,
        "forums/simple_form.html",
        {"form": form, "heading": "New forum series", "button": "Create series"},
    )


def session_create(request: HttpRequest) -> HttpResponse:
    pilot = selectors.get_facilitated_pilot(user=request.user)
    form = SessionForm(request.POST or None, pilot=pilot, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        session = services.session_create(facilitator=request.user, **form.cleaned_data)
        return redirect("forums:session_detail", pk=session.pk)
    return render(
        request,
        "forums/simple_form.html",
        {"form": form, "heading": "New forum session", "button": "Create draft session"},
    )


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.get_session_for_user(user=request.user, pk=pk)
    can_edit = selectors.may_edit(user=request.user, pilot=session.pilot)
    context = _notes_context(session, can_edit=can_edit)
    return render(request, "forums/session_detail.html", context)


def _notes_context(session, *, can_edit: bool, **forms) -> dict:
    titles = selectors.principle_titles(pilot=session.pilot)
    context = {
        "session": session,
        "focus": selectors.principle_label(session.principle_code, titles),
        "titles": titles,
        "words": pilot_framework_words(pilot=session.pilot),
        "can_edit": can_edit,
        "attendance": session.attendance.select_related("organisation", "local_authority"),
        "challenges": session.challenges.prefetch_related(
            "themes", "local_authorities", "organisations"
        ),
        "good_practice": session.good_practice.select_related("organisation"),
        "actions": session.actions.select_related("challenge"),
    }
    if can_edit:
        context.update(
            attendance_form=forms.get("attendance_form") or AttendanceForm(pilot=session.pilot),
            challenge_form=forms.get("challenge_form") or ChallengeForm(session=session),
            good_practice_form=forms.get("good_practice_form") or GoodPracticeForm(session=session),
            action_form=forms.get("action_form") or ActionForm(session=session),
        )
    return context


# Each kind of note: its form, the service that saves it, and the partial that shows it.
NOTE_KINDS = {
    "attendance": (AttendanceForm, "forums/_attendance.html"),
    "challenge": (ChallengeForm, "forums/_challenges.html"),
    "good_practice": (GoodPracticeForm, "forums/_good_practice.html"),
    "action": (ActionForm, "forums/_actions.html"),
}


def _save_note(kind: str, session, data: dict):
    if kind == "attendance":
        return services.attendance_add(session=session, count=data["count"], **data["who"])
    if kind == "challenge":
        return services.challenge_add(session=session, **data)
    if kind == "good_practice":
        return services.good_practice_add(session=session, **data)
    return services.action_add(session=session, **data)


@require_POST
def note_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in NOTE_KINDS:
        raise Http404
    session = selectors.get_session_for_editing(user=request.user, pk=pk)
    form_class, template = NOTE_KINDS[kind]
    kwargs = {"pilot": session.pilot} if kind == "attendance" else {"session": session}
    form = form_class(request.POST, **kwargs)
    saved = False
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "privacy_confirmed"}
        try:
            _save_note(kind, session, data)
            saved = True
        except ValidationError as error:
            form.add_error(None, error)
    if not request.htmx:
        if saved:
            return redirect(reverse("forums:session_detail", args=[pk]) + f"#{kind}-section")
        context = _notes_context(session, can_edit=True, **{f"{kind}_form": form})
        return render(request, "forums/session_detail.html", context, status=422)
    context = _notes_context(session, can_edit=True, **({} if saved else {f"{kind}_form": form}))
    context["just_added"] = saved
    html = render_to_string(template, context, request=request)
    if saved and kind == "challenge":
        # The action form's "linked challenge" list now has one more choice.
        html += render_to_string("forums/_actions.html", {**context, "oob": True}, request=request)
    # htmx swaps only 2xx answers, so a form with errors comes back 200 to be shown in place.
    return HttpResponse(html)


NOTE_MODELS = {
    "attendance": Attendance,
    "challenge": Challenge,
    "good_practice": GoodPractice,
    "action": Action,
}


@require_POST
def note_delete(request: HttpRequest, pk: int, kind: str, note_pk: int) -> HttpResponse:
    if kind not in NOTE_MODELS:
        raise Http404
    session = selectors.get_session_for_editing(user=request.user, pk=pk)
    note = get_object_or_404(NOTE_MODELS[kind], pk=note_pk, session=session)
    services.note_delete(note=note)
    if not request.htmx:
        return redirect(reverse("forums:session_detail", args=[pk]) + f"#{kind}-section")
    context = _notes_context(session, can_edit=True)
    html = render_to_string(NOTE_KINDS[kind][1], context, request=request)
    if kind == "challenge":
        html += render_to_string("forums/_actions.html", {**context, "oob": True}, request=request)
    return HttpResponse(html)


@require_http_methods(["GET", "POST"])
def session_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks "Publish this forum record?" and says who will see it; POST publishes."""
    session = selectors.get_session_for_editing(user=request.user, pk=pk)
    if request.method == "GET":
        if session.is_published:
            messages.info(request, "These notes are already published.")
            return redirect("forums:session_detail", pk=pk)
        return render(
            request,
            "forums/session_publish.html",
            {
                "session": session,
                "challenges": session.challenges.count(),
                "good_practice": session.good_practice.count(),
                "actions": session.actions.count(),
            },
        )
    try:
        services.session_publish(session=session, user=request.user)
        messages.success(request, "Published: everyone in the pilot can now read these notes.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("forums:session_detail", pk=pk)


@require_GET
def theme_options(request: HttpRequest) -> HttpResponse:
    """<option>s for the themes <datalist>: the text typed so far with each matching theme
    appended, so picking one from the list keeps the themes already chosen."""
    pilot = selectors.get_facilitated_pilot(user=request.user)
    typed = request.GET.get("themes", "")[:400]
    chosen, _, fragment = typed.rpartition(",")
    prefix = f"{chosen}, " if chosen else ""
    already = {n.strip().lower() for n in chosen.split(",")}
    names = [
        n
        for n in selectors.themes_starting(pilot=pilot, prefix=fragment.strip())
        if n.lower() not in already
    ]
    return render(request, "forums/_theme_options.html", {"values": [prefix + n for n in names]})


def cross_la(request: HttpRequest) -> HttpResponse:
    pilot = selectors.get_facilitated_pilot(user=request.user)
    filters = ChallengeFilter(request.GET or None, pilot=pilot)
    # This view is "for a series or date range": principle and zone belong to the summary.
    for name in ("principle", "zone"):
        del filters.form.fields[name]
    data = filters.form.cleaned_data if filters.is_valid() else {}
    scope = {
        "pilot": pilot,
        "series": data.get("series"),
        "date_from": data.get("date_from"),
        "date_to": data.get("date_to"),
        "include_drafts": True,
    }
    groups = selectors.suggested_groups(**scope)
    context = {
        "filters": filters,
        "items": selectors.cross_la_challenges(**scope),
        "suggestions": [
            (
                group,
                ConfirmSharedForm(
                    pilot=pilot,
                    initial={
                        "title": similarity.suggested_title([c.text for c in group]),
                        "challenges": [c.pk for c in group],
                    },
                    auto_id=f"group-{i}-%s",
                ),
            )
            for i, group in enumerate(groups)
        ],
        "titles": selectors.principle_titles(pilot=pilot),
        "words": filters.words,
    }
    return render(request, "forums/cross_la.html", context)


@require_POST
def shared_confirm(request: HttpRequest) -> HttpResponse:
    pilot = selectors.get_facilitated_pilot(user=request.user)
    form = ConfirmSharedForm(request.POST, pilot=pilot)
    if form.is_valid():
        services.shared_challenge_confirm(
            pilot=pilot,
            challenges=form.cleaned_data["challenges"],
            title=form.cleaned_data["title"],
            user=request.user,
        )
        messages.success(
            request, f"Confirmed as one shared challenge: {form.cleaned_data['title']}"
        )
    else:
        messages.error(
            request,
            "Not confirmed: " + " ".join(e for errors in form.errors.values() for e in errors),
        )
    return redirect(reverse("forums:cross_la") + "?" + request.POST.get("query", ""))


def _summary(request: HttpRequest):
    pilot = selectors.reading_pilot(user=request.user)
    filters = ChallengeFilter(
        request.GET or None,
        queryset=selectors.published_challenges(pilot=pilot),
        pilot=pilot,
    )
    challenges = filters.qs if filters.is_valid() else selectors.published_challenges(pilot=pilot)
    good_practice = filters.good_practice(
        GoodPractice.objects.filter(
            session__series__pilot=pilot, session__status=SessionStatus.PUBLISHED
        )
    )
    sections = selectors.challenge_summary(
        pilot=pilot, challenges=challenges, good_practice=good_practice
    )
    return pilot, filters, sections


def summary(request: HttpRequest) -> HttpResponse:
    pilot, filters, sections = _summary(request)
    return render(
        request,
        "forums/summary.html",
        {
            "pilot": pilot,
            "filters": filters,
            "sections": sections,
            "words": filters.words,
            "query": request.GET.urlencode(),
        },
    )


def summary_csv(request: HttpRequest) -> HttpResponse:
    pilot, filters, sections = _summary(request)
    record_event(
        kind=SecurityEventKind.EXPORT, request=request, detail=f"Forum summary CSV ({pilot})"
    )
    return csv_response(
        filename="forum-challenge-summary.csv",
        table=exports.summary_table(sections, words=filters.words),
    )


def summary_pdf(request: HttpRequest) -> HttpResponse:
    pilot, filters, sections = _summary(request)
    record_event(
        kind=SecurityEventKind.EXPORT, request=request, detail=f"Forum summary PDF ({pilot})"
    )
    html = render_to_string(
        "forums/summary_pdf.html",
        {
            "pilot": pilot,
            "sections": sections,
            "scope": filters.description(),
            "generated": timezone.localtime(),
        },
        request=request,
    )
    pdf, _ = html_to_pdf(html=html)
    return pdf_response(filename="forum-challenge-summary.pdf", content=pdf)


@require_GET
def principle_challenges(request: HttpRequest, code: str) -> HttpResponse:
    """For the fidelity dashboard (hx-get): latest published challenges about one principle."""
    pilots = pilots_visible_to(user=request.user)
    pilot = pilots.order_by("name").first()
    if pilot is None:
        raise Http404
    date_from = date_to = None
    quarter_slug = request.GET.get("quarter", "")
    if quarter_slug:
        try:
            quarter = Quarter.from_slug(quarter_slug, pilot.quarter_convention)
            date_from, date_to = quarter.start, quarter.end
        except ValueError:
            quarter_slug = ""
    challenges = selectors.recent_principle_challenges(
        user=request.user, principle_code=code, date_from=date_from, date_to=date_to
    )
    shown = list(challenges[: PANEL_LIMIT + 1])
    more_url = reverse("forums:summary") + f"?principle={code}"
    if date_from:
        more_url += f"&date_from={date_from:%Y-%m-%d}&date_to={date_to:%Y-%m-%d}"
    return render(
        request,
        "forums/_principle_challenges.html",
        {
            "code": code,
            "challenges": shown[:PANEL_LIMIT],
            "has_more": len(shown) > PANEL_LIMIT,
            "more_url": more_url,
        },
    )


def actions(request: HttpRequest) -> HttpResponse:
    pilot = selectors.reading_pilot(user=request.user)
    principles = selectors.principle_choices(pilot=pilot)
    # Only a principle of the framework filters; an owner is free text, less any NUL byte
    # (PostgreSQL refuses one in a query, which was a 500).
    principle = request.GET.get("principle")
    principle = principle if principle in dict(principles) else None
    owner = request.GET.get("owner", "").replace("\x00", "").strip()
    overdue_only = request.GET.get("overdue") == "1"
    today = timezone.localdate()
    open_actions = selectors.open_actions(
        user=request.user,
        owner=owner,
        principle_code=principle or None,
        overdue_on=today if overdue_only else None,
    )
    return render(
        request,
        "forums/actions.html",
        {
            "groups": selectors.actions_by_owner(open_actions),
            "overdue_count": sum(1 for a in open_actions if a.is_overdue(today)),
            "overdue_only": overdue_only,
            "today": today,
            "titles": selectors.principle_titles(pilot=pilot),
            "words": pilot_framework_words(pilot=pilot),
            "owner": owner,
            "principle": principle or "",
            "principles": principles,
            "owners": sorted(
                set(selectors.actions_visible_to(user=request.user).values_list("owner", flat=True))
            ),
            "can_edit": selectors.may_edit(user=request.user, pilot=pilot),
            "status_form": ActionStatusForm(),
        },
    )


@require_POST
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(
        Action.objects.filter(session__in=selectors.sessions_editable_by(user=request.user)), pk=pk
    )
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        services.action_set_status(action=action, status=form.cleaned_data["status"])
        messages.success(request, f"Action marked {action.get_status_display().lower()}.")
    return redirect("forums:actions")


@require_GET
def home_panel(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    facilitating = pilots_facilitated_by(user=user).exists()
    context = {"facilitating": facilitating}
    if facilitating:
        overdue = selectors.overdue_actions(user=user, today=today)
        context.update(
            drafts=list(selectors.drafts_to_publish(user=user)[:5]),
            overdue=list(overdue[:5]),
            overdue_count=overdue.count(),
        )
    else:
        context["latest"] = selectors.latest_published_session(user=user)
    return render(request, "forums/_home_panel.html", context)
