"""The return form: caseload figures, one score form per indicator, and the QA activities.

The forms parse fields (numbers, dates, lengths) on every save. The submission rules live in
`services.return_submit_errors`; when it refuses a submission, `show_submit_errors` puts each
reason next to its field.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils import timezone

from fidelity.frameworks.models import Indicator
from fidelity.measures.models import PilotMeasure
from fidelity.measures.validation import measure_key, value_error
from fidelity.returns import due_dates, validation
from fidelity.returns.models import (
    CASELOAD_FIELDS,
    ActivityKind,
    IndicatorScore,
    QAActivity,
    QAReturn,
)

NOT_ASSESSED = "na"
COUNTED_KINDS = {
    ActivityKind.CASE_FILE_AUDIT: "Enter how many case files were audited.",
    ActivityKind.CLIENT_FEEDBACK: "Enter how many people gave feedback or were interviewed.",
}


def _no_form_tag() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class _FiguresForm(forms.Form):
    """Figures keyed by name, the way `return_submit_errors` keys its errors about them."""

    def show_submit_errors(self, errors: Mapping[str, str]) -> set[str]:
        """Puts each submit error about a figure of this form next to it; gives back their keys."""
        placed = {key for key in errors if key in self.fields}
        for key in placed:
            self.add_error(key, errors[key])
        return placed


class CaseloadForm(_FiguresForm):
    """The quarter's caseload figures. Blank is allowed in a draft."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in forms.fields_for_model(QAReturn, fields=CASELOAD_FIELDS).items():
            field.required = False
            field.error_messages["min_value"] = "Enter 0 or more."
            field.error_messages["invalid"] = "Enter a whole number, such as 12."
            if name == "staff_fte":
                field.error_messages["invalid"] = "Enter a number, such as 3.5."
                field.widget.attrs["step"] = "0.01"
            field.widget.attrs["inputmode"] = "decimal" if name == "staff_fte" else "numeric"
            if name != "staff_fte":  # past the database's integer range would be a 500
                field.validators.append(
                    MaxValueValidator(1_000_000, "Enter a number up to 1000000.")
                )
            self.fields[name] = field
        self.helper = _no_form_tag()

    def warning(self, target: Decimal) -> str | None:
        data = (
            self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else self.initial
        )
        return validation.caseload_warning(data, target)


