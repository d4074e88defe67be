from django.urls import path

from fidelity.spreadsheets import views

# Returns as spreadsheets (fidelity/spreadsheets/views.py).
urlpatterns: list = [
    path("returns/spreadsheet/", views.spreadsheet_index, name="spreadsheet_index"),
    path("returns/spreadsheet/past/", views.spreadsheet_bulk, name="spreadsheet_bulk"),
    path(
        "returns/spreadsheet/<int:team_pk>/<slug:quarter>/template.xlsx",
        views.spreadsheet_template,
        name="spreadsheet_template",
    ),
    path(
        "returns/spreadsheet/<int:team_pk>/<slug:quarter>/upload/",
        views.spreadsheet_upload,
        name="spreadsheet_upload",
    ),
    path(
        "returns/spreadsheet/<int:team_pk>/<slug:quarter>/preview/",
        views.spreadsheet_preview,
        name="spreadsheet_preview",
    ),
    path(
        "returns/spreadsheet/<int:team_pk>/<slug:quarter>/confirm/",
        views.spreadsheet_confirm,
        name="spreadsheet_confirm",
    ),
]
