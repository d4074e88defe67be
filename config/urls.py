from django.contrib import admin
from django.urls import include, path
from rest_framework.routers import SimpleRouter

from common.api_docs import SchemaView, api_docs
from fidelity import api as fidelity_api
from forums import api as forums_api
from partners import api as partners_api
from partners import api_token_views, oidc_views, two_factor_views
from partners import views as partner_views
from reports import api as reports_api
from reports.handbook.urls import public_urlpatterns as handbook_public_urls

api = SimpleRouter()
api.register("pilots", partners_api.PilotViewSet, basename="pilot")
api.register("zones", partners_api.ZoneViewSet, basename="zone")
api.register("local-authorities", partners_api.LocalAuthorityViewSet, basename="local-authority")
api.register("organisations", partners_api.OrganisationViewSet, basename="organisation")
api.register("teams", partners_api.TeamViewSet, basename="team")
api.register("frameworks", fidelity_api.FrameworkViewSet, basename="framework")
api.register("returns", fidelity_api.ReturnViewSet, basename="return")
api.register(
    "improvement-actions", fidelity_api.ImprovementActionViewSet, basename="improvement-action"
)
api.register("forum-challenges", forums_api.ChallengeViewSet, basename="forum-challenge")
api.register("forum-actions", forums_api.ActionViewSet, basename="forum-action")
api.register("reports", reports_api.ReportViewSet, basename="report")

api_urls = [
    path("quarters/", fidelity_api.QuarterView.as_view(), name="quarters"),
    path("figures/", fidelity_api.FigureView.as_view(), name="figures"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", api_docs, name="docs"),
    *api.urls,
]

urlpatterns = [
    path("", partner_views.home, name="home"),
    path("healthz", partner_views.healthz, name="healthz"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        partner_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("privacy/", partner_views.privacy_notice, name="privacy"),
    path("accessibility/", partner_views.accessibility_statement, name="accessibility"),
    path("accounts/two-factor/", two_factor_views.two_factor_account, name="two_factor"),
    path(
        "accounts/two-factor/verify/",
        two_factor_views.two_factor_verify,
        name="two_factor_verify",
    ),
    path("accounts/two-factor/set-up/", two_factor_views.two_factor_setup, name="two_factor_setup"),
    path("accounts/login/", oidc_views.SignInView.as_view(), name="login"),
    path(
        "accounts/council/start/",
        oidc_views.council_sign_in_start,
        name="oidc_authentication_init",
    ),
    path(
        "accounts/council/callback/",
        oidc_views.council_sign_in_callback,
        name="oidc_authentication_callback",
    ),
    path("accounts/api-tokens/", api_token_views.api_token_page, name="api_tokens"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("teams/", include("partners.urls")),
    path("", include("fidelity.urls")),
    path("forums/", include("forums.urls")),
    path("reports/", include("reports.urls")),
    path("handbook/", include((handbook_public_urls, "handbook"))),
    path("api/v1/", include((api_urls, "api"))),
]
