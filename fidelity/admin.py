"""Admin for frameworks and returns.

A framework version that returns already use is shown read-only; editing one of its indicators
goes through `services.framework_revise`, which saves the edit to a new version so old returns
keep the wording they were scored on. The "Make a new version" action copies a version in use.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from common.downloads import XLSX_CONTENT_TYPE, file_response
from fidelity.frameworks.forms import FrameworkConfirmForm, FrameworkUploadForm, preview_token
from fidelity.frameworks.models import (
    Band,
    Framework,
    FrameworkVersion,
    Indicator,
    PilotFramework,
    Principle,
    ScaleLevel,
)
from fidelity.frameworks.selectors import (
    framework_instrument,
    framework_next_version_number,
    framework_version_in_use,
)
from fidelity.frameworks.services import framework_import, framework_revise
from fidelity.frameworks.workbook import instrument_xlsx
from fidelity.measures.models import PilotMeasure
from fidelity.returns.models import QAReturn, ReturnTransition
from partners.admin_site import LabelledChoices, register_choice_label

register_choice_label(FrameworkVersion, lambda v: f"{v.framework.name} v{v.number}", ["framework"])
register_choice_label(
    Principle,
    lambda p: f"{p.code} ({p.version.framework.name} v{p.version.number}) {p.title}",
    ["version__framework"],
)

register_choice_label(PilotMeasure, lambda m: f"{m.name} ({m.pilot.name})", ["pilot"])


class _LockedWhenInUse:
    """Inlines that cannot change once returns use the version."""

    def _in_use(self, obj) -> bool:
        return obj is not None and framework_version_in_use(version=obj)

    def has_change_permission(self, request, obj=None):
        return not self._in_use(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return not self._in_use(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._in_use(obj) and super().has_delete_permission(request, obj)


class PrincipleInline(_LockedWhenInUse, LabelledChoices, admin.TabularInline):
    model = Principle
    extra = 0
    show_change_link = True


class ScaleLevelInline(_LockedWhenInUse, LabelledChoices, admin.TabularInline):
    model = ScaleLevel
    extra = 0


class BandInline(_LockedWhenInUse, LabelledChoices, admin.TabularInline):
    model = Band
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


class FrameworkVersionInline(LabelledChoices, admin.TabularInline):
    model = FrameworkVersion
    extra = 0
    fields = ["number", "notes", "created"]
    readonly_fields = ["number", "notes", "created"]
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Framework)
class FrameworkAdmin(LabelledChoices, admin.ModelAdmin):
    list_display = ["name"]
    inlines = [FrameworkVersionInline]


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(LabelledChoices, admin.ModelAdmin):
    list_display = ["__str__", "created", "in_use"]
    list_filter = ["framework"]
    inlines = [PrincipleInline, ScaleLevelInline, BandInline]
    actions = ["make_new_version", "export_xlsx"]
    change_list_template = "admin/fidelity/frameworkversion/change_list.html"

    @admin.display(boolean=True, description="Used by returns")
    def in_use(self, obj: FrameworkVersion) -> bool:
        return framework_version_in_use(version=obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and framework_version_in_use(version=obj):
            return [
                "framework",
                "number",
                "notes",
                "caseload_target_per_fte",
                "section_word",
                "section_word_plural",
                "report_title",
            ]
        return ["number"] if obj is not None else []

    def get_exclude(self, request, obj=None):
        return ["number"] if obj is None else super().get_exclude(request, obj)

    def save_model(self, request, obj: FrameworkVersion, form, change: bool) -> None:
        # The number is never typed: a new version takes the next one of its framework.
        if not change:
            obj.number = framework_next_version_number(framework=obj.framework)
        super().save_model(request, obj, form, change)

    @admin.action(description="Make a new version from the selected versions (for editing)")
    def make_new_version(self, request: HttpRequest, queryset) -> None:
        for version in queryset:
            new = framework_revise(
                version=version, notes=f"Revised from version {version.number} in the admin."
            )
            self.message_user(request, f"{version}: edit {new}.", messages.SUCCESS)

    @admin.action(description="Export the selected version as an XLSX workbook")
    def export_xlsx(self, request: HttpRequest, queryset) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, "Select one version to export.", messages.ERROR)
            return None
        version = queryset.select_related("framework").get()
        return file_response(
            filename=f"{version.framework.name} v{version.number}.xlsx",
            content=instrument_xlsx(framework_instrument(version=version)),
            content_type=XLSX_CONTENT_TYPE,
        )

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="fidelity_frameworkversion_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload, preview (every problem listed, or what will be created), then confirm.
        Nothing is saved before the confirmation."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        upload = FrameworkUploadForm()
        instrument, token, expired = None, "", []
        if request.method == "POST" and "token" in request.POST:
            confirm = FrameworkConfirmForm(request.POST)
            if confirm.is_valid():
                version = framework_import(confirm.instrument)
                self.message_user(
                    request, f"Imported {version} (version id {version.pk}).", messages.SUCCESS
                )
                return HttpResponseRedirect(
                    reverse("admin:fidelity_frameworkversion_change", args=[version.pk])
                )
            expired = confirm.errors["token"]
        elif request.method == "POST":
            upload = FrameworkUploadForm(request.POST, request.FILES)
            if upload.is_valid():
                instrument, token = upload.instrument, preview_token(upload.instrument)
        existing = (
            Framework.objects.filter(name=instrument.name)
            .annotate(last=Max("versions__number"))
            .first()
            if instrument
            else None
        )
        return TemplateResponse(
            request,
            "admin/fidelity/frameworkversion/import.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Import a framework from a workbook",
                "form": upload,
                "instrument": instrument,
                "token": token,
                "expired": expired,
                "existing": existing,
                "next_number": (existing.last or 0) + 1 if existing else 1,
            },
        )


class IndicatorInline(LabelledChoices, admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["code", "position", "text"]
    readonly_fields = ["code", "position", "text"]
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Principle)
class PrincipleAdmin(LabelledChoices, admin.ModelAdmin):
    list_display = ["__str__", "version"]
    list_filter = ["version"]
    inlines = [IndicatorInline]


@admin.register(Indicator)
class IndicatorAdmin(LabelledChoices, admin.ModelAdmin):
    list_display = ["code", "text", "version"]
    list_filter = ["principle__version"]
    search_fields = ["text", "code"]
    fields = ["principle", "code", "position", "text", "guidance", "plain_text"]

    @admin.display(description="Framework version")
    def version(self, obj: Indicator):
        return obj.principle.version

    def get_readonly_fields(self, request, obj=None):
        return ["principle", "code", "position"] if obj is not None else []

    def save_model(self, request, obj: Indicator, form, change: bool) -> None:
        version = obj.principle.version
        if not change or not framework_version_in_use(version=version):
            super().save_model(request, obj, form, change)
            return
        new = framework_revise(
            version=version,
            notes=f"Indicator {obj.code} reworded in the admin.",
            indicator_changes={
                obj.code: {"text": obj.text, "guidance": obj.guidance, "plain_text": obj.plain_text}
            },
        )
        self.message_user(
            request,
            f"Returns already use {version}, so the change was saved as {new}; "
            "pilots now use the new version and old returns keep theirs.",
            messages.WARNING,
        )


@admin.register(PilotFramework)
class PilotFrameworkAdmin(LabelledChoices, admin.ModelAdmin):
    list_display = ["pilot", "version"]


@admin.register(PilotMeasure)
class PilotMeasureAdmin(LabelledChoices, admin.ModelAdmin):
    """A pilot's own quarterly measures: asked for in its returns and templates, summed on its
    dashboards, exports and reports (docs/figures.md)."""

    list_display = ["name", "pilot", "kind", "at_most", "position", "is_active"]
    list_filter = ["pilot", "is_active"]
    list_select_related = ["pilot", "at_most_measure"]
    search_fields = ["name"]
    fields = [
        "pilot",
        "name",
        "help_text",
        "kind",
        "minimum",
        "decimal_places",
        "at_most_measure",
        "at_most_figure",
        "position",
        "is_active",
    ]

    @admin.display(description="At most")
    def at_most(self, obj: PilotMeasure) -> str:
        return obj.at_most_label or ""


class ReturnTransitionInline(LabelledChoices, admin.TabularInline):
    model = ReturnTransition
    extra = 0
    readonly_fields = ["from_status", "to_status", "by", "at", "comment"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(QAReturn)
class QAReturnAdmin(LabelledChoices, SimpleHistoryAdmin):
    """Read-only: returns change through the workflow (services), not the admin."""

    list_display = ["team", "year", "quarter", "status", "overall_score", "deadline"]
    list_filter = ["status", "year", "quarter", "team__organisation__pilot"]
    search_fields = ["team__name"]
    inlines = [ReturnTransitionInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
