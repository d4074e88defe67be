"""The admin site: administrators only, set-up first, technical models under one heading.

Drop-downs in the admin say whose each choice is ("Central (Greater Manchester Housing First)"),
because several pilots and frameworks use the same names. Models' own `__str__` stays short: the
app's pages and PDFs print it where the pilot or version is already on the page.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest

# model -> (label for a choice, related fields to fetch with the choices)
_CHOICE_LABELS: dict[type[models.Model], tuple[Callable[[models.Model], str], list[str]]] = {}

# Set-up in the order an administrator does it; anything not listed follows in its app's order.
_SETUP_ORDER = [
    ("partners", ["Pilot", "Zone", "LocalAuthority", "Organisation", "Team", "User"]),
    ("fidelity", ["Framework", "FrameworkVersion", "PilotFramework"]),
]
_TECHNICAL_APPS = {
    "axes",
    "django_celery_beat",
    "django_celery_results",
    "auth",
    "otp_totp",
    "otp_static",
}
TECHNICAL_HEADING = "Technical: sign-in lockouts, two-factor devices, scheduled tasks, groups"


def register_choice_label(
    model: type[models.Model], label: Callable[[models.Model], str], related: list[str]
) -> None:
    _CHOICE_LABELS[model] = (label, related)


def label_choices(field: forms.Field | None) -> forms.Field | None:
    """Label a foreign-key or many-to-many field's choices with their pilot or framework."""
    if not isinstance(field, forms.ModelChoiceField):
        return field
    entry = _CHOICE_LABELS.get(field.queryset.model)
    if entry is None:
        return field
    label, related = entry
    field.queryset = field.queryset.select_related(*related)
    field.label_from_instance = label
    return field


class LabelledChoices:
    """For a ModelAdmin or an inline: its drop-downs say whose each choice is."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return label_choices(super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return label_choices(super().formfield_for_manytomany(db_field, request, **kwargs))


class PilotAdminSite(admin.AdminSite):
    site_header = "Housing First QA: administration"
    site_title = "Housing First QA admin"
    index_title = "Set up pilots, partners, teams and people"

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict]:
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps
        order = {label: i for i, (label, _) in enumerate(_SETUP_ORDER)}
        models_first = dict(_SETUP_ORDER)
        ordinary, technical = [], []
        for app in apps:
            if app["app_label"] in _TECHNICAL_APPS:
                technical.extend(app["models"])
                continue
            first = models_first.get(app["app_label"], [])
            app["models"].sort(
                key=lambda m: (
                    first.index(m["object_name"]) if m["object_name"] in first else len(first)
                )
            )
            ordinary.append(app)
        ordinary.sort(key=lambda a: order.get(a["app_label"], len(order)))
        if technical:
            ordinary.append(
                {
                    "name": TECHNICAL_HEADING,
                    "app_label": "technical",
                    "app_url": "",
                    "has_module_perms": True,
                    "models": technical,
                }
            )
        return ordinary
