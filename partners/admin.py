from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from common.downloads import file_response
from common.quarters import Quarter

from . import api_tokens, privacy, two_factor
from .admin_site import LabelledChoices, register_choice_label
from .models import (
    ApiToken,
    LocalAuthority,
    Organisation,
    Pilot,
    QuarterConvention,
    RoleAssignment,
    SecurityEvent,
    Team,
    User,
    Zone,
)

register_choice_label(Pilot, lambda p: p.name, [])
register_choice_label(Zone, lambda z: f"{z.name} ({z.pilot.name})", ["pilot"])
register_choice_label(
    LocalAuthority, lambda la: f"{la.name} ({la.zone.pilot.name})", ["zone__pilot"]
)
register_choice_label(Organisation, lambda o: f"{o.name} ({o.pilot.name})", ["pilot"])
register_choice_label(
    Team, lambda t: f"{t.name} ({t.organisation.pilot.name})", ["organisation__pilot"]
)


class RoleAssignmentInline(LabelledChoices, admin.TabularInline):
    """A person's roles, set on the person's page; plain drop-downs so each says whose."""

    model = RoleAssignment
    extra = 1
    fields = ["role", "pilot", "team"]
    fk_name = "user"


@admin.register(User)
class UserAdmin(LabelledChoices, BaseUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "email", "first_name", "last_name", "is_active", "is_superuser"]
    list_filter = ["is_active", "is_superuser", "role_assignments__role", "role_assignments__pilot"]
    actions = ["export_person_data", "deactivate_leavers", "reset_two_factor"]

    def save_model(self, request, obj, form, change) -> None:
        # Unticking "active" on the form is deactivating a leaver too: their sessions end now.
        leaving = change and "is_active" in form.changed_data and not obj.is_active
        super().save_model(request, obj, form, change)
        if leaving:
            privacy.person_deactivate(user=obj, request=request)

    @admin.action(description="Download everything we hold about this person (subject access)")
    def export_person_data(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, "Choose exactly one person for a subject access export.", messages.ERROR
            )
            return None
        person = queryset.get()
        return file_response(
            filename=f"subject-access-{person.get_username()}.json",
            content=privacy.person_data_json(user=person, request=request),
            content_type="application/json",
        )

    @admin.action(description="Deactivate as leavers (records kept, sessions ended)")
    def deactivate_leavers(self, request, queryset):
        people = list(queryset)
        for person in people:
            privacy.person_deactivate(user=person, request=request)
        self.message_user(
            request,
            f"Deactivated {len(people)} person(s). Their records are kept; they are signed out.",
            messages.SUCCESS,
        )

    @admin.action(description="Reset two-factor sign-in (lost phone)")
    def reset_two_factor(self, request, queryset):
        for person in queryset:
            two_factor.two_factor_reset(
                user=person, by=request.user.get_username(), request=request
            )
        self.message_user(
            request,
            "Two-factor sign-in reset. They set it up again at their next sign-in.",
            messages.SUCCESS,
        )


class ZoneInline(LabelledChoices, admin.TabularInline):
    model = Zone
    extra = 1
    show_change_link = True


class OrganisationInline(LabelledChoices, admin.TabularInline):
    model = Organisation
    extra = 1
    show_change_link = True


@admin.register(Pilot)
class PilotAdmin(LabelledChoices, admin.ModelAdmin):
    list_display = ["name", "quarter_convention", "return_deadline_days"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ZoneInline, OrganisationInline]


