from django.contrib import admin

from partners.admin_site import LabelledChoices

from .jobs import JOB_FIELDS
from .models import (
    Handbook,
    HandbookVersion,
    HandbookWords,
    QuarterlySet,
    Report,
    ReportVersion,
)
from .reminders.models import Reminder, ReminderSettings


class ReportVersionInline(LabelledChoices, admin.TabularInline):
    model = ReportVersion
    fields = ["number", "built_at", "page_count", "fingerprint", "pdf"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(LabelledChoices, admin.ModelAdmin):
    list_display = ["__str__", "pilot", "scope_kind", "status", "progress", "attempts", "queued_at"]
    list_filter = ["status", "scope_kind", "pilot"]
    readonly_fields = [
        "pilot",
        "scope_kind",
        "zone",
        "local_authority",
        "organisation",
        "year",
        "quarter",
        *JOB_FIELDS,
        "current_version",
    ]
    inlines = [ReportVersionInline]

    def has_add_permission(self, request) -> bool:
        return False


class HandbookVersionInline(LabelledChoices, admin.TabularInline):
    model = HandbookVersion
    fields = [
        "number",
        "built_at",
        "page_count",
        "fingerprint",
        "pdf",
        "html",
        "published_at",
        "published_by",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Handbook)
class HandbookAdmin(LabelledChoices, admin.ModelAdmin):
    list_display = ["__str__", "pilot", "status", "progress", "attempts", "queued_at"]
    list_filter = ["status", "pilot"]
    readonly_fields = [
        "pilot",
        "first_year",
        "first_quarter",
        "last_year",
        "last_quarter",
        *JOB_FIELDS,
        "current_version",
    ]
    inlines = [HandbookVersionInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(HandbookWords)
class HandbookWordsAdmin(LabelledChoices, admin.ModelAdmin):
    list_display = ["pilot", "updated_at", "updated_by"]
    readonly_fields = ["pilot", "foreword", "lessons", "updated_at", "updated_by"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(QuarterlySet)
class QuarterlySetAdmin(LabelledChoices, admin.ModelAdmin):
    list_display = ["pilot", "year", "quarter", "requested_at"]
    readonly_fields = ["pilot", "year", "quarter", "requested_at"]


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(LabelledChoices, admin.ModelAdmin):
    list_display = ["pilot", "days_before", "days_after_overdue", "digest_enabled", "updated"]
    readonly_fields = ["updated", "updated_by"]

    def save_model(self, request, obj, form, change) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Reminder)
class ReminderAdmin(LabelledChoices, admin.ModelAdmin):
    list_display = ["date", "kind", "recipient", "pilot", "subject", "sent_at"]
    list_filter = ["kind", "pilot", "date"]
    search_fields = ["recipient__username", "subject", "subject_key"]
    readonly_fields = [
        "recipient",
        "pilot",
        "kind",
        "subject_key",
        "date",
        "team",
        "subject",
        "body",
        "created",
        "sent_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False
