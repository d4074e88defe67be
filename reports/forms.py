from __future__ import annotations

import datetime

from django import forms

from common.quarters import Quarter
from partners import access
from partners.models import User

from . import selectors
from .services import scope_pilot


class ReportRequestForm(forms.Form):
    scope = forms.ChoiceField(
        label="Report for", help_text="The pilot, a zone, an LA or a partner."
    )
    quarter = forms.ChoiceField(label="Quarter")

    def __init__(self, *args, user: User, today: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        groups = selectors.requestable_scopes(user=user)
        self.fields["scope"].choices = [("", "Choose a report"), *groups]
        pilot = access.pilots_managed_by(user=user).first()
        quarters = selectors.quarter_choices(pilot=pilot, today=today) if pilot else []
        self.fields["quarter"].choices = [(q.slug, q.long_label) for q in quarters]
        if quarters:
            self.fields["quarter"].initial = quarters[0].slug

    def clean(self) -> dict:
        data = super().clean()
        if "scope" not in data or "quarter" not in data:
            return data
        scope = selectors.scope_for_user(user=self.user, value=data["scope"])
        if scope is None:
            self.add_error("scope", "Choose one of the reports in the list.")
            return data
        convention = scope_pilot(scope).quarter_convention
        data["scope_object"] = scope
        data["quarter_value"] = Quarter.from_slug(data["quarter"], convention)
        return data


class QuarterFilterForm(forms.Form):
    quarter = forms.ChoiceField(
        label="Quarter", required=False, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, quarters: list[Quarter], **kwargs) -> None:
        # Its own ids: the reports page also holds the request form, whose quarter is id_quarter.
        kwargs.setdefault("auto_id", "filter_%s")
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [(q.slug, q.long_label) for q in quarters]
