"""Admin for frameworks and returns.

A framework version that returns already use is shown read-only; editing one of its indicators
goes through `services.framework_revise`, which saves the edit to a new version so old returns
keep the wording they were scored on. The "Make a new version" action copies a version in use.

The crosswalk to the previous version (which old section each section continues, what each
indicator continues) stays editable on the version's page even once returns use it: it says how
figures run across the change, not how returns were scored. Its rules are
`frameworks.crosswalk`'s.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from common.downloads import FHIR_JSON_CONTENT_TYPE, XLSX_CONTENT_TYPE, file_response, json_response
from fidelity.frameworks import crosswalk
from fidelity.frameworks.forms import FrameworkConfirmForm, FrameworkUploadForm, preview_token
from fidelity.frameworks.instrument_files import FHIR, version_file
from fidelity.frameworks.models import (
    Band,
    Framework,
    FrameworkVersion,
    Indicator,
    IndicatorLineage,
    PilotFramework,
    Principle,
    ScaleLevel,
)
from fidelity.frameworks.selectors import (
    framework_instrument,
    framework_next_version_number,
    framework_version_in_use,
    retired_indicators,
)
from fidelity.frameworks.services import framework_import, framework_revise
from fidelity.frameworks.workbook import instrument_xlsx
from fidelity.measures.models import PilotMeasure
from fidelity.opendata import admin as opendata_admin  # noqa: F401 (registers the packs)
from fidelity.returns.models import QAReturn, ReturnTransition
from partners.admin_site import LabelledChoices, register_choice_label

register_choice_label(FrameworkVersion, lambda v: f"{v.framework.name} v{v.number}", ["framework"])
register_choice_label(
    Principle,
    lambda p: f"{p.code} ({p.version.framework.name} v{p.version.number}) {p.title}",
    ["version__framework"],
)
register_choice_label(
    Indicator,
    lambda i: (
        f"{i.code} ({i.principle.version.framework.name} v{i.principle.version.number}) "
        f"{i.text[:60]}"
    ),
    ["principle__version__framework"],
)


def _version_on_page(request: HttpRequest) -> FrameworkVersion | None:
    """The version whose admin page this is (for an inline's choices), if it exists yet."""
    match = request.resolver_match
    object_id = match.kwargs.get("object_id") if match else None
    if object_id is None:
        return None
    return FrameworkVersion.objects.filter(pk=object_id).first()


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


class _SectionsFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        rows = [
            form
            for form in self.forms
            if hasattr(form, "cleaned_data") and not form.cleaned_data.get("DELETE")
        ]
        sections = []
        for form in rows:
            old = form.cleaned_data.get("continues")
            code = form.cleaned_data.get("code") or form.instance.code
            sections.append((code, old.code if old else None))
        for n, message in crosswalk.section_problems(sections):
            rows[n].add_error("continues", message[0].upper() + message[1:])


class PrincipleInline(_LockedWhenInUse, LabelledChoices, admin.TabularInline):
    """Once returns use the version, only what each section continues can change."""

    model = Principle
    formset = _SectionsFormSet
    extra = 0
    show_change_link = True
    fields = ["code", "position", "title", "description", "continues"]

    def has_change_permission(self, request, obj=None):
        return admin.TabularInline.has_change_permission(self, request, obj)

    def get_readonly_fields(self, request, obj=None):
        if self._in_use(obj):
            return ["code", "position", "title", "description"]
        return []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "continues":
            version = _version_on_page(request)
            kwargs["queryset"] = Principle.objects.filter(
                version_id=version.previous_id if version else None
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class _CrosswalkFormSet(forms.BaseInlineFormSet):
    """Checks the crosswalk as a whole: kinds, counts, and old indicators continued twice."""

    def clean(self) -> None:
        super().clean()
        rows = [
            form
            for form in self.forms
            if hasattr(form, "cleaned_data")
            and form.cleaned_data.get("indicator")
            and not form.cleaned_data.get("DELETE")
        ]
        links = [
            crosswalk.Link(
                code=form.cleaned_data["indicator"].code,
                change=form.cleaned_data.get("change") or "",
                continues=tuple(i.code for i in form.cleaned_data.get("continues") or ()),
            )
            for form in rows
        ]
        previous = self.instance.previous
        old_codes = (
            set(
                Indicator.objects.filter(principle__version=previous).values_list("code", flat=True)
            )
            if previous
            else None
        )
        for n, message in crosswalk.link_problems(
            links, old_codes=old_codes, previous=str(previous or "")
        ):
            rows[n].add_error("continues", message[0].upper() + message[1:])


class IndicatorLineageInline(LabelledChoices, admin.TabularInline):
    """The crosswalk: what each indicator of this version continues of the previous one."""

    model = IndicatorLineage
    formset = _CrosswalkFormSet
    extra = 0
    fields = ["indicator", "change", "continues"]
    verbose_name_plural = "Crosswalk: what each indicator continues of the previous version"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "indicator":
            version = _version_on_page(request)
            kwargs["queryset"] = Indicator.objects.filter(principle__version=version)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "continues":
            version = _version_on_page(request)
            kwargs["queryset"] = Indicator.objects.filter(
                principle__version_id=version.previous_id if version else None
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


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
    inlines = [PrincipleInline, IndicatorLineageInline, ScaleLevelInline, BandInline]
    actions = ["make_new_version", "export_xlsx", "export_fhir"]
    change_list_template = "admin/fidelity/frameworkversion/change_list.html"

    @admin.display(boolean=True, description="Used by returns")
    def in_use(self, obj: FrameworkVersion) -> bool:
        return framework_version_in_use(version=obj)

    @admin.display(description="Retired indicators")
    def retired(self, obj: FrameworkVersion) -> str:
        """The previous version's indicators that nothing here continues (derived)."""
        if obj.previous_id is None:
            return "– (no previous version)"
        old = retired_indicators(version=obj)
        return "; ".join(f"{i.code} {i.text}" for i in old) or "None"

    def get_inline_instances(self, request, obj=None):
        return [
            inline
            for inline in super().get_inline_instances(request, obj)
            if not isinstance(inline, IndicatorLineageInline)
            or (obj is not None and obj.previous_id is not None)
        ]

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
                "previous",
                "retired",
            ]
        return ["number", "previous", "retired"] if obj is not None else []

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

    def _one_version(self, request: HttpRequest, queryset) -> FrameworkVersion | None:
        if queryset.count() != 1:
            self.message_user(request, "Select one version to export.", messages.ERROR)
            return None
        return queryset.select_related("framework").get()

    @admin.action(description="Export the selected version as an XLSX workbook")
    def export_xlsx(self, request: HttpRequest, queryset) -> HttpResponse | None:
        if (version := self._one_version(request, queryset)) is None:
            return None
        return file_response(
            filename=f"{version.framework.name} v{version.number}.xlsx",
            content=instrument_xlsx(framework_instrument(version=version)),
            content_type=XLSX_CONTENT_TYPE,
        )

    @admin.action(
        description="Export the selected version as FHIR (JSON): its Questionnaire, with its "
        "crosswalk as a ConceptMap when it continues a version"
    )
    def export_fhir(self, request: HttpRequest, queryset) -> HttpResponse | None:
        if (version := self._one_version(request, queryset)) is None:
            return None
        return json_response(
            filename=f"{version.framework.name} v{version.number}.json",
            content=version_file(version=version, format=FHIR),
            content_type=FHIR_JSON_CONTENT_TYPE,
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
                "title": "Import a framework from a workbook or a FHIR Questionnaire",
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
