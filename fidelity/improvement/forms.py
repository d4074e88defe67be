"""Forms for the improvement plan: one per low-scored indicator, one per carried action."""

from __future__ import annotations

from typing import Any

from django import forms

from common.quarters import Quarter

PLAN_CHOICES = [
    ("action", "We will act on this"),
    ("no_action", "No action, because…"),
]
UPDATE_CHOICES = [
    ("done", "Done"),
    ("in_progress", "In progress"),
    ("dropped", "Dropped"),
]


class PlanForm(forms.Form):
    """The plan for one indicator scored 1 or 2: an action in full, or a reason for none."""

    plan = forms.ChoiceField(choices=PLAN_CHOICES, widget=forms.RadioSelect, required=False)
    what = forms.CharField(
        label="What will change",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    owner = forms.CharField(
        label="Who owns it",
        required=False,
        max_length=200,
        help_text="A role or a member of staff; never a client's name.",
    )
    target = forms.ChoiceField(label="Done by the end of", required=False)
    no_action_reason = forms.CharField(
        label="Why no action is needed",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, low, quarters: list[Quarter], **kwargs: Any) -> None:
        action = low.action
        if action is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "plan": "no_action" if action.no_action else "action",
                "what": action.what,
                "owner": action.owner,
                "target": str(action.target_quarter_index or ""),
                "no_action_reason": action.no_action_reason,
            }
        super().__init__(*args, **kwargs)
        self.low = low
        code = low.row.indicator.code
        self.fields["plan"].label = f"Plan for indicator {code}"
        self.fields["target"].choices = [("", "Choose a quarter")] + [
            (str(q.index), q.label) for q in quarters
        ]
        for name in ("what", "owner", "target", "no_action_reason"):
            self.fields[name].label = f"{self.fields[name].label} ({code})"

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        target = data.get("target")
        return {
            "no_action": data.get("plan") == "no_action",
            "no_action_reason": data.get("no_action_reason", ""),
            "what": data.get("what", ""),
            "owner": data.get("owner", ""),
            "target": int(target) if target else None,
        }

    @property
    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(n) for n in self.fields)


class UpdateForm(forms.Form):
    """How an action carried from an earlier return stands now."""

    status = forms.ChoiceField(choices=[("", "Choose")] + UPDATE_CHOICES, required=False)
    update_note = forms.CharField(
        label="Progress, or why it was dropped",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 1, "class": "form-control grow"}),
    )

    def __init__(self, *args: Any, action, qa_return, **kwargs: Any) -> None:
        if "initial" not in kwargs and action.updated_on_id == qa_return.pk:
            kwargs["initial"] = {"status": action.status, "update_note": action.update_note}
        super().__init__(*args, **kwargs)
        self.action = action
        code = action.indicator.code
        self.fields["status"].label = f"How the action on {code} stands"
        self.fields["status"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["update_note"].label = f"Progress on {code}, or why it was dropped"

    def values(self) -> dict[str, Any]:
        return {
            "status": self.cleaned_data.get("status", ""),
            "update_note": self.cleaned_data.get("update_note", ""),
        }

    @property
    def note_needed(self) -> bool:
        """The note box shows when it holds text or an error; otherwise only for "dropped"."""
        return bool(self["update_note"].value() or self.errors.get("update_note"))
