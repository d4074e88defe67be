"""Peer review pages: managers assign reviews; reviewers fill them in one principle per step.

Every view fetches a review with `selectors.get_peer_review_for_user`: a reviewer sees only the
reviews assigned to them, a manager those of their pilots; anything else is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from common.quarters import Quarter
from fidelity.errors import SubmitError, WorkflowError
from fidelity.frameworks.models import Indicator
from fidelity.frameworks.selectors import current_framework_version, pilot_framework_words
from fidelity.peer_review import services
from fidelity.peer_review.forms import COULD_NOT_TELL_LABEL, AssignForm, HowForm, PeerScoreForm
from fidelity.peer_review.models import PeerReviewStatus
from fidelity.peer_review.selectors import (
    get_peer_review_for_user,
    peer_gaps,
    peer_reviews_visible_to,
    review_minutes,
    review_steps,
)
from fidelity.peer_review.services import peer_review_save, peer_review_submit_errors
from fidelity.returns.selectors import quarter_of_today
from partners import access
from partners.models import Team


def _published_gaps(review):
    return peer_gaps(team=review.team, quarter_index=review.quarter_index)


@require_GET
def peer_review_list(request: HttpRequest) -> HttpResponse:
    managed = access.pilots_managed_by(user=request.user)
    if not (managed.exists() or access.pilots_reviewed_by(user=request.user).exists()):
        raise Http404
    reviews = peer_reviews_visible_to(user=request.user).order_by("-quarter_index", "team__name")
    mine = [r for r in reviews if r.reviewer_id == request.user.pk]
    others = [r for r in reviews if r.reviewer_id != request.user.pk]
    return render(
        request,
        "fidelity/peer_review_list.html",
        {"mine": mine, "others": others, "is_manager": managed.exists()},
    )


def peer_review_assign(request: HttpRequest) -> HttpResponse:
    pilot = access.pilot_in_view(user=request.user, requested=request.GET.get("pilot"))
    if pilot is None:
        raise Http404
    current = quarter_of_today(pilot=pilot)
    form = AssignForm(
        request.POST or None,
        teams=Team.objects.filter(organisation__pilot=pilot, is_active=True).order_by("name"),
        reviewers=access.reviewers_of(pilot=pilot).order_by("username"),
        indicators=Indicator.objects.filter(
            principle__version=current_framework_version(pilot=pilot)
        ).select_related("principle"),
        quarters=current.back(4)[::-1],
    )
    if request.method == "POST" and form.is_valid():
        try:
            review = services.peer_review_assign(
                team=form.cleaned_data["team"],
                quarter=form.quarter_value(),
                reviewer=form.cleaned_data["reviewer"],
                user=request.user,
                indicator_ids=[i.pk for i in form.cleaned_data["indicators"]],
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{review.reviewer} will review {review.team}.")
            return redirect("fidelity:peer_review_list")
    return render(request, "fidelity/peer_review_assign.html", {"form": form, "pilot": pilot})


@require_GET
def peer_review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewer's start page until they have saved a step; then their progress and answers,
    and the send button. Managers see the answers, in the framework's own words."""
    review = get_peer_review_for_user(user=request.user, pk=pk)
    steps = review_steps(review=review)
    is_reviewer = review.reviewer_id == request.user.pk
    if is_reviewer and review.status == PeerReviewStatus.ASSIGNED:
        question_count = sum(len(s.rows) for s in steps)
        return render(
            request,
            "fidelity/peer_review_start.html",
            {
                "review": review,
                "step_count": len(steps) + 1,
                "question_count": question_count,
                "minutes": review_minutes(question_count=question_count),
                "could_not_tell": COULD_NOT_TELL_LABEL,
            },
        )
    to_answer = sum(s.to_answer for s in steps)
    return render(
        request,
        "fidelity/peer_review_detail.html",
        {
            "review": review,
            "steps": steps,
            "is_reviewer": is_reviewer,
            "to_answer": to_answer,
            "next_step": next((i for i, s in enumerate(steps, 1) if s.to_answer), None),
            "gaps": _published_gaps(review) if review.is_submitted else [],
            "words": review.framework_version.words,
            "errors": peer_review_submit_errors(review=review) if not review.is_submitted else {},
        },
    )


def _editable_review(request: HttpRequest, pk: int):
    review = get_peer_review_for_user(user=request.user, pk=pk)
    if review.reviewer_id != request.user.pk:
        raise Http404
    return review


