from django.urls import path

from . import views

urlpatterns: list = [
    path("returns/<int:pk>/improvement/", views.return_improvement, name="return_improvement"),
    path("improvement/", views.improvement_list, name="improvement_list"),
    path("improvement/export.<str:fmt>", views.improvement_export, name="improvement_export"),
    path("dashboard/_improvement/", views.improvement_dashboard_panel, name="improvement_panel"),
]
