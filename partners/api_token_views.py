"""A person's own API tokens page: make one (shown once), see them, revoke one."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from . import api_tokens
from .models import ApiTokenScope


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What it is for, so you know which to revoke (e.g. “Council Power BI”).",
    )
    days = forms.IntegerField(
        label="Valid for (days)",
        min_value=1,
        max_value=settings.API_TOKEN_DAYS,
        initial=settings.API_TOKEN_DAYS,
        help_text=f"At most {settings.API_TOKEN_DAYS} days.",
    )
    scope = forms.ChoiceField(
        label="What it may read",
        choices=ApiTokenScope.choices,
        initial=ApiTokenScope.READ,
        widget=forms.RadioSelect,
        help_text="“Figures and structure only” reads the pilot's structure, frameworks, "
        "quarters, figures, published forum challenges and actions, and reports, but not "
        "returns, improvement actions or evidence text: enough for a dashboard tool.",
    )


@require_http_methods(["GET", "POST"])
def api_token_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ApiTokenForm(request.POST if "create" in request.POST else None)
    new = None
    if "revoke" in request.POST:
        revoke = request.POST["revoke"]
        if revoke.isdigit() and api_tokens.api_token_revoke(
            user=user, pk=int(revoke[:18]), request=request
        ):
            messages.success(request, "Token revoked: it no longer works.")
        return redirect("api_tokens")
    if form.is_valid():
        new = api_tokens.api_token_create(
            user=user,
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
            scope=form.cleaned_data["scope"],
            request=request,
        )
        form = ApiTokenForm()
    return render(
        request,
        "partners/api_tokens.html",
        {
            "form": form,
            "new": new,
            "tokens": api_tokens.api_tokens_of(user=user),
            "now": timezone.now(),
        },
    )
