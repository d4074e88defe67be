"""Included by reports/urls.py under /reports/reminders/, so the names are in the reports
namespace: reports:reminders, reports:reminder_detail, reports:reminder_settings,
reports:dashboard_attention."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.reminders, name="reminders"),
    path("<int:pk>/", views.reminder_detail, name="reminder_detail"),
    path("settings/<int:pilot_pk>/", views.reminder_settings, name="reminder_settings"),
    path("_dashboard-attention/", views.dashboard_attention, name="dashboard_attention"),
]
