from django.urls import include, path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("request/", views.request_report, name="request"),
    path("_home/", views.home_panel, name="home_panel"),
    path("reminders/", include("reports.reminders.urls")),
    path("handbook/", include("reports.handbook.urls")),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/retry/", views.retry, name="retry"),
    path("<int:pk>/download/", views.download, name="download"),
    path(
        "<int:pk>/versions/<int:number>/download/", views.download_version, name="download_version"
    ),
]
