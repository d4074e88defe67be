from django.contrib import admin

from partners.admin_site import LabelledChoices

from .models import (
    Action,
    Attendance,
    Challenge,
    ForumSeries,
    ForumSession,
    GoodPractice,
    SharedChallenge,
    Theme,
)


@admin.register(Theme)
class ThemeAdmin(LabelledChoices, admin.ModelAdmin):
    """The managed list of themes facilitators tag challenges with."""

    list_display = ["name", "pilot"]
    list_filter = ["pilot"]
    search_fields = ["name"]


@admin.register(ForumSeries)
class ForumSeriesAdmin(LabelledChoices, admin.ModelAdmin):
    list_display = ["title", "pilot", "created"]
    list_filter = ["pilot"]
    search_fields = ["title"]


class AttendanceInline(LabelledChoices, admin.TabularInline):
    model = Attendance
    extra = 0


@admin.register(ForumSession)
class ForumSessionAdmin(LabelledChoices, admin.ModelAdmin):
    list_display = ["series", "date", "principle_code", "format", "status"]
    list_filter = ["status", "format", "series__pilot"]
    inlines = [AttendanceInline]
    raw_id_fields = ["facilitator", "published_by"]


@admin.register(Challenge)
class ChallengeAdmin(LabelledChoices, admin.ModelAdmin):
    list_display = ["__str__", "principle_code", "session", "shared"]
    list_filter = ["principle_code", "session__series__pilot"]
    search_fields = ["text"]
    filter_horizontal = ["themes", "local_authorities", "organisations"]
    raw_id_fields = ["session", "shared"]


@admin.register(SharedChallenge)
class SharedChallengeAdmin(LabelledChoices, admin.ModelAdmin):
    list_display = ["title", "principle_code", "pilot"]
    list_filter = ["pilot"]
    search_fields = ["title"]


@admin.register(GoodPractice)
class GoodPracticeAdmin(LabelledChoices, admin.ModelAdmin):
    list_display = ["__str__", "principle_code", "session"]
    raw_id_fields = ["session"]


@admin.register(Action)
class ActionAdmin(LabelledChoices, admin.ModelAdmin):
    list_display = ["__str__", "owner", "due_date", "status", "principle_code"]
    list_filter = ["status", "principle_code"]
    search_fields = ["what", "owner"]
    raw_id_fields = ["session", "challenge"]
