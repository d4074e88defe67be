"""The two-factor pages: verify a code after the password, set up an authenticator, and the
person's own two-factor page (status, new recovery codes)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from . import two_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows now, or one recovery code.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


_WAIT = "Too many wrong codes in a row. Wait a minute, then enter the new code your app shows."


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if allowed else "/"


@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    if request.session.get(two_factor.SESSION_KEY) != two_factor.VERIFY:
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        outcome = two_factor.two_factor_verify(request=request, token=form.cleaned_data["code"])
        if outcome == two_factor.ACCEPTED:
            return redirect(_next_url(request))
        form.add_error(
            "code",
            _WAIT
            if outcome == two_factor.WAIT
            else "That code is not right. Check the time on your phone is correct, wait for a "
            "new code, or use one of your recovery codes.",
        )
    return render(
        request, "partners/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    device = two_factor.app_device_pending(user=request.user)
    form = CodeForm(request.POST or None)
    form.fields["code"].help_text = "The 6-digit code your authenticator app shows now."
    if form.is_valid():
        outcome, codes = two_factor.two_factor_enrol(
            request=request, device=device, token=form.cleaned_data["code"].replace(" ", "")
        )
        if outcome == two_factor.ACCEPTED:
            return render(
                request,
                "partners/two_factor_codes.html",
                {"codes": codes, "next": _next_url(request), "first_time": True},
            )
        form.add_error(
            "code",
            _WAIT
            if outcome == two_factor.WAIT
            else "That code is not right. Scan the QR code again or type the key, then enter "
            "the code the app shows now.",
        )
    return render(
        request,
        "partners/two_factor_setup.html",
        {
            "form": form,
            "qr_code": two_factor.app_device_qr_svg(device),
            "secret": two_factor.app_device_secret(device),
            "required": two_factor.two_factor_required(user=request.user),
            "next": _next_url(request),
        },
    )


@require_http_methods(["GET", "POST"])
def two_factor_account(request: HttpRequest) -> HttpResponse:
    user = request.user
    enabled = two_factor.two_factor_enabled(user=user)
    if request.method == "POST" and enabled:
        codes = two_factor.recovery_codes_renew(user=user)
        messages.success(request, "New recovery codes made. The old ones no longer work.")
        return render(
            request, "partners/two_factor_codes.html", {"codes": codes, "next": request.path}
        )
    return render(
        request,
        "partners/two_factor_account.html",
        {"enabled": enabled, "required": two_factor.two_factor_required(user=user)},
    )
