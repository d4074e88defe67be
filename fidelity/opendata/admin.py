"""Published packs in the admin, to read only: a pack never changes; a correction is a new
version, published from the open data page."""

from django.contrib import admin

from fidelity.opendata.models import OpenDataPack


@admin.register(OpenDataPack)
class OpenDataPackAdmin(admin.ModelAdmin):
    list_display = ("pilot", "year", "quarter", "version", "published_at", "published_by")
    list_filter = ("pilot",)
    exclude = ("content", "csv_text", "json_text")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
