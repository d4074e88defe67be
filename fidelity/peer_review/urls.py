from django.urls import path

from . import views

urlpatterns: list = [
    path("peer-reviews/", views.peer_review_list, name="peer_review_list"),
    path("peer-reviews/assign/", views.peer_review_assign, name="peer_review_assign"),
    path("peer-reviews/<int:pk>/", views.peer_review_detail, name="peer_review_detail"),
    path("peer-reviews/<int:pk>/step/<int:step>/", views.peer_review_step, name="peer_review_step"),
    path("peer-reviews/<int:pk>/submit/", views.peer_review_submit, name="peer_review_submit"),
    path("peer-reviews/_team/<int:team_pk>/", views.team_peer_gaps, name="team_peer_gaps"),
    path("dashboard/_peer-gaps/", views.pilot_peer_gaps, name="pilot_peer_gaps"),
]
