from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PartnersConfig(AppConfig):
    default = True
    name = "partners"
    verbose_name = "Pilot structure and people"

    def ready(self) -> None:
        from . import audit, two_factor

        audit.connect()
        two_factor.connect()


class PilotAdminConfig(admin_apps.AdminConfig):
    """The Django admin, reachable by administrators (superusers) only."""

    default = False
    default_site = "partners.admin_site.PilotAdminSite"
