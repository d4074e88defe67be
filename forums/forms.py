"""Forms for forum notes. Free-text fields pass the privacy guard (privacy.py) before saving."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from common.forms import ModelMultipleChoiceField
from fidelity.frameworks.selectors import pilot_framework_words
from partners.models import LocalAuthority, Organisation, Pilot

from . import privacy, services
from .models import ActionStatus, Challenge, ForumSeries, ForumSession, SessionFormat, Theme
from .selectors import principle_choices


class PrivacyGuardMixin:
    """Refuses text that looks like a supported person's details until edited or confirmed.

    After `is_valid()`, `privacy_warnings` maps each field to its text with the matches marked.
    Nothing typed is lost: the bound form re-renders with the text as it was.
    """

    privacy_fields: tuple[str, ...] = ("text",)

    def add_privacy_field(self) -> None:
        self.privacy_warnings: dict[str, str] = {}
        self.fields["privacy_confirmed"] = forms.BooleanField(
            required=False,
            label=(
                "I have checked: the highlighted text is not a detail of anyone we support, "
                "save it as written"
            ),
        )

    def check_privacy(self, cleaned: dict) -> None:
        if cleaned.get("privacy_confirmed"):
            return
        for name in self.privacy_fields:
            value = cleaned.get(name) or ""
            if privacy.find_identifiers(value):
                self.privacy_warnings[name] = privacy.highlight(value)
        if self.privacy_warnings:
            kinds = sorted(
                {
                    f.label
                    for name in self.privacy_warnings
                    for f in privacy.find_identifiers(cleaned[name])
                }
            )
            raise ValidationError(
                "This looks like it holds personal details (%(kinds)s). Forum notes are shared "
                "across the partnership: remove the highlighted details, or tick the box to "
                "confirm they are not about anyone supported.",
                params={"kinds": ", ".join(kinds)},
                code="privacy",
            )


def _principle_field(pilot: Pilot, *, in_focus: bool = False) -> forms.ChoiceField:
    """A choice of the pilot's framework's sections, labelled with the framework's word."""
    words = pilot_framework_words(pilot=pilot)
    general = ("", f"General (no single {words.section})")
    return forms.ChoiceField(
        label=f"{words.section_heading} in focus" if in_focus else words.section_heading,
        choices=[*principle_choices(pilot=pilot), general],
        required=False,
    )


class SeriesForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, pilot: Pilot, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pilot = pilot

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if ForumSeries.objects.filter(pilot=self.pilot, title__iexact=title).exists():
            raise ValidationError("A series with this title already exists.")
        return title


