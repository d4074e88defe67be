from django.urls import path

from . import section_views, views

urlpatterns: list = [
    path("returns/", views.return_list, name="return_list"),
    path("returns/start/", views.return_start, name="return_start"),
    path("returns/review/", views.review_list, name="review_list"),
    path(
        "returns/quarter/<slug:quarter>/fhir.json",
        views.returns_bundle,
        name="returns_bundle",
    ),
    path("returns/_home/", views.home_panel, name="home_panel"),
    path("returns/_team/<int:team_pk>/", views.team_returns, name="team_returns"),
    path("returns/<int:pk>/", views.return_detail, name="return_detail"),
    path("returns/<int:pk>/edit/", views.return_edit, name="return_edit"),
    path("returns/<int:pk>/tasks/", section_views.return_tasks, name="return_tasks"),
    path(
        "returns/<int:pk>/section/<slug:slug>/",
        section_views.return_section,
        name="return_section",
    ),
    path("returns/<int:pk>/check/", section_views.return_check, name="return_check"),
    path("returns/<int:pk>/submit/", section_views.return_check_submit, name="return_check_submit"),
    path("returns/<int:pk>/review/", views.return_review, name="return_review"),
    path("returns/<int:pk>/export.<str:fmt>/", views.return_export, name="return_export"),
]
