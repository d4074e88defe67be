"""The manager's choice of quarter, and the confirmation that publishes its pack."""

from __future__ import annotations

from typing import Any

from django import forms

from common.quarters import Quarter


class PublishForm(forms.Form):
    quarter = forms.ChoiceField(label="Quarter")
    corrects = forms.CharField(
        label="What this version corrects",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when the quarter already has a published pack: what was wrong in it.",
    )

    def __init__(self, *args: Any, quarters: list[Quarter], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.quarters = {q.slug: q for q in quarters}
        self.fields["quarter"].choices = [(q.slug, q.long_label) for q in quarters]

    def quarter_value(self) -> Quarter:
        return self.quarters[self.cleaned_data["quarter"]]
