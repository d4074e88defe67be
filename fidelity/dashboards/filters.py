"""The dashboard's filters: zones, local authorities, organisations, a quarter range, and whether
provisional (submitted, not yet approved) returns count.

All choices come from lists the view has already loaded, so building, validating and rendering
the form costs no query. Its `.qs` is the pilot's teams in scope; `scope()` gives the same
selection as ids for the dashboard selectors.
"""

from __future__ import annotations

from collections.abc import Sequence

import django_filters
from django import forms

from common.quarters import Quarter
from fidelity.dashboards.figures import Scope
from partners.models import LocalAuthority, Organisation, Pilot, Team


class DashboardFilter(django_filters.FilterSet):
    # Their empty choices are set with the quarters, so no "---------" is added before them.
    quarter = django_filters.ChoiceFilter(label="Quarter", method="keep_all", empty_label=None)
    since = django_filters.ChoiceFilter(label="Trends from", method="keep_all", empty_label=None)
    zone = django_filters.MultipleChoiceFilter(
        label="Zones", field_name="local_authorities__zone", distinct=True
    )
    la = django_filters.MultipleChoiceFilter(
        label="Local authorities", field_name="local_authorities", distinct=True
    )
    organisation = django_filters.MultipleChoiceFilter(
        label="Organisations", field_name="organisation"
    )

    approved = django_filters.BooleanFilter(
        label="Approved returns only",
        method="keep_all",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    class Meta:
        model = Team
        fields: list[str] = []

    def __init__(
        self,
        data=None,
        *,
        pilot: Pilot,
        local_authorities: Sequence[LocalAuthority],
        organisations: Sequence[Organisation],
        quarters: Sequence[Quarter],
        default_quarter: Quarter,
    ) -> None:
        super().__init__(data, queryset=Team.objects.filter(organisation__pilot=pilot))
        self.quarters = {q.slug: q for q in quarters}
        zones = {la.zone_id: la.zone.name for la in local_authorities}
        quarter_choices = [(q.slug, q.label) for q in quarters]
        fields = self.form.fields
        fields["quarter"].choices = [
            ("", f"{default_quarter.label} (latest past its deadline)"),
            *quarter_choices,
        ]
        fields["since"].choices = [("", "Last 8 quarters"), *quarter_choices]
        fields["zone"].choices = sorted(
            ((str(pk), name) for pk, name in zones.items()), key=lambda c: c[1]
        )
        fields["la"].choices = [(str(la.pk), la.name) for la in local_authorities]
        fields["organisation"].choices = [(str(o.pk), o.name) for o in organisations]
        for name in ("zone", "la", "organisation"):
            # Checkboxes, not a multi-select: no Ctrl or Cmd to learn, and they work on phones.
            fields[name].widget = forms.CheckboxSelectMultiple(
                choices=fields[name].choices, attrs={"class": "form-check-input"}
            )
        for name in ("quarter", "since"):
            fields[name].widget.attrs["class"] = "form-select"

    def keep_all(self, queryset, name, value):
        """Quarters choose what the panels show, not which teams are in scope."""
        return queryset

    @property
    def cleaned(self) -> dict:
        """The valid part of the input: a bad value is reported and ignored, the rest kept."""
        self.form.is_valid()
        return getattr(self.form, "cleaned_data", {})

    def scope(self) -> Scope:
        data = self.cleaned

        def ids(name: str) -> tuple[int, ...]:
            return tuple(sorted(int(v) for v in data.get(name) or ()))

        return Scope(
            zones=ids("zone"),
            local_authorities=ids("la"),
            organisations=ids("organisation"),
            approved_only=bool(data.get("approved")),
        )

    def quarter_value(self, default: Quarter) -> Quarter:
        return self.quarters.get(self.cleaned.get("quarter") or "", default)

    def since_value(self) -> Quarter | None:
        return self.quarters.get(self.cleaned.get("since") or "")
