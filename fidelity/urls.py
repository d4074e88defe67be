from django.urls import path

from . import improvement_views, peer_review_views, views
from .dashboard_urls import urlpatterns as dashboard_urlpatterns
from .spreadsheet_urls import urlpatterns as spreadsheet_urlpatterns

app_name = "fidelity"

# Returns, review and the home panel (fidelity/views.py), then the dashboards.
urlpatterns: list = (
    [
        path("returns/", views.return_list, name="return_list"),
        path("returns/start/", views.return_start, name="return_start"),
        path("returns/review/", views.review_list, name="review_list"),
        path("returns/_home/", views.home_panel, name="home_panel"),
        path("returns/_team/<int:team_pk>/", views.team_returns, name="team_returns"),
        path("returns/<int:pk>/", views.return_detail, name="return_detail"),
        path("returns/<int:pk>/edit/", views.return_edit, name="return_edit"),
        path("returns/<int:pk>/review/", views.return_review, name="return_review"),
        path("returns/<int:pk>/export.<str:fmt>/", views.return_export, name="return_export"),
        path(
            "returns/<int:pk>/improvement/",
            improvement_views.return_improvement,
            name="return_improvement",
        ),
        path("improvement/", improvement_views.improvement_list, name="improvement_list"),
        path(
            "improvement/export.<str:fmt>",
            improvement_views.improvement_export,
            name="improvement_export",
        ),
        path(
            "dashboard/_improvement/",
            improvement_views.improvement_dashboard_panel,
            name="improvement_panel",
        ),
        path("peer-reviews/", peer_review_views.peer_review_list, name="peer_review_list"),
        path(
            "peer-reviews/assign/", peer_review_views.peer_review_assign, name="peer_review_assign"
        ),
        path(
            "peer-reviews/<int:pk>/",
            peer_review_views.peer_review_detail,
            name="peer_review_detail",
        ),
        path(
            "peer-reviews/<int:pk>/step/<int:step>/",
            peer_review_views.peer_review_step,
            name="peer_review_step",
        ),
        path(
            "peer-reviews/<int:pk>/submit/",
            peer_review_views.peer_review_submit,
            name="peer_review_submit",
        ),
        path(
            "peer-reviews/_team/<int:team_pk>/",
            peer_review_views.team_peer_gaps,
            name="team_peer_gaps",
        ),
        path("dashboard/_peer-gaps/", peer_review_views.pilot_peer_gaps, name="pilot_peer_gaps"),
    ]
    + dashboard_urlpatterns
    + spreadsheet_urlpatterns
)
