from django.urls import path

from . import views

urlpatterns: list = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path(
        "dashboard/export/<slug:panel>.<str:fmt>", views.dashboard_export, name="dashboard_export"
    ),
    path("dashboard/team/", views.team_dashboard_home, name="team_dashboard_home"),
    path("dashboard/team/<int:pk>/", views.team_dashboard, name="team_dashboard"),
    path("dashboard/la/<int:pk>/", views.la_dashboard, name="la_dashboard"),
]
