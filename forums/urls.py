from django.urls import path

from . import views

app_name = "forums"

urlpatterns = [
    path("", views.index, name="index"),
    path("_home/", views.home_panel, name="home_panel"),
    path("series/new/", views.series_create, name="series_create"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/publish/", views.session_publish, name="session_publish"),
    path("sessions/<int:pk>/<str:kind>/add/", views.note_add, name="note_add"),
    path(
        "sessions/<int:pk>/<str:kind>/<int:note_pk>/delete/",
        views.note_delete,
        name="note_delete",
    ),
    path("themes/", views.theme_options, name="theme_options"),
    path("cross-la/", views.cross_la, name="cross_la"),
    path("cross-la/confirm/", views.shared_confirm, name="shared_confirm"),
    path("summary/", views.summary, name="summary"),
    path("summary.csv", views.summary_csv, name="summary_csv"),
    path("summary.pdf", views.summary_pdf, name="summary_pdf"),
    path(
        "principles/<str:code>/challenges/",
        views.principle_challenges,
        name="principle_challenges",
    ),
    path("actions/", views.actions, name="actions"),
    path("actions/<int:pk>/status/", views.action_status, name="action_status"),
]