class LocalAuthorityInline(LabelledChoices, admin.TabularInline):
    model = LocalAuthority
    extra = 1
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Zone)
class ZoneAdmin(LabelledChoices, admin.ModelAdmin):
    list_display = ["name", "pilot"]
    list_filter = ["pilot"]
    search_fields = ["name", "local_authorities__name"]
    inlines = [LocalAuthorityInline]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(LabelledChoices, admin.ModelAdmin):
    list_display = ["name", "gss_code", "zone", "pilot_name"]
    list_filter = ["zone__pilot", "zone"]
    search_fields = ["name", "gss_code"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["zone__pilot"]

    @admin.display(description="Pilot", ordering="zone__pilot__name")
    def pilot_name(self, obj: LocalAuthority) -> str:
        return obj.zone.pilot.name


def _start_quarter_field(pilot: Pilot | None, current: int | None) -> forms.Field:
    """The team's first quarter as a choice of quarters named in its pilot's convention (or
    the convention every pilot uses, when the team has no pilot yet), with their months."""
    if pilot is not None:
        convention = pilot.quarter_convention
    else:
        conventions = set(Pilot.objects.values_list("quarter_convention", flat=True))
        convention = conventions.pop() if len(conventions) == 1 else QuarterConvention.FINANCIAL
    now = Quarter.containing(timezone.localdate(), convention).index
    indexes = sorted({*range(now - 12, now + 9), *([current] if current is not None else [])})
    return forms.TypedChoiceField(
        label="First quarter",
        choices=[("", "Every quarter (no late start)")]
        + [(i, Quarter.from_index(i, convention).long_label) for i in indexes],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=Team._meta.get_field("start_quarter").help_text,
    )


class TeamInline(LabelledChoices, admin.TabularInline):
    model = Team
    extra = 1
    show_change_link = True
    fields = ["name", "local_authorities", "is_active", "start_quarter"]

    def get_formset(self, request, obj: Organisation | None = None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        fields = formset.form.base_fields
        fields["start_quarter"] = _start_quarter_field(obj.pilot if obj else None, None)
        if obj is not None:
            las = fields["local_authorities"]
            las.queryset = las.queryset.filter(zone__pilot=obj.pilot)
        return formset


@admin.register(Organisation)
class OrganisationAdmin(LabelledChoices, admin.ModelAdmin):
    list_display = ["name", "partnership_role", "pilot"]
    list_filter = ["pilot", "partnership_role"]
    search_fields = ["name"]
    inlines = [TeamInline]


class TeamRoleInline(LabelledChoices, admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "pilot"]
    verbose_name = "team leader"
    verbose_name_plural = "team leaders"


@admin.register(Team)
class TeamAdmin(LabelledChoices, admin.ModelAdmin):
    list_display = ["name", "organisation", "is_active", "first_quarter"]
    list_filter = ["organisation__pilot", "organisation", "local_authorities__zone", "is_active"]
    search_fields = ["name", "organisation__name", "local_authorities__name"]
    filter_horizontal = ["local_authorities"]
    list_select_related = ["organisation__pilot"]
    inlines = [TeamRoleInline]

    def get_form(self, request, obj: Team | None = None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.base_fields["start_quarter"] = _start_quarter_field(
            obj.pilot if obj else None, obj.start_quarter if obj else None
        )
        return form

    @admin.display(description="First quarter", ordering="start_quarter")
    def first_quarter(self, obj: Team) -> str:
        if obj.start_quarter is None:
            return "Every quarter"
        return Quarter.from_index(obj.start_quarter, obj.pilot.quarter_convention).label


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(LabelledChoices, SimpleHistoryAdmin):
    list_display = ["user", "role", "pilot", "team"]
    list_filter = ["role", "pilot"]
    search_fields = ["user__username", "user__email", "team__name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "pilot", "team"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(LabelledChoices, admin.ModelAdmin):
    """Read-only: the trail is written by the app, never edited."""

    list_display = ["at", "kind", "username", "user", "ip_address", "path", "detail"]
    list_filter = ["kind", "at"]
    search_fields = ["username", "user__username", "ip_address", "path", "detail"]
    date_hierarchy = "at"
    list_select_related = ["user"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only but for revoking: a token is made by its person (or create_api_token), and only
    a hash of it is kept."""

    list_display = [
        "name",
        "user",
        "prefix",
        "scope",
        "created",
        "expires",
        "last_used",
        "revoked",
    ]
    list_filter = ["scope", "revoked", "expires"]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    exclude = ["hashed_key"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset) -> None:
        revoked = sum(
            api_tokens.api_token_revoke(user=token.user, pk=token.pk, request=request)
            for token in queryset
        )
        messages.success(request, f"{revoked} token(s) revoked.")
