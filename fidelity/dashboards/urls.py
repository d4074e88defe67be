from django.urls import path

from fidelity.dashboards import views as dashboard_views

urlpatterns: list = [
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path(
        "dashboard/export/<slug:panel>.<str:fmt>",
        dashboard_views.dashboard_export,
        name="dashboard_export",
    ),
    path("dashboard/team/", dashboard_views.team_dashboard_home, name="team_dashboard_home"),
    path("dashboard/team/<int:pk>/", dashboard_views.team_dashboard, name="team_dashboard"),
    path("dashboard/la/<int:pk>/", dashboard_views.la_dashboard, name="la_dashboard"),
]
