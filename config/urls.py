from django.contrib import admin
from django.urls import include, path

from partners import oidc_views, two_factor_views
from partners import views as partner_views

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
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("teams/", include("partners.urls")),
    path("", include("fidelity.urls")),
    path("forums/", include("forums.urls")),
    path("reports/", include("reports.urls")),
]
