from django.urls import path

from . import views

urlpatterns: list = [
    path("returns/", views.return_list, name="return_list"),
    path("returns/start/", views.return_start, name="return_start"),
    path("returns/review/", views.review_list, name="review_list"),
    path("returns/_home/", views.home_panel, name="home_panel"),
    path("returns/_team/<int:team_pk>/", views.team_returns, name="team_returns"),
    path("returns/<int:pk>/", views.return_detail, name="return_detail"),
    path("returns/<int:pk>/edit/", views.return_edit, name="return_edit"),
    path("returns/<int:pk>/review/", views.return_review, name="return_review"),
    path("returns/<int:pk>/export.<str:fmt>/", views.return_export, name="return_export"),
]