class SessionForm(forms.Form):
    series = forms.ModelChoiceField(queryset=ForumSeries.objects.none())
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    principle_code = forms.ChoiceField()  # the framework's sections, set in __init__
    format = forms.ChoiceField(choices=SessionFormat.choices)

    def __init__(self, *args, pilot: Pilot, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["series"].queryset = ForumSeries.objects.filter(pilot=pilot)
        self.fields["principle_code"] = _principle_field(pilot, in_focus=True)


class AttendanceForm(forms.Form):
    who = forms.ChoiceField(label="Organisation or local authority")
    count = forms.IntegerField(label="How many came", min_value=1, max_value=500)

    def __init__(self, *args, pilot: Pilot, **kwargs) -> None:
        kwargs.setdefault("auto_id", "attendance-%s")
        super().__init__(*args, **kwargs)
        self.organisations = {o.pk: o for o in Organisation.objects.filter(pilot=pilot)}
        self.local_authorities = {
            la.pk: la for la in LocalAuthority.objects.filter(zone__pilot=pilot)
        }
        self.fields["who"].choices = [
            ("", "Choose…"),
            ("Organisations", [(f"org-{pk}", o.name) for pk, o in self.organisations.items()]),
            (
                "Local authorities",
                [(f"la-{pk}", la.name) for pk, la in self.local_authorities.items()],
            ),
        ]

    def clean_who(self) -> dict:
        kind, _, pk = self.cleaned_data["who"].partition("-")
        if kind == "org":
            return {"organisation": self.organisations[int(pk)]}
        return {"local_authority": self.local_authorities[int(pk)]}


class ChallengeForm(PrivacyGuardMixin, forms.Form):
    text = forms.CharField(
        label="Challenge", max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    principle_code = forms.ChoiceField()  # the framework's sections, set in __init__
    themes = forms.CharField(
        label="Themes",
        required=False,
        max_length=400,
        help_text=(
            "Start typing to pick from the theme list; separate several with commas. "
            "A theme not in the list yet can be added to it."
        ),
    )
    # Ticked, it carries the new theme names the facilitator was asked about, so a tick never
    # adds a name they did not see (see `clean`).
    confirm_new_themes = forms.CharField(required=False)
    local_authorities = ModelMultipleChoiceField(
        label="Local authorities that raised it",
        queryset=LocalAuthority.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organisations = ModelMultipleChoiceField(
        label="Organisations that raised it",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, session: ForumSession, **kwargs) -> None:
        kwargs.setdefault("initial", {"principle_code": session.principle_code})
        kwargs.setdefault("auto_id", "challenge-%s")
        super().__init__(*args, **kwargs)
        self.pilot = session.pilot
        self.new_theme_names: list[str] = []
        self.new_themes_confirmed = False
        self.fields["principle_code"] = _principle_field(self.pilot)
        self.fields["local_authorities"].queryset = LocalAuthority.objects.filter(
            zone__pilot=self.pilot
        )
        self.fields["organisations"].queryset = Organisation.objects.filter(pilot=self.pilot)
        self.fields["themes"].widget.attrs.update(
            {
                "list": "theme-options",
                "autocomplete": "off",
                "hx-get": reverse("forums:theme_options"),
                "hx-trigger": "input changed delay:250ms, focus",
                "hx-target": "#theme-options",
                "hx-swap": "innerHTML",
            }
        )
        self.add_privacy_field()

    def clean_themes(self) -> list[str]:
        """The names typed, each once whatever its capitals, in the order typed."""
        names: dict[str, str] = {}
        for name in self.cleaned_data["themes"].split(","):
            name = " ".join(name.split())
            if name:
                names.setdefault(name.lower(), name)
        return list(names.values())

    def clean(self) -> dict:
        cleaned = super().clean()
        if "themes" in cleaned:
            self._resolve_themes(cleaned)
        if not cleaned.get("local_authorities") and not cleaned.get("organisations"):
            self.add_error(
                "local_authorities", "Tick at least one local authority or organisation."
            )
        self.check_privacy(cleaned)
        return cleaned

    def _resolve_themes(self, cleaned: dict) -> None:
        """Names already in the pilot's list become its themes; new ones are added only once the
        facilitator has confirmed exactly those names."""
        known = {t.name.lower(): t for t in Theme.objects.filter(pilot=self.pilot)}
        names = cleaned["themes"]
        new = [n for n in names if n.lower() not in known]
        cleaned["themes"] = [known[n.lower()] for n in names if n.lower() in known]
        cleaned["new_themes"] = []
        confirmed = cleaned.pop("confirm_new_themes", "")
        if not new:
            return
        problems = [p for p in (services.theme_name_problem(name=n) for n in new) if p]
        if problems:
            self.add_error("themes", problems)
            return
        self.new_theme_names = new
        if confirmed.lower() == self.new_themes_value.lower():
            self.new_themes_confirmed = True
            cleaned["new_themes"] = new
            return
        self.add_error(
            "themes",
            ValidationError(
                "Not in this pilot's theme list yet: %(names)s. Check the spelling, or tick "
                "the box below to add %(them)s to the list.",
                params={"names": _quoted(new), "them": "it" if len(new) == 1 else "them"},
                code="new_theme",
            ),
        )

    @property
    def new_themes_value(self) -> str:
        return ", ".join(self.new_theme_names)

    @property
    def new_themes_question(self) -> str:
        noun = "theme" if len(self.new_theme_names) == 1 else "themes"
        return f"Add the {noun} {_quoted(self.new_theme_names)} to this pilot's list"


def _quoted(names: list[str]) -> str:
    quoted = [f"‘{n}’" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


class GoodPracticeForm(PrivacyGuardMixin, forms.Form):
    text = forms.CharField(
        label="Good practice", max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    principle_code = forms.ChoiceField()  # the framework's sections, set in __init__
    organisation = forms.ModelChoiceField(
        label="Organisation (optional)", queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args, session: ForumSession, **kwargs) -> None:
        kwargs.setdefault("initial", {"principle_code": session.principle_code})
        kwargs.setdefault("auto_id", "good-practice-%s")
        super().__init__(*args, **kwargs)
        self.fields["principle_code"] = _principle_field(session.pilot)
        self.fields["organisation"].queryset = Organisation.objects.filter(pilot=session.pilot)
        self.add_privacy_field()

    def clean(self) -> dict:
        cleaned = super().clean()
        self.check_privacy(cleaned)
        return cleaned


class ActionForm(PrivacyGuardMixin, forms.Form):
    privacy_fields = ("what", "owner")

    what = forms.CharField(
        label="Action", max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.CharField(label="Owner", max_length=200)
    due_date = forms.DateField(
        label="Due date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(choices=ActionStatus.choices, initial=ActionStatus.OPEN)
    challenge = forms.ModelChoiceField(
        label="Linked challenge (optional)", queryset=Challenge.objects.none(), required=False
    )

    def __init__(self, *args, session: ForumSession, **kwargs) -> None:
        kwargs.setdefault("auto_id", "action-%s")
        super().__init__(*args, **kwargs)
        self.fields["challenge"].queryset = Challenge.objects.filter(session=session)
        self.add_privacy_field()

    def clean(self) -> dict:
        cleaned = super().clean()
        self.check_privacy(cleaned)
        return cleaned


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices)


class ConfirmSharedForm(forms.Form):
    title = forms.CharField(label="Shared challenge title", max_length=300)
    challenges = ModelMultipleChoiceField(
        queryset=Challenge.objects.none(), widget=forms.MultipleHiddenInput
    )

    def __init__(self, *args, pilot: Pilot, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["challenges"].queryset = Challenge.objects.filter(
            session__series__pilot=pilot
        ).select_related("session__series")

    def clean_challenges(self):
        challenges = self.cleaned_data["challenges"]
        if len(challenges) < 2:
            raise ValidationError("Choose at least two challenges to share.")
        return challenges
