"""The challenge summary's filters: series, principle, zone and dates."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.formats import date_format

from fidelity.frameworks.selectors import pilot_framework_words
from partners.models import Pilot, Zone

from .models import Challenge, ForumSeries
from .selectors import principle_choices


class ChallengeFilter(django_filters.FilterSet):
    series = django_filters.ModelChoiceFilter(
        field_name="session__series", queryset=ForumSeries.objects.none(), label="Series"
    )
    # Labelled in __init__ with the words of the pilot's framework.
    principle = django_filters.ChoiceFilter(field_name="principle_code")
    zone = django_filters.ModelChoiceFilter(
        field_name="local_authorities__zone",
        queryset=Zone.objects.none(),
        label="Zone",
        distinct=True,
    )
    date_from = django_filters.DateFilter(
        field_name="session__date",
        lookup_expr="gte",
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="session__date",
        lookup_expr="lte",
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Challenge
        fields: list[str] = []

    def __init__(self, data=None, *args, pilot: Pilot, **kwargs) -> None:
        super().__init__(data, *args, **kwargs)
        self.pilot = pilot
        self.filters["series"].queryset = ForumSeries.objects.filter(pilot=pilot)
        self.filters["zone"].queryset = Zone.objects.filter(pilot=pilot)
        self.words = pilot_framework_words(pilot=pilot)
        self.filters["principle"].label = self.words.section_heading
        self.filters["principle"].extra["empty_label"] = f"All {self.words.sections}"
        self.filters["principle"].extra["choices"] = principle_choices(pilot=pilot)
        for field in self.form.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if is_select else "form-control"

    def good_practice(self, good_practice):
        """The same filters applied to good practice examples (zone: the organisation's teams)."""
        data = self.form.cleaned_data if self.is_valid() else {}
        if data.get("series"):
            good_practice = good_practice.filter(session__series=data["series"])
        if data.get("principle"):
            good_practice = good_practice.filter(principle_code=data["principle"])
        if data.get("date_from"):
            good_practice = good_practice.filter(session__date__gte=data["date_from"])
        if data.get("date_to"):
            good_practice = good_practice.filter(session__date__lte=data["date_to"])
        if data.get("zone"):
            good_practice = good_practice.filter(
                organisation__teams__local_authorities__zone=data["zone"]
            ).distinct()
        return good_practice

    def description(self) -> str:
        """The filters in words, for the report's subtitle."""
        data = self.form.cleaned_data if self.is_valid() else {}
        parts = []
        if data.get("series"):
            parts.append(f"Series: {data['series'].title}")
        if data.get("principle"):
            parts.append(f"{self.words.section_heading}: {data['principle']}")
        if data.get("zone"):
            parts.append(f"Zone: {data['zone'].name}")
        if data.get("date_from"):
            parts.append(f"From {date_format(data['date_from'])}")
        if data.get("date_to"):
            parts.append(f"To {date_format(data['date_to'])}")
        return "; ".join(["Published sessions only", *parts])
