"""Council sign-in pages: the sign-in page's council button, the hand-over to the council's
provider and the way back from it. With council sign-in off, the last two answer 404."""

from __future__ import annotations

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from .oidc import BACKEND, CANCELLED, CouncilOIDCBackend, SignInRefused, sign_in_refused


class SignInView(auth_views.LoginView):
    """The password sign-in page, offering "Sign in with your council account" when it is on."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "council_sign_in": settings.OIDC_ENABLED}


@login_not_required
@require_GET
@never_cache
def council_sign_in_start(request: HttpRequest) -> HttpResponse:
    if not settings.OIDC_ENABLED:
        raise Http404
    return OIDCAuthenticationRequestView.as_view()(request)


@login_not_required
@require_GET
@never_cache
def council_sign_in_callback(request: HttpRequest) -> HttpResponse:
    """Where the provider sends the person back, with a code and our state, or an error."""
    if not settings.OIDC_ENABLED:
        raise Http404
    pending = request.session.get("oidc_states", {}).pop(request.GET.get("state", ""), None)
    request.session.modified = True  # a state is used once, whatever happens next
    try:
        if request.GET.get("error"):
            error = request.GET["error"][:100]
            raise SignInRefused(f"the provider answered {error}", message=CANCELLED)
        if pending is None or not request.GET.get("code"):
            raise SignInRefused("unknown state or no code")
        user = CouncilOIDCBackend().sign_in(
            request=request, nonce=pending.get("nonce"), code_verifier=pending.get("code_verifier")
        )
    except SignInRefused as refusal:
        sign_in_refused(request=request, refusal=refusal)
        messages.error(request, refusal.message)
        return redirect("login")
    next_url = request.session.pop("oidc_login_next", None)
    auth.login(request, user, backend=BACKEND)
    return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
