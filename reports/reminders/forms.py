"""The small form pilot managers use to change when their pilot's reminders go out."""

from __future__ import annotations

from django import forms

from .models import ReminderSettings


class ReminderSettingsForm(forms.ModelForm):
    class Meta:
        model = ReminderSettings
        fields = ["days_before", "days_after_overdue", "digest_enabled"]
