from django.contrib import admin
from django.http import HttpRequest


class PilotAdminSite(admin.AdminSite):
    site_header = "Housing First QA: administration"
    site_title = "Housing First QA admin"
    index_title = "Set up pilots, partners, teams and people"

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser
