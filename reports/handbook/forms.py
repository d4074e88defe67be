"""The handbook's forms: the period to build it for, and the pilot's own words."""

from __future__ import annotations

from django import forms

from common.quarters import Quarter

from .models import WORDS_MAX_LENGTH, HandbookWords


class HandbookRequestForm(forms.Form):
    first = forms.ChoiceField(label="From", help_text="The first quarter the handbook covers.")
    last = forms.ChoiceField(label="To", help_text="The last quarter the handbook covers.")

    def __init__(self, *args, quarters: list[Quarter], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.quarters = {q.slug: q for q in quarters}
        choices = [(q.slug, q.long_label) for q in quarters]
        self.fields["first"].choices = choices
        self.fields["last"].choices = choices
        if quarters:
            self.fields["first"].initial = quarters[0].slug
            self.fields["last"].initial = quarters[-1].slug

    def clean(self) -> dict:
        data = super().clean()
        if "first" not in data or "last" not in data:
            return data
        first, last = self.quarters[data["first"]], self.quarters[data["last"]]
        if last.index < first.index:
            self.add_error(
                "last", f"The last quarter must not come before the first ({first.label})."
            )
            return data
        data["first_quarter"], data["last_quarter"] = first, last
        return data


class HandbookWordsForm(forms.ModelForm):
    class Meta:
        model = HandbookWords
        fields = ["foreword", "lessons"]
        labels = {"foreword": "Foreword", "lessons": "Lessons learnt"}
        help_texts = {
            "foreword": (
                "Opens the handbook: who the pilot is, what it set out to do, and who it is for. "
                f"Up to {WORDS_MAX_LENGTH:,} characters. Never name the people supported."
            ),
            "lessons": (
                "Closes it: what you would tell another area starting Housing First. "
                f"Up to {WORDS_MAX_LENGTH:,} characters. Never name the people supported."
            ),
        }
        widgets = {
            "foreword": forms.Textarea(attrs={"rows": 10}),
            "lessons": forms.Textarea(attrs={"rows": 14}),
        }
