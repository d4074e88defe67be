"""Included by reports/urls.py under /reports/handbook/, so the names are in the reports namespace
(reports:handbooks, reports:handbook_detail, ...); `public_urlpatterns` is included by
config/urls.py under /handbook/ as the `handbook` namespace (handbook:public, handbook:public_pdf).
"""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.handbook_home, name="handbook_home"),
    path("pilot/<int:pilot_pk>/", views.handbooks, name="handbooks"),
    path("pilot/<int:pilot_pk>/request/", views.handbook_request, name="handbook_request"),
    path("pilot/<int:pilot_pk>/words/", views.handbook_words, name="handbook_words"),
    path("<int:pk>/", views.handbook_detail, name="handbook_detail"),
    path("<int:pk>/progress/", views.handbook_progress, name="handbook_progress"),
    path("<int:pk>/rebuild/", views.handbook_rebuild, name="handbook_rebuild"),
    path("<int:pk>/v<int:number>/handbook.pdf", views.handbook_pdf, name="handbook_pdf"),
    path("<int:pk>/v<int:number>/handbook.html", views.handbook_html, name="handbook_html"),
    path("<int:pk>/v<int:number>/publish/", views.handbook_publish, name="handbook_publish"),
    path("<int:pk>/v<int:number>/unpublish/", views.handbook_unpublish, name="handbook_unpublish"),
]

public_urlpatterns = [
    path("<slug:pilot_slug>/", views.public_handbook, name="public"),
    path("<slug:pilot_slug>/handbook.pdf", views.public_handbook_pdf, name="public_pdf"),
]
