"""Forms for peer review, written for people who do not use such software every day."""

from __future__ import annotations

from typing import Any

from django import forms

from common.forms import ModelMultipleChoiceField
from common.quarters import Quarter
from fidelity.frameworks.models import Indicator
from fidelity.peer_review.models import PeerReview, PeerReviewScore
from partners.models import Team, User

COULD_NOT_TELL = "na"
COULD_NOT_TELL_LABEL = "I could not tell"


class AssignForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label="Team to review")
    quarter = forms.ChoiceField(label="Quarter")
    reviewer = forms.ModelChoiceField(queryset=User.objects.none(), label="Reviewer")
    indicators = ModelMultipleChoiceField(
        queryset=Indicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Indicators to review",
        help_text="Leave all unticked to review every indicator.",
    )

    def __init__(self, *args: Any, teams, reviewers, indicators, quarters, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["reviewer"].queryset = reviewers
        self.fields["indicators"].queryset = indicators
        self.fields["indicators"].label_from_instance = lambda i: f"{i.code} {i.text}"
        self.fields["quarter"].choices = [(q.slug, q.label) for q in quarters]
        self.quarters = {q.slug: q for q in quarters}

    def quarter_value(self) -> Quarter:
        return self.quarters[self.cleaned_data["quarter"]]


class HowForm(forms.ModelForm):
    """Step one: how the reviewer looked at the team's work."""

    class Meta:
        model = PeerReview
        fields = ["client_interviews", "case_files", "observation", "summary"]
        labels = {
            "client_interviews": "I talked with people the team supports",
            "case_files": "I read case files",
            "observation": "I watched the team at work",
            "summary": "Anything else you want to say about the review (optional)",
        }
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class PeerScoreForm(forms.Form):
    """One indicator: the reviewer's score on the framework's scale, and what they saw."""

    rating = forms.ChoiceField(required=False, widget=forms.RadioSelect)
    evidence = forms.CharField(
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In your own words. Please do not write anyone's name.",
    )

    def __init__(
        self, *args: Any, row: PeerReviewScore, scale: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        if "initial" not in kwargs:
            rating = (
                COULD_NOT_TELL if row.not_assessed else ("" if row.score is None else row.score)
            )
            kwargs["initial"] = {"rating": str(rating), "evidence": row.evidence}
        super().__init__(*args, **kwargs)
        self.row = row
        code = row.indicator.code
        # Reviewers read the indicator in plain words; staff pages keep the framework's text.
        self.fields["rating"].label = f"{code} {row.indicator.text_for_reviewers}"
        self.fields["rating"].choices = [
            *[(str(value), f"{value}: {label}") for value, label in scale],
            (COULD_NOT_TELL, COULD_NOT_TELL_LABEL),
        ]
        self.fields["evidence"].label = f"What did you see or hear? ({code})"

    def values(self) -> dict[str, Any]:
        rating = self.cleaned_data.get("rating") or ""
        return {
            "score": int(rating) if rating.isdigit() else None,
            "not_assessed": rating == COULD_NOT_TELL,
            "evidence": self.cleaned_data.get("evidence", ""),
        }