def peer_review_step(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    """Step 0: how the review was done; steps 1 to n: one principle each. Each step saves."""
    review = _editable_review(request, pk)
    if review.is_submitted:
        messages.info(request, "This review has been sent, so it cannot be changed.")
        return redirect("fidelity:peer_review_detail", pk=review.pk)
    steps = review_steps(review=review)
    if step < 0 or step > len(steps):
        raise Http404
    data = request.POST if request.method == "POST" else None
    how = HowForm(data, instance=review, prefix="how") if step == 0 else None
    principle, forms = None, []
    if step:
        principle = steps[step - 1].principle
        scale = list(review.framework_version.scale.values_list("value", "label"))
        forms = [
            PeerScoreForm(data, prefix=f"s{r.indicator_id}", row=r, scale=scale)
            for r in steps[step - 1].rows
        ]
    if request.method == "POST" and all(f.is_valid() for f in [*forms, *([how] if how else [])]):
        try:
            peer_review_save(
                review=review,
                user=request.user,
                scores={f.row.indicator_id: f.values() for f in forms},
                methods=how.values() if how else {},
            )
        except WorkflowError as error:
            messages.error(request, str(error))
            return redirect("fidelity:peer_review_detail", pk=review.pk)
        if request.htmx:
            return HttpResponse(f"Saved at {timezone.localtime():%H:%M}.")
        if "back" in request.POST and step > 0:
            return redirect("fidelity:peer_review_step", pk=review.pk, step=step - 1)
        if step == len(steps):
            messages.success(request, "Saved. Check your answers, then send the review.")
            return redirect("fidelity:peer_review_detail", pk=review.pk)
        messages.success(request, f"Step {step + 1} saved.")
        return redirect("fidelity:peer_review_step", pk=review.pk, step=step + 1)
    if request.method == "POST" and request.htmx:
        return HttpResponse("Not saved yet: an answer needs correcting. Press Save to see it.")
    return render(
        request,
        "fidelity/peer_review_step.html",
        {
            "review": review,
            "step": step,
            "step_number": step + 1,
            "step_count": len(steps) + 1,
            "principle": principle,
            "how": how,
            "forms": forms,
            "is_last": step == len(steps),
            "autosave_url": reverse("fidelity:peer_review_step", args=[review.pk, step]),
        },
    )


@require_POST
def peer_review_submit(request: HttpRequest, pk: int) -> HttpResponse:
    review = _editable_review(request, pk)
    try:
        services.peer_review_submit(review=review, user=request.user)
    except SubmitError as error:
        for message in error.errors.values():
            messages.error(request, message)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Thank you. Your review has been sent to the pilot manager.")
    return redirect("fidelity:peer_review_detail", pk=review.pk)


@require_GET
def team_peer_gaps(request: HttpRequest, team_pk: int) -> HttpResponse:
    """Self-assessment beside peer score per principle for one team and quarter (htmx)."""
    team = access.get_team_for_user(user=request.user, pk=team_pk)
    try:
        quarter = Quarter.from_slug(
            request.GET.get("quarter", ""), team.organisation.pilot.quarter_convention
        )
    except ValueError:
        quarter = quarter_of_today(pilot=team.organisation.pilot).previous()
    gaps = peer_gaps(team=team, quarter_index=quarter.index)
    return render(
        request,
        "fidelity/_peer_gaps.html",
        {
            "gaps": gaps,
            "caption": f"{team.name}, {quarter.label}: self-assessment and peer score",
            "words": pilot_framework_words(pilot=team.organisation.pilot),
        },
    )


@require_GET
def pilot_peer_gaps(request: HttpRequest) -> HttpResponse:
    """Every team with a submitted peer review, latest quarter first (htmx, pilot dashboard)."""
    pilot = access.pilot_in_view(user=request.user, requested=request.GET.get("pilot"))
    if pilot is None:
        raise Http404
    reviewed = (
        peer_reviews_visible_to(user=request.user)
        .filter(team__organisation__pilot=pilot, status="submitted")
        .values_list("team", "quarter_index")
        .distinct()
        .order_by("-quarter_index")
    )
    teams = {t.pk: t for t in Team.objects.filter(organisation__pilot=pilot)}
    blocks = []
    for team_pk, quarter_index in reviewed:
        team = teams[team_pk]
        quarter = Quarter.from_index(quarter_index, pilot.quarter_convention)
        gaps = peer_gaps(team=team, quarter_index=quarter_index)
        blocks.append((team, quarter, gaps, sum(1 for g in gaps if g.flagged)))
    return render(
        request,
        "fidelity/_peer_gaps_pilot.html",
        {"blocks": blocks, "pilot": pilot, "words": pilot_framework_words(pilot=pilot)},
    )