class MeasuresForm(_FiguresForm):
    """The pilot's own measures for the quarter, one field each (named by `measure_key`).
    Blank is allowed in a draft; each value typed must be one the measure can hold."""

    def __init__(self, *args: Any, measures: list[PilotMeasure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measures = {measure_key(m.pk): m for m in measures}
        for name, measure in self.measures.items():
            example = "12" if measure.is_whole else "12.5"
            self.fields[name] = forms.DecimalField(
                label=measure.name,
                help_text=measure.help_text,
                required=False,
                error_messages={
                    "invalid": f"Enter a {'whole ' if measure.is_whole else ''}number, such as "
                    f"{example}."
                },
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric" if measure.is_whole else "decimal"}
                ),
            )
        self.helper = _no_form_tag()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, measure in self.measures.items():
            value = data.get(name)
            if value is not None and (error := value_error(measure=measure, value=value)):
                self.add_error(name, error)
        return data


class IndicatorScoreForm(forms.Form):
    """One indicator: a score from the framework's scale or "not assessed", and the evidence."""

    rating = forms.ChoiceField(required=False, widget=forms.RadioSelect)
    not_assessed_reason = forms.CharField(
        label="If not assessed, why not?", required=False, max_length=500
    )
    evidence = forms.CharField(
        label="Evidence",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "grow"}),
        help_text="What shows this: audits, feedback, observation. No names of people supported.",
    )

    def __init__(
        self, *args: Any, indicator: Indicator, scale: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["rating"].label = f"{indicator.code} {indicator.text}"
        self.fields["rating"].choices = [
            *[(str(value), f"{value} {label}") for value, label in scale],
            (NOT_ASSESSED, "Not assessed this quarter"),
        ]
        self.fields["rating"].widget.attrs["class"] = "score-choice"
        self.fields["not_assessed_reason"].label = f"Reason {indicator.code} was not assessed"
        self.fields["not_assessed_reason"].widget.attrs["class"] = "not-assessed-reason"
        self.fields["evidence"].label = f"Evidence for {indicator.code}"

    @staticmethod
    def initial_for(row: IndicatorScore) -> dict[str, Any]:
        rating = NOT_ASSESSED if row.not_assessed else ("" if row.score is None else str(row.score))
        return {
            "rating": rating,
            "not_assessed_reason": row.not_assessed_reason,
            "evidence": row.evidence,
        }

    def values(self) -> dict[str, Any]:
        rating = self.cleaned_data.get("rating") or ""
        return {
            "score": int(rating) if rating.isdigit() else None,
            "not_assessed": rating == NOT_ASSESSED,
            "not_assessed_reason": self.cleaned_data.get("not_assessed_reason", ""),
            "evidence": self.cleaned_data.get("evidence", ""),
        }

    @property
    def is_answered(self) -> bool:
        if self.is_bound:
            return bool(self.data.get(self.add_prefix("rating")))
        return bool(self.initial.get("rating"))

    def show_submit_errors(self, errors: Mapping[str, str]) -> set[str]:
        """Puts each submit error about this indicator next to its field; gives back their keys."""
        placed = set()
        for field in ("rating", "not_assessed_reason"):
            key = validation.score_error_key(indicator_code=self.indicator.code, field=field)
            if key in errors:
                self.add_error(field, errors[key])
                placed.add(key)
        return placed


class BaseScoreFormSet(forms.BaseFormSet):
    """One form per indicator of the return's framework version, in the framework's order."""

    def __init__(self, *args: Any, rows: list[IndicatorScore], scale, **kwargs: Any) -> None:
        self.rows = rows
        self.scale = scale
        kwargs.setdefault("initial", [IndicatorScoreForm.initial_for(r) for r in rows])
        super().__init__(*args, **kwargs)

    def total_form_count(self) -> int:
        return len(self.rows)

    def add_prefix(self, index: int) -> str:
        # By indicator code, so a field keeps its id on whichever page shows it.
        return f"{self.prefix}-{self.rows[index].indicator.code}"

    def get_form_kwargs(self, index: int) -> dict[str, Any]:
        return {"indicator": self.rows[index].indicator, "scale": self.scale}

    def values(self) -> dict[int, dict[str, Any]]:
        return {
            row.indicator_id: form.values() for row, form in zip(self.rows, self.forms, strict=True)
        }

    def show_submit_errors(self, errors: Mapping[str, str]) -> set[str]:
        placed: set[str] = set()
        for form in self.forms:
            placed |= form.show_submit_errors(errors)
        return placed

    @property
    def answered(self) -> int:
        return sum(1 for form in self.forms if form.is_answered)


ScoreFormSet = forms.formset_factory(IndicatorScoreForm, formset=BaseScoreFormSet, extra=0)


class ActivityForm(forms.ModelForm):
    class Meta:
        model = QAActivity
        fields = ["kind", "date", "count", "finding"]
        labels = {
            "kind": "Activity",
            "count": "How many (case files audited, or people who gave feedback)",
            "finding": "What you found",
        }
        help_texts = {"count": ""}
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "finding": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "kind": {"required": "Choose the kind of activity."},
            "date": {"required": "Enter the date of the activity.", "invalid": "Enter a date."},
            "finding": {"required": "Say briefly what the activity found."},
            "count": {"min_value": "Enter 0 or more."},
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        message = COUNTED_KINDS.get(data.get("kind"))
        if message and data.get("count") is None:
            self.add_error("count", message)
        return data

    def values(self) -> dict[str, Any]:
        return {
            "id": self.instance.pk,
            "kind": self.cleaned_data.get("kind"),
            "date": self.cleaned_data.get("date"),
            "count": self.cleaned_data.get("count"),
            "finding": self.cleaned_data.get("finding"),
            "delete": bool(self.cleaned_data.get("DELETE")),
        }


class BaseActivityFormSet(forms.BaseModelFormSet):
    def values(self) -> list[dict[str, Any]]:
        result = []
        for form in self.forms:
            if not form.instance.pk and not form.has_changed():
                continue
            if form.instance.pk and not hasattr(form, "cleaned_data"):
                continue
            result.append(form.values())
        return result


ActivityFormSet = forms.modelformset_factory(
    QAActivity, form=ActivityForm, formset=BaseActivityFormSet, extra=1, can_delete=True
)


class _NewDueDateForm(forms.Form):
    """A move back to the team: the date the changes are due, offered as
    `due_dates.default_changes_due` for the return whose `deadline` is given."""

    due = forms.DateField(
        label="New due date",
        help_text="By default 10 working days from today (Monday to Friday; bank holidays are "
        "not counted out), or the return's own deadline if that is later.",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the date the changes are due.",
            "invalid": "Enter a real date, for example 14/12/2026.",
        },
    )

    def __init__(self, *args: Any, deadline: datetime.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if deadline is not None:
            self.fields["due"].initial = due_dates.default_changes_due(
                today=timezone.localdate(), deadline=deadline
            )

    def clean_due(self) -> datetime.date:
        due = self.cleaned_data["due"]
        if error := due_dates.due_date_error(due=due, today=timezone.localdate()):
            raise ValidationError(error)
        return due


class CommentForm(_NewDueDateForm):
    field_order = ["comment", "due"]
    comment = forms.CharField(
        label="What needs to change",
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        max_length=2000,
        error_messages={"required": "Say what needs to change before sending it back."},
    )


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        max_length=2000,
    )


class ReopenForm(_NewDueDateForm):
    field_order = ["reason", "due"]
    reason = forms.CharField(
        label="Why reopen this approved return?",
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        max_length=2000,
        error_messages={"required": "Give a reason for reopening the return."},
    )
